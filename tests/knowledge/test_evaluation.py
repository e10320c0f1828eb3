"""The evaluation metrics, and the shipped question set measured on the shipped knowledge base."""

from __future__ import annotations

import pytest

from knowledge.engine import KnowledgeEngine
from knowledge.evaluation import evaluate, load_questions, score_ranking


def test_score_ranking() -> None:
    scores = score_ranking([["a", "b"], ["c", "x", "d"], ["z"]], [["a"], ["d"], ["y"]])
    assert scores.recall_at_1 == pytest.approx(1 / 3)
    assert scores.recall_at_5 == pytest.approx(2 / 3)
    assert scores.mrr == pytest.approx((1 + 1 / 3) / 3)


def test_question_set_is_large_and_multilingual_enough() -> None:
    questions = load_questions()
    assert len(questions) >= 40
    assert sum(q.language != "en" for q in questions) >= len(questions) / 5
    assert sum(not q.answerable for q in questions) >= 5
    assert all(q.expected for q in questions if q.answerable)


def test_shipped_knowledge_base_meets_its_bar(knowledge: KnowledgeEngine) -> None:
    report = evaluate(knowledge, load_questions())
    assert report.overall["hybrid"].recall_at_5 >= 0.95
    assert report.non_english["hybrid"].recall_at_5 >= 0.9
    assert (
        report.overall["hybrid"].mrr >= max(report.overall["dense"].mrr, report.overall["lexical"].mrr) - 0.01
    )
    assert report.decline_rate >= 0.7
    assert report.false_declines <= 2
