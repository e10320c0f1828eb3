"""Answering a member's question end to end: the extractive answer (``knowledge.answering``) on the
engine's answer pool (``knowledge.pool``), with the optional language-model steps around it —
condensing a follow-up before retrieval, and rewriting a passage answer after (kept only when
``knowledge.llm`` accepts it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from knowledge.answering import Answerer, Asker
from knowledge.followup import is_follow_up
from knowledge.llm import LLMAnswerer
from knowledge.models import Answer, SearchFilters
from knowledge.pool import AnswerPool

log = logging.getLogger(__name__)
# Passages a language model is given: the best few, so that its context stays focused.
CONTEXT_PASSAGES = 5


class AnswerFlow:
    """The extractive answer, and the LLM's rewrite of it when a model is configured.

    Args:
        answerer: Chooses and composes the extractive answer.
        llm: The generative answerer, or None for extractive answers only.
        pool: The threads the extractive answer is computed on (its own when None).
    """

    def __init__(
        self, answerer: Answerer, llm: LLMAnswerer | None = None, pool: AnswerPool | None = None
    ) -> None:
        self.answerer = answerer
        self.llm = llm
        self.pool = pool or AnswerPool()

    async def answer(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        language: str | None = None,
        asker: Asker,
        history: Sequence[str] = (),
        timezone: str | None = None,
    ) -> Answer:
        """Answer ``question`` with numbered citations (see ``KnowledgeEngine.answer``)."""
        retrieval_question, history = await self._condensed(question, history)
        extractive, listing = await self.pool.run(
            self.answerer.answer,
            retrieval_question,
            filters=filters,
            language=language,
            asker=asker,
            history=history,
            timezone=timezone,
        )
        extractive.question = question
        # Listings, cards and declines are final: a model only rewrites answers composed from passages.
        if self.llm is None or not extractive.grounded or listing or extractive.card_id:
            return extractive
        return await self._rewritten(self.llm, question, extractive)

    async def _condensed(self, question: str, history: Sequence[str]) -> tuple[str, Sequence[str]]:
        """The follow-up rewritten by the model as a standalone question (then without history)."""
        if not history or self.llm is None or not is_follow_up(question):
            return question, history
        try:
            return await self.llm.condense(question, history), ()
        except Exception:  # provider outage: the rule-based rewrite still works
            log.exception("LLM condense failed; rewriting the follow-up without it")
            return question, history

    async def _rewritten(self, llm: LLMAnswerer, question: str, extractive: Answer) -> Answer:
        started = time.perf_counter()
        context = extractive.passages[:CONTEXT_PASSAGES]
        try:
            generated = await llm.answer(question, context, language=extractive.language)
        except Exception:  # provider outage: the extractive answer is still correct and cited
            log.exception("LLM answer failed; using the extractive answer")
            generated = None
        if generated is None:
            return extractive
        generated.passages = extractive.passages
        generated.actions = self.answerer.composer.actions(
            [context[c.n - 1] for c in generated.citations], language=extractive.language
        )
        generated.timing_ms = dict(extractive.timing_ms)
        generated.timing_ms["answer"] += (time.perf_counter() - started) * 1000
        generated.timing_ms["total"] += (time.perf_counter() - started) * 1000
        return generated
