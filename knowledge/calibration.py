"""Thresholds of the relevance gate and of answer-card matching, per embedding model.

Similarities are not comparable across models (multilingual-e5 puts most pairs between 0.8 and 0.93,
MiniLM spreads them from 0 to 1), so each model has its own values, chosen on the development
questions (``knowledge/eval/dev.yaml`` and ``questions.yaml``) by ``benchmarks/calibrate.py``, which
prints the trade-off between false refusals and answered unanswerables.
"""

from __future__ import annotations

from knowledge.card_match import CardThresholds
from knowledge.gate import GateThresholds

ENGLISH_MODEL = (
    GateThresholds(coverage=0.6, supported_coverage=0.3, similarity=0.5),
    CardThresholds(score=0.94, coverage=0.6, lexical_weight=0.6),
)
MULTILINGUAL_MODEL = (
    GateThresholds(coverage=0.6, supported_coverage=0.3, similarity=0.85),
    CardThresholds(score=1.24, coverage=0.35, lexical_weight=0.6),
)


def thresholds_for(multilingual: bool) -> tuple[GateThresholds, CardThresholds]:
    """The calibrated thresholds for the English-only or the multilingual embedding model."""
    return MULTILINGUAL_MODEL if multilingual else ENGLISH_MODEL
