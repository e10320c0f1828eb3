"""English expansion of questions through the glossaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.crosslingual import CrossLingual, fold


@pytest.fixture(scope="module")
def crosslingual() -> CrossLingual:
    return CrossLingual()


def test_expansion_uses_phrases_and_prefixes(crosslingual: CrossLingual) -> None:
    assert "social economy" in crosslingual.expand("l'économie sociale en Europe", "fr")
    polish = crosslingual.expand("Czy spółdzielnie socjalne mogą dostać dotację?", "pl")
    assert "cooperative" in polish and "grant" in polish
    assert crosslingual.expand("anything", "en") == ""


def test_custom_glossary_folder(tmp_path: Path) -> None:
    (tmp_path / "fr.yaml").write_text(
        "coopérative*: cooperative\nappel à projets: call for proposals\n", encoding="utf-8"
    )
    glossary = CrossLingual(tmp_path)
    assert glossary.expand("Un appel à projets pour coopératives", "fr") == "call for proposals cooperative"


def test_fold() -> None:
    assert fold("Économie Społeczna") == "economie spoleczna"


def test_too_short_prefix_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pl.yaml").write_text("si*: network\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'si\\*' is too short"):
        CrossLingual(tmp_path)


def test_untranslated_words_leave_out_function_words(crosslingual: CrossLingual) -> None:
    assert crosslingual.untranslated("Quel temps fera-t-il à Liège ce week-end ?", "fr") == [
        "temps",
        "fera",
        "week",
        "end",
    ]
    assert crosslingual.untranslated("La Commissione paga le spese di un evento ESER?", "it") == ["eser"]
