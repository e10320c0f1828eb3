"""Typo tolerance against the knowledge base's own vocabulary."""

from __future__ import annotations

from knowledge.spelling import Vocabulary, is_common_word


def test_unknown_words_become_the_closest_frequent_known_word() -> None:
    vocabulary = Vocabulary(["cooperative cooperatives cooperation", "cooperative", "municipality"])
    assert vocabulary.correct_word("cooperatve") == "cooperative"
    assert vocabulary.correct_word("municipalty") == "municipality"
    assert vocabulary.correct_word("zzzzzz") is None
    assert vocabulary.correct_word("cooperative") is None  # known
    assert vocabulary.correct_word("coop") is None  # too short to correct safely


def test_function_words_names_and_real_words_stay() -> None:
    vocabulary = Vocabulary(["costs of events", "the call"])
    text, changes = vocabulary.correct("Who hosts the Gdynia event?", keep={"who", "the"})
    assert changes == {} and text == "Who hosts the Gdynia event?"
    assert is_common_word("hosts", "en") and not is_common_word("joinn", "en")
    assert is_common_word("adhérer", "fr")
