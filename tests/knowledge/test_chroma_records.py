"""What Chroma's records turn into in memory: chunks, and the cards' phrasing vectors, of which a
reload reads only the new ones."""

from __future__ import annotations

import numpy as np

from knowledge.chroma_records import card_vectors, chunk_from_record
from knowledge.models import CARD_QUESTION, Chunk


def _phrasing(chunk_id: str, text: str) -> Chunk:
    return Chunk(
        id=chunk_id, doc_id="answers/x.yaml", text=text, title="", url="", metadata={"kind": CARD_QUESTION}
    )


def test_a_passage_record_gives_its_text_and_a_title_with_its_section() -> None:
    chunk = chunk_from_record(
        "p1",
        "ESF+\nThe ESF+ budget is EUR 142.7 billion.",
        {"doc_id": "funding/esf.md", "doc_title": "ESF+", "section_path": "Budget", "url": "https://x.eu"},
    )

    assert chunk.text == "The ESF+ budget is EUR 142.7 billion."
    assert chunk.title == "ESF+ — Budget"
    assert (chunk.doc_id, chunk.url) == ("funding/esf.md", "https://x.eu")


def test_a_card_phrasing_record_is_kept_as_stored() -> None:
    chunk = chunk_from_record("q1", "Who can join ESER?", {"kind": CARD_QUESTION, "card_id": "who-can-join"})

    assert (chunk.text, chunk.title) == ("Who can join ESER?", "who-can-join")


def test_only_new_phrasings_are_read_and_every_row_is_normalised() -> None:
    kept, new = _phrasing("q1", "Who can join?"), _phrasing("q2", "How do I join?")
    previous = ([kept], np.array([[0.6, 0.8]], dtype=np.float32))
    asked: list[list[str]] = []

    def read(ids: list[str]) -> dict[str, list[float]]:
        asked.append(ids)
        return {"q2": [3.0, 4.0]}

    phrasings, matrix = card_vectors([kept, new], previous, read)

    assert asked == [["q2"]]
    assert [chunk.id for chunk in phrasings] == ["q1", "q2"]
    np.testing.assert_allclose(matrix, [[0.6, 0.8], [0.6, 0.8]], rtol=1e-6)


def test_a_phrasing_whose_vector_is_gone_is_left_out() -> None:
    phrasings, matrix = card_vectors(
        [_phrasing("q1", "Who can join?")], ([], np.zeros((0, 0))), lambda ids: {}
    )

    assert phrasings == [] and matrix.shape == (0, 0)
