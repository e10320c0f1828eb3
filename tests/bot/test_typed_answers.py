"""Typed answers: control words in every language, numbers, option names, lists."""

from __future__ import annotations

import pytest

from bot.i18n import Catalogue
from bot.typed_answers import Words, best_option, numbered


@pytest.mark.parametrize(
    ("language", "text", "control"),
    [
        ("en", "Back", "back"),
        ("fr", "retour", "back"),
        ("de", "Zurück", "back"),
        ("pl", "pomiń", "skip"),
        ("es", "cancelar", "cancel"),
        ("it", "fatto", "done"),
        ("fr", "recommencer", "restart"),
        ("de", "cancel", "cancel"),  # English works in every language
        ("en", "go back to the start please", None),
        ("en", "Bavaria", None),
    ],
)
def test_control_words(catalogue: Catalogue, language: str, text: str, control: str | None) -> None:
    assert Words(catalogue).control(text, language) == control


def test_yes_words(catalogue: Catalogue) -> None:
    words = Words(catalogue)
    assert (
        words.means("yes", "Oui", "fr")
        and words.means("yes", "tak", "pl")
        and words.means("yes", "yes", "pl")
    )
    assert not words.means("yes", "non", "fr")


@pytest.mark.parametrize(
    ("language", "text", "items"),
    [
        ("en", "funding, events and policy", ["funding", "events", "policy"]),
        ("fr", "financements et événements", ["financements", "événements"]),
        ("de", "Förderung und Veranstaltungen", ["Förderung", "Veranstaltungen"]),
        ("pl", "1 i 3", ["1", "3"]),
        ("en", "2; 3", ["2", "3"]),
    ],
)
def test_split_list(catalogue: Catalogue, language: str, text: str, items: list[str]) -> None:
    assert Words(catalogue).split_list(text, language) == items


def test_numbered() -> None:
    assert numbered("2", 3) == 1 and numbered(" 3. ", 3) == 2 and numbered("#1", 3) == 0
    assert numbered("4", 3) is None and numbered("two", 3) is None and numbered("0", 3) is None


def test_best_option() -> None:
    labels = [
        ["Regional or local public authority"],
        ["Social enterprise or cooperative"],
        ["Association, NGO or foundation"],
        ["Network or umbrella body"],
    ]
    assert best_option("cooperative", labels) == 1
    assert best_option("Cooperatve", labels) == 1  # a typo
    assert best_option("NGO", labels) == 2
    assert best_option("network or umbrella body", labels) == 3
    assert best_option("or", labels) is None  # too short to mean anything
    assert best_option("banana", labels) is None
    assert best_option("sì", [["Sì, inviami gli annunci"], ["No, grazie"]]) == 0
    assert best_option("social", [["Social enterprise"], ["Social economy policy"]]) is None  # ambiguous
