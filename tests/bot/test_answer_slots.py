"""The bound on answers in flight (``bot.answer_slots``), through the core ``App`` with the real
knowledge engine: questions beyond the bound and its queue are told to wait, uncounted."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.platforms import platform_capabilities
from bot.answer_slots import AnswerSlots
from bot.app import App, build_app
from knowledge.engine import KnowledgeEngine
from tests.bot.test_questions import message
from tests.conftest import Clock, make_settings

QUESTION = "Can a cooperative become a member of ESER?"


@pytest_asyncio.fixture
async def bounded(tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock) -> AsyncIterator[App]:
    """An app answering two questions at once with one more waiting, and one question per member."""
    settings = make_settings(
        tmp_path, ESER_MAX_ANSWERS_IN_FLIGHT=2, ESER_ANSWER_QUEUE=1, ESER_QUOTA_QUESTIONS=1
    )
    app = await build_app(
        settings, knowledge=knowledge, clock=clock, platforms=platform_capabilities(settings)
    )
    yield app
    await app.services.db.dispose()


class BusyPool:
    """Every thread of the engine's pool held by a real task until ``release`` (or the block's end,
    should the test fail first): answers wait there."""

    def __init__(self, knowledge: KnowledgeEngine) -> None:
        self.knowledge = knowledge
        self.gate = threading.Event()
        self.tasks: list[asyncio.Future[bool]] = []

    async def __aenter__(self) -> BusyPool:
        pool = self.knowledge.pool
        self.tasks = [asyncio.ensure_future(pool.run(self.gate.wait)) for _ in range(pool.workers)]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.release()

    async def release(self) -> None:
        self.gate.set()
        await asyncio.gather(*self.tasks)


def busy_text(app: App) -> str:
    return app.services.catalogue.text("answer.busy", "en")


async def test_questions_over_the_bound_and_queue_are_told_to_wait(
    bounded: App, knowledge: KnowledgeEngine
) -> None:
    async with BusyPool(knowledge) as busy:
        asking = [
            asyncio.ensure_future(bounded.handle(message(QUESTION, user=f"member-{n}"))) for n in range(5)
        ]
        await asyncio.wait(asking, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.sleep(0.5)  # the others reach the bound too
        # Two answering and one waiting for a turn: the other two are told to wait, at once.
        refused = [task for task in asking if task.done()]
        assert len(refused) == 2
        for task in refused:
            [reply] = task.result()
            assert reply.text == busy_text(bounded)
            assert not reply.buttons  # nothing to vote on: no answer was given
        await busy.release()
        answered = [reply for task in asking if task not in refused for reply in await task]
    assert len(answered) == 3
    assert all(reply.citations and reply.text != busy_text(bounded) for reply in answered)
    refusals = {
        sample.labels["platform"]: sample.value
        for metric in bounded.services.metrics.registry.collect()
        if metric.name == "eser_questions_refused_busy"
        for sample in metric.samples
        if sample.name.endswith("_total")
    }
    assert refusals == {"telegram": 2.0}


async def test_a_question_told_to_wait_does_not_count_against_the_quota(
    bounded: App, knowledge: KnowledgeEngine
) -> None:
    async with BusyPool(knowledge) as busy:
        others = [
            asyncio.ensure_future(bounded.handle(message(QUESTION, user=f"other-{n}"))) for n in range(3)
        ]
        await asyncio.sleep(0.5)  # the three others hold the bound and the queue
        [reply] = await bounded.handle(message(QUESTION, user="asker"))
        assert reply.text == busy_text(bounded)
        await busy.release()
        await asyncio.gather(*others)
    [reply] = await bounded.handle(message(QUESTION, user="asker"))  # the quota is one question
    assert reply.citations, reply.text


async def test_a_place_is_given_back_when_the_answer_fails_or_is_cancelled() -> None:
    slots = AnswerSlots(limit=1, queue=1)
    first, second = slots.admit(), slots.admit()
    assert first is not None and second is not None and slots.admit() is None
    with pytest.raises(RuntimeError):
        async with first:
            raise RuntimeError("the answer failed")
    waiting = asyncio.ensure_future(second.__aenter__())
    await asyncio.sleep(0)
    assert waiting.done()  # the first gave its turn back
    await second.__aexit__(None, None, None)
    blocker = slots.admit()
    assert blocker is not None
    await blocker.__aenter__()
    queued = slots.admit()
    assert queued is not None
    waiting = asyncio.ensure_future(queued.__aenter__())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert slots.admitted == 1  # only the one answering holds a place
    await blocker.__aexit__(None, None, None)
    assert slots.admitted == 0
