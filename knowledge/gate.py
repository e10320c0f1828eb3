"""The relevance gate: whether the retrieved passages answer the question, or the bot must decline.

Similarity alone misleads both ways (a weather question is "about" Brussels; a translated question
scores low against English text), so a passage is judged on evidence that it covers the question's
focus: the share of the focus's weight it holds, every year the question names, the kind of fact asked
for (a date for "when"), and the embedding similarity as support. The thresholds were calibrated on
the development questions (``knowledge/eval/dev.yaml`` and ``questions.yaml``); the README shows the
trade-off between false refusals and answered unanswerables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.anchors import ProgrammeNames
from knowledge.focus import Focus, stems_of
from knowledge.models import Passage
from knowledge.sentences import holds_kind

JUDGED = 5  # passages looked at, best first
KIND_PENALTY = 0.8  # coverage kept by a passage without the kind of fact asked for
USABLE_SHARE = 0.5  # a passage covering less than half what the best covers adds nothing to quote


@dataclass(frozen=True)
class GateThresholds:
    """When a passage counts as answering.

    Attributes:
        coverage: Focus coverage enough on its own.
        supported_coverage: Coverage enough when the similarity is at least ``similarity``.
        similarity: Embedding similarity that supports a moderately covering passage.
    """

    coverage: float = 0.6
    supported_coverage: float = 0.4
    similarity: float = 0.5


@dataclass(frozen=True)
class Verdict:
    """The gate's decision.

    Attributes:
        grounded: Whether to answer from the passages.
        best: Index of the passage that answers best (None when none does).
        coverage: Its focus coverage (after the kind penalty).
        similarity: Its embedding similarity.
        usable: Indexes of the passages an answer may quote: the best one and those covering at least
            half as much of the focus (never one missing a year or programme the question names).
    """

    grounded: bool
    best: int | None
    coverage: float
    similarity: float
    usable: tuple[int, ...] = ()


def passage_coverage(focus: Focus, passage: Passage, programmes: ProgrammeNames | None = None) -> float:
    """How much of the focus ``passage`` covers (its text and heading path); nothing when it misses a
    year or a programme the question names."""
    chunk = passage.chunk
    text = f"{chunk.title}\n{chunk.text}"
    if not focus.years_covered(text) or (programmes and not programmes.all_named(focus.programmes, text)):
        return 0.0
    coverage = focus.coverage(stems_of(text))
    if focus.kind in ("when", "how_many", "how_much", "contact") and not holds_kind(chunk.text, focus.kind):
        coverage *= KIND_PENALTY
    return coverage


class RelevanceGate:
    """Decides whether passages answer a question.

    Args:
        thresholds: The calibrated thresholds (they depend on the embedding model).
    """

    def __init__(
        self, thresholds: GateThresholds | None = None, programmes: ProgrammeNames | None = None
    ) -> None:
        self.thresholds = thresholds or GateThresholds()
        self.programmes = programmes

    def judge(self, focus: Focus, passages: Sequence[Passage]) -> Verdict:
        """Judge the best ``JUDGED`` passages; grounded when one covers the focus well enough."""
        limits = self.thresholds
        best: Verdict = Verdict(False, None, 0.0, 0.0)
        coverages = [passage_coverage(focus, passage, self.programmes) for passage in passages[:JUDGED]]
        for index, (passage, coverage) in enumerate(zip(passages, coverages, strict=False)):
            similarity = passage.dense_score or 0.0
            grounded = coverage >= limits.coverage or (
                coverage >= limits.supported_coverage and similarity >= limits.similarity
            )
            candidate = Verdict(grounded, index, coverage, similarity)
            if (candidate.grounded, coverage) > (best.grounded, best.coverage):
                best = candidate
        if best.best is None:
            return best
        usable = tuple(
            index
            for index, coverage in enumerate(coverages)
            if index == best.best or (coverage > 0 and coverage >= USABLE_SHARE * best.coverage)
        )
        return Verdict(best.grounded, best.best, best.coverage, best.similarity, usable)
