"""Searching for a question: its retrieval query and language, and the sections found."""

from __future__ import annotations

from knowledge.engine import KnowledgeEngine
from knowledge.models import SearchFilters


def test_a_questions_language_is_detected_unless_given(knowledge: KnowledgeEngine) -> None:
    searcher = knowledge.searcher
    assert searcher.prepare("Quel est le budget du FSE+ ?")[1] == "fr"
    assert searcher.prepare("Interreg?", "pl")[1] == "pl"


def test_sections_found_honour_the_filters(knowledge: KnowledgeEngine) -> None:
    passages = knowledge.searcher.search(
        "Jaki jest budżet programu Erasmus+?", filters=SearchFilters(kinds=("funding",)), k=5, language="pl"
    )
    assert passages and all(p.chunk.metadata["kind"] == "funding" for p in passages)
    assert passages[0].chunk.doc_id == "funding/erasmus-plus.yaml"
