"""Language detection and English expansion of questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.crosslingual import CrossLingual, fold


@pytest.fixture(scope="module")
def crosslingual() -> CrossLingual:
    return CrossLingual()


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Comment ma commune peut-elle rejoindre le réseau ESER ?", "fr"),
        ("Wie kann unsere Gemeinde dem ESER-Netzwerk beitreten?", "de"),
        ("¿Cómo puede mi ayuntamiento unirse a la red ESER?", "es"),
        ("Come può il mio comune aderire alla rete ESER?", "it"),
        ("Jak nasza gmina może dołączyć do sieci ESER?", "pl"),
        ("How can our municipality join the ESER network?", "en"),
    ],
)
def test_detects_the_six_languages(crosslingual: CrossLingual, question: str, language: str) -> None:
    assert crosslingual.detect(question) == language


def test_short_text_falls_back_to_the_default(crosslingual: CrossLingual) -> None:
    assert crosslingual.detect("ESER?", default="it") == "it"
    assert crosslingual.detect("Hallo", default="pl") == "pl"


def test_english_words_shared_with_glossaries_do_not_flip_english(crosslingual: CrossLingual) -> None:
    assert crosslingual.detect("What is the Interreg budget for cross-border cooperation?") == "en"


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
        "quel",
        "temps",
        "fera",
        "week",
        "end",
    ]
    assert crosslingual.untranslated("La Commissione paga le spese di un evento ESER?", "it") == ["eser"]


def test_words_shared_with_english_are_no_evidence(crosslingual: CrossLingual) -> None:
    question = "How much was each project worth in the 2024 Horizon Europe topic on the social economy?"
    assert crosslingual.detect(question) == "en"
