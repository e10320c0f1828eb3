"""List metadata stored as pipe-joined strings, and load errors."""

from knowledge.documents import LoadError, pipe_join, pipe_split


def test_pipe_round_trip() -> None:
    assert pipe_join(["FR", " PL ", ""]) == "|FR|PL|"
    assert pipe_join("EU") == "|EU|" and pipe_join(None) == "" and pipe_join([]) == ""
    assert pipe_split("|FR|PL|") == ["FR", "PL"] and pipe_split("") == [] and pipe_split(3) == []


def test_load_error_text() -> None:
    assert str(LoadError(path="a.yaml", message="bad", line=3)) == "a.yaml:3: bad"
    assert str(LoadError(path="a.pdf", message="bad")) == "a.pdf: bad"
