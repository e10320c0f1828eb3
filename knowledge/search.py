"""Searching the index for a question: its retrieval query (read by ``knowledge.question``) and the
sections hybrid retrieval finds for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from knowledge.models import Passage, SearchFilters
from knowledge.question import QuestionReader
from knowledge.retrieval import HybridRetriever, Mode, Query


class Searcher:
    """Turns a question into a retrieval query and retrieves sections for it (blocking).

    Args:
        reader: Question preparation (language, typos, glossary terms, intent).
        retriever: Hybrid retrieval over the index.
        refresh: Brings what is derived from the index (the spelling vocabulary) up to date.
        clock: Current UTC time (date windows are relative to it).
    """

    def __init__(
        self,
        reader: QuestionReader,
        retriever: HybridRetriever,
        refresh: Callable[[], None],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.reader = reader
        self.retriever = retriever
        self.refresh = refresh
        self.clock = clock

    def prepare(self, question: str, language: str | None = None) -> tuple[Query, str]:
        """The retrieval query of ``question`` and its answer language (detected when None)."""
        prepared = self.reader.prepare(question, now=self.clock(), language=language)
        return prepared.query, prepared.language

    def search(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        k: int = 8,
        mode: Mode = "hybrid",
        language: str | None = None,
    ) -> list[Passage]:
        """Up to ``k`` sections for ``question``, best first.

        Args:
            question: As asked.
            filters: Metadata filters and boosts.
            k: How many sections.
            mode: ``hybrid`` (dense and lexical fused), ``dense`` or ``lexical``.
            language: The question's language when known (detected otherwise).
        """
        self.refresh()
        query, _ = self.prepare(question, language)
        return self.retriever.search(query, filters=filters, k=k, mode=mode)
