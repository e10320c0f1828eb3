"""Answer-quality evaluation over question sets (``knowledge/eval/*.yaml``).

Three sets ship: ``questions.yaml`` (written beside the content), ``dev.yaml`` (tuned on) and
``holdout.yaml`` (written before the answer pipeline changed; never tuned on, only reported). Every
figure is given per language group (English, and fr/de/es/it/pl together):

- retrieval: recall@1, recall@5 and MRR of the expected documents in the answer's own ranking (and,
  for ``questions.yaml``, dense-only and BM25-only retrieval beside hybrid);
- answers: the text states the expected fact (a pattern) anywhere, and in its first sentence;
- false refusals (answerable but declined), declines of the unanswerable ones (and whether the
  decline is of the expected kind), and whether the reply is in the member's language.
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
    from knowledge.models import Answer

EVAL_DIR = Path(__file__).parent / "eval"
QUESTIONS_FILE = EVAL_DIR / "questions.yaml"
SETS = {
    "questions": EVAL_DIR / "questions.yaml",
    "dev": EVAL_DIR / "dev.yaml",
    "holdout": EVAL_DIR / "holdout.yaml",
}
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")
GROUPS = ("en", "other")
# An honest "this is not known" answer, drawn from the pages that list the knowledge base's gaps.
SAYS_UNKNOWN = re.compile(
    r"not known|unknown|not found|no [^.]* (?:was|were) found|cannot name|out of date"
    r"|is not (?:recorded|documented)",
    re.IGNORECASE,
)
MARKER = re.compile(r"\s*\[\d{1,3}\]")
FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[^\s\d])|\n")


class EvalQuestion(BaseModel, frozen=True):
    """One evaluation question.

    Attributes:
        question: As a member would ask it.
        language: Its language.
        expected: Document ids (relative to the content root); any one counts as a hit.
        answerable: False when the bot must say it does not know.
        accept_sources: For unanswerable questions, documents that say the fact is not known: an
            answer citing only these and saying so counts as an honest decline.
        fact: A case-insensitive pattern the answer must match (the asked fact).
        decline: For unanswerable questions, the kind of decline expected (``out_of_scope``,
            ``unknown``, ``personal_data``, ``credentials``, ``act_on_behalf``).
    """

    question: str
    language: str = "en"
    expected: list[str] = Field(default_factory=list)
    answerable: bool = True
    accept_sources: list[str] = Field(default_factory=list)
    fact: str | None = None
    decline: str | None = None

    @property
    def group(self) -> str:
        """``en`` or ``other``."""
        return "en" if self.language == "en" else "other"


class ModeScores(BaseModel):
    """Retrieval scores of one mode on one subset."""

    recall_at_1: float
    recall_at_5: float
    mrr: float
    questions: int
    hits_at_1: int = 0
    hits_at_5: int = 0


class GroupReport(BaseModel):
    """Answer figures of one language group: counts out of ``answerable`` / ``unanswerable``."""

    answerable: int = 0
    retrieval: ModeScores | None = None
    with_fact: int = 0
    states_fact: int = 0
    first_sentence_fact: int = 0
    false_refusals: int = 0
    unanswerable: int = 0
    declined: int = 0
    declined_right_kind: int = 0
    replies: int = 0
    reply_in_language: int = 0
    body_in_language: int = 0


class EvalReport(BaseModel):
    """Everything ``eser-bot eval`` prints for one question set."""

    name: str = "questions"
    overall: dict[str, ModeScores]
    non_english: dict[str, ModeScores]
    groups: dict[str, GroupReport] = Field(default_factory=dict)
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
    """Read a question set."""
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
        recall_at_1=hits1 / count,
        recall_at_5=hits5 / count,
        mrr=reciprocal / count,
        questions=len(expected),
        hits_at_1=hits1,
        hits_at_5=hits5,
    )


def plain_text(answer_text: str) -> str:
    """The answer without its ``[n]`` markers."""
    return MARKER.sub("", answer_text).strip()


def first_sentence(answer_text: str) -> str:
    """The answer's first sentence (without markers)."""
    return FIRST_SENTENCE.split(plain_text(answer_text), maxsplit=1)[0]


def states(pattern: str, text: str) -> bool:
    """Whether ``text`` matches the fact ``pattern`` (case-insensitive)."""
    return re.search(pattern, text, re.IGNORECASE) is not None


def answer_ranking(answer: Answer) -> list[str]:
    """Document ids in the order the answer ranked them (its citations' documents lead)."""
    ranking: list[str] = []
    for doc_id in [c.doc_id for c in answer.citations] + [p.chunk.doc_id for p in answer.passages]:
        relative = _relative_id(doc_id)
        if relative and relative not in ranking:
            ranking.append(relative)
    return ranking


def is_decline(question: EvalQuestion, answer: Answer) -> bool:
    """Whether ``answer`` declines (not grounded, or only the pages on what is not known, saying so)."""
    cited = {_relative_id(citation.doc_id) for citation in answer.citations}
    return (
        not answer.grounded
        or answer.decline is not None
        or bool(
            question.accept_sources
            and cited <= set(question.accept_sources)
            and SAYS_UNKNOWN.search(answer.text)
        )
    )


def evaluate(
    engine: KnowledgeEngine,
    questions: Sequence[EvalQuestion],
    *,
    name: str = "questions",
    modes: Sequence[Mode] = MODES,
    on_progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run the evaluation (blocking).

    Args:
        engine: An engine whose index holds the shipped knowledge base.
        questions: The question set.
        name: The set's name (for the report).
        modes: Retrieval modes measured on their own beside the full answer pipeline.
        on_progress: Called with (total steps, steps done) after each question.
    """
    answerable = [q for q in questions if q.answerable]
    rankings: dict[str, list[list[str]]] = {mode: [] for mode in modes}
    total = len(answerable) * bool(modes) + len(questions)
    done = 0
    for question in answerable if modes else ():
        for mode in modes:
            passages = engine.search_sync(question.question, k=10, mode=mode)
            rankings[mode].append([_relative_id(p.chunk.doc_id) for p in passages])
        done += 1
        if on_progress:
            on_progress(total, done)

    groups = {group: GroupReport() for group in GROUPS}
    answer_rankings: dict[str, list[list[str]]] = {group: [] for group in GROUPS}
    expected_by_group: dict[str, list[list[str]]] = {group: [] for group in GROUPS}
    pipeline_rankings: list[list[str]] = []
    misses: list[str] = []
    declined = false_declines = first_citation_hits = 0
    for question in questions:
        answer = engine.answer_sync(question.question)
        group = groups[question.group]
        group.replies += 1
        supported = question.language in ("en", "fr", "de", "es", "it", "pl")
        wanted_language = question.language if supported else "en"
        group.reply_in_language += answer.language == wanted_language
        group.body_in_language += (answer.body_language or answer.language) == wanted_language
        if question.answerable:
            ranking = answer_ranking(answer)
            pipeline_rankings.append(ranking)
            answer_rankings[question.group].append(ranking)
            expected_by_group[question.group].append(question.expected)
            group.answerable += 1
            if answer.citations and _relative_id(answer.citations[0].doc_id) in question.expected:
                first_citation_hits += 1
            if not answer.grounded:  # a card saying "not known" with its source is an answer
                false_declines += 1
                group.false_refusals += 1
                misses.append(f"wrongly declined: {question.question}")
            if question.fact:
                group.with_fact += 1
                stated = answer.grounded and states(question.fact, plain_text(answer.text))
                group.states_fact += stated
                group.first_sentence_fact += answer.grounded and states(
                    question.fact, first_sentence(answer.text)
                )
                if answer.grounded and not stated:
                    misses.append(f"fact missing: {question.question} -> {first_sentence(answer.text)[:120]}")
            if not set(ranking[:5]) & set(question.expected):
                misses.append(f"not in top 5: {question.question} -> {ranking[:3]}")
        else:
            group.unanswerable += 1
            if is_decline(question, answer):
                declined += 1
                group.declined += 1
                right_kind = question.decline is None or answer.decline == question.decline
                group.declined_right_kind += right_kind
                if not right_kind:
                    misses.append(
                        f"declined as {answer.decline}, not {question.decline}: {question.question}"
                    )
            else:
                cited = sorted({_relative_id(c.doc_id) for c in answer.citations})
                misses.append(f"answered although unanswerable: {question.question} -> {cited}")
        done += 1
        if on_progress:
            on_progress(total, done)
    for group_name, group in groups.items():
        if group.answerable:
            group.retrieval = score_ranking(answer_rankings[group_name], expected_by_group[group_name])

    expected = [q.expected for q in answerable]
    non_en = [n for n, q in enumerate(answerable) if q.language != "en"]
    overall: dict[str, ModeScores] = {"pipeline": score_ranking(pipeline_rankings, expected)}
    non_english: dict[str, ModeScores] = {
        "pipeline": score_ranking([pipeline_rankings[n] for n in non_en], [expected[n] for n in non_en])
    }
    for mode in modes:
        overall[mode] = score_ranking(rankings[mode], expected)
        non_english[mode] = score_ranking([rankings[mode][n] for n in non_en], [expected[n] for n in non_en])
    return EvalReport(
        name=name,
        overall=overall,
        non_english=non_english,
        groups=groups,
        declined=declined,
        unanswerable=len(questions) - len(answerable),
        false_declines=false_declines,
        answerable=len(answerable),
        misses=misses,
        first_citation_hits=first_citation_hits,
    )
