"""Retrieval and refusal evaluation over the shipped question set (``knowledge/eval/questions.yaml``).

For answerable questions: recall@1, recall@5 and MRR of the expected documents, for hybrid, dense-only
and BM25-only retrieval, overall and for the non-English questions. For unanswerable ones: the share
the full answer pipeline correctly declines (not grounded, or citing only the page that says the fact
is not known).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, Field

from knowledge.retrieval import Mode

if TYPE_CHECKING:
    from knowledge.engine import KnowledgeEngine

QUESTIONS_FILE = Path(__file__).parent / "eval" / "questions.yaml"
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")
# An honest "this is not known" answer, drawn from the pages that list the knowledge base's gaps.
SAYS_UNKNOWN = re.compile(
    r"not known|unknown|not found|no [^.]* (?:was|were) found|cannot name|out of date"
    r"|is not (?:recorded|documented)",
    re.IGNORECASE,
)


class EvalQuestion(BaseModel, frozen=True):
    """One evaluation question.

    Attributes:
        question: As a member would ask it.
        language: Its language.
        expected: Document ids (relative to the content root); any one counts as a hit.
        answerable: False when the bot must say it does not know.
        accept_sources: For unanswerable questions, documents that say the fact is not known: an
            answer citing only these and saying so counts as an honest decline.
    """

    question: str
    language: str = "en"
    expected: list[str] = Field(default_factory=list)
    answerable: bool = True
    accept_sources: list[str] = Field(default_factory=list)


class ModeScores(BaseModel):
    """Retrieval scores of one mode on one subset."""

    recall_at_1: float
    recall_at_5: float
    mrr: float
    questions: int


class EvalReport(BaseModel):
    """Everything ``eser-bot eval`` prints."""

    overall: dict[str, ModeScores]
    non_english: dict[str, ModeScores]
    declined: int
    unanswerable: int
    false_declines: int
    answerable: int
    first_citation_hits: int = 0
    misses: list[str] = Field(default_factory=list)

    @property
    def first_citation_rate(self) -> float:
        """Share of answerable questions whose answer's first sentence cites an expected document."""
        return self.first_citation_hits / self.answerable if self.answerable else 0.0

    @property
    def decline_rate(self) -> float:
        """Share of unanswerable questions correctly declined."""
        return self.declined / self.unanswerable if self.unanswerable else 1.0


def load_questions(path: Path = QUESTIONS_FILE) -> list[EvalQuestion]:
    """Read the question set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [EvalQuestion.model_validate(item) for item in data]


def _relative_id(doc_id: str) -> str:
    # Test or alternative roots may nest the same files; the eval names files relative to content/.
    return doc_id.split("#", 1)[0]


def score_ranking(ranked_doc_ids: Sequence[Sequence[str]], expected: Sequence[Sequence[str]]) -> ModeScores:
    """Recall@1, recall@5 and MRR of rankings against expected document sets.

    Args:
        ranked_doc_ids: Per question, the retrieved document ids best first.
        expected: Per question, the acceptable document ids.
    """
    hits1 = hits5 = 0
    reciprocal = 0.0
    for ranking, wanted in zip(ranked_doc_ids, expected, strict=True):
        wanted_set = set(wanted)
        rank = next((n for n, doc in enumerate(ranking, start=1) if doc in wanted_set), None)
        if rank is not None:
            reciprocal += 1.0 / rank
            hits1 += rank == 1
            hits5 += rank <= 5
    count = max(1, len(expected))
    return ModeScores(
        recall_at_1=hits1 / count, recall_at_5=hits5 / count, mrr=reciprocal / count, questions=len(expected)
    )


def evaluate(
    engine: KnowledgeEngine,
    questions: Sequence[EvalQuestion],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run the evaluation (blocking).

    Args:
        engine: An engine whose index holds the shipped knowledge base.
        questions: The question set.
        on_progress: Called with (total steps, steps done) after each question.
    """
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    rankings: dict[str, list[list[str]]] = {mode: [] for mode in MODES}
    total = len(answerable) + len(questions)
    done = 0
    for question in answerable:
        for mode in MODES:
            passages = engine.search_sync(question.question, k=10, mode=mode)
            rankings[mode].append([_relative_id(p.chunk.doc_id) for p in passages])
        done += 1
        if on_progress:
            on_progress(total, done)
    expected = [q.expected for q in answerable]
    non_en = [n for n, q in enumerate(answerable) if q.language != "en"]
    overall = {mode: score_ranking(rankings[mode], expected) for mode in MODES}
    non_english = {
        mode: score_ranking([rankings[mode][n] for n in non_en], [expected[n] for n in non_en])
        for mode in MODES
    }
    misses = [
        f"{q.question} -> {rankings['hybrid'][n][:3]}"
        for n, q in enumerate(answerable)
        if not set(rankings["hybrid"][n][:5]) & set(q.expected)
    ]

    declined = false_declines = first_citation_hits = 0
    for question in questions:
        answer = engine.answer_sync(question.question)
        cited_docs = {_relative_id(citation.doc_id) for citation in answer.citations}
        if question.answerable:
            if answer.citations and _relative_id(answer.citations[0].doc_id) in question.expected:
                first_citation_hits += 1
            if not answer.grounded:
                false_declines += 1
                misses.append(f"wrongly declined: {question.question}")
        elif not answer.grounded or (
            question.accept_sources
            and cited_docs <= set(question.accept_sources)
            and SAYS_UNKNOWN.search(answer.text)
        ):
            declined += 1
        else:
            misses.append(f"answered although unanswerable: {question.question} -> {sorted(cited_docs)}")
        done += 1
        if on_progress:
            on_progress(total, done)
    return EvalReport(
        overall=overall,
        non_english=non_english,
        declined=declined,
        unanswerable=len(unanswerable),
        false_declines=false_declines,
        answerable=len(answerable),
        misses=misses,
        first_citation_hits=first_citation_hits,
    )
