"""Fake chat models and an engine with one of them as its LLM (tests of the LLM path)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import BaseMessage
from pydantic import Field

from knowledge.card_match import CardThresholds
from knowledge.engine import KnowledgeEngine
from knowledge.llm import LLMAnswerer

QUESTION = "Can a cooperative become a member of ESER?"


class RecordingModel(FakeListChatModel):
    """A fake chat model that keeps the prompts it was given."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    def _call(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def, override]
        self.prompts.append(list(messages))
        return super()._call(messages, stop=stop, run_manager=run_manager, **kwargs)


class BrokenModel(GenericFakeChatModel):
    """A provider that is down."""

    def _generate(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        raise ConnectionError("provider unreachable")


@contextmanager
def with_llm(
    knowledge: KnowledgeEngine,
    model,
    *,
    cards: bool = False,  # type: ignore[no-untyped-def]
) -> Iterator[KnowledgeEngine]:
    """The engine with ``model`` as its LLM; answer cards off unless asked for (a model only ever
    rewrites answers composed from passages, so these tests need passage answers)."""
    original, matcher = knowledge.llm, knowledge.answerer.cards
    knowledge.llm = LLMAnswerer(model)
    thresholds = matcher.thresholds
    if not cards:
        matcher.thresholds = CardThresholds(score=99.0)
    try:
        yield knowledge
    finally:
        knowledge.llm = original
        matcher.thresholds = thresholds


async def passage_answer(knowledge: KnowledgeEngine, question: str):  # type: ignore[no-untyped-def]
    """The extractive answer from passages (what a refused generated answer falls back to)."""
    matcher = knowledge.answerer.cards
    thresholds, matcher.thresholds = matcher.thresholds, CardThresholds(score=99.0)
    try:
        return await knowledge.answer(question)
    finally:
        matcher.thresholds = thresholds
