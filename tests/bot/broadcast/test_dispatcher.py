"""One platform worker against the fake Bot API: retries with backoff, giving up, permanent
refusals, and outcomes written when the worker stops."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from telegram import Bot

from adapters.platforms import platform_capabilities
from adapters.telegram.capabilities import telegram_capabilities
from adapters.telegram.sender import TelegramSender
from bot.app import build_app
from bot.broadcast.clock import ScaledClock, WallClock
from bot.broadcast.dispatcher import DispatchTuning, PlatformDispatcher
from bot.broadcast.models import Draft
from bot.broadcast.pacing import Pacer
from bot.models import Reply, Target
from bot.store.base import utcnow
from bot.store.broadcasts import OutboxRow
from bot.store.outbox import OutboxItem, OutboxStore
from knowledge.engine import KnowledgeEngine
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import make_settings
from tests.fakes.telegram_server import FakeTelegramServer

ORGANISER = Target(platform="telegram", chat_id="9")


async def test_transient_errors_back_off_then_fail_and_refusals_fail_at_once(
    tmp_path: Path, knowledge: KnowledgeEngine
) -> None:
    settings = make_settings(tmp_path, ESER_ORGANISERS=str(ORGANISER))
    app = await build_app(
        settings, knowledge=knowledge, clock=utcnow, platforms=platform_capabilities(settings)
    )
    sessions = app.services.sessions
    await add_subscribers(sessions, "telegram", ["1", "2", "3", "4"], now=utcnow())
    await app.services.broadcasts.submit(Draft(text="Hello"), organiser=ORGANISER, report_to=None)
    store = OutboxStore(sessions)
    await store.start_due(utcnow())
    tuning = DispatchTuning(max_attempts=3, backoff_seconds=0.05, idle_seconds=0.02, flush_seconds=0.02)

    async def message_for(item: OutboxItem) -> Reply:
        return Reply(text=f"Hello {item.chat_id}")

    async with FakeTelegramServer() as telegram, Bot(telegram.token, base_url=telegram.base_url) as bot:
        telegram.flaky(2, times=2)  # recovers on the third try
        telegram.flaky(3, times=10)  # never does within three
        telegram.refuse(4, 400, "Bad Request: message text is empty")
        dispatcher = PlatformDispatcher(
            TelegramSender(bot, app.services.catalogue),
            store,
            Pacer(telegram_capabilities(30), ScaledClock(20)),
            message_for,
            utcnow,
            tuning,
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(dispatcher.run(stop))
        deadline = asyncio.get_running_loop().time() + 20
        while (await app.services.broadcasts.status())[0].done < 4:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
        stop.set()
        await worker
        assert telegram.delivered[1] == telegram.delivered[2] == 1
        assert telegram.delivered[3] == telegram.delivered[4] == 0
    async with sessions() as session:
        rows = {row.chat_id: row for row in await session.scalars(select(OutboxRow))}
    assert (rows["1"].state, rows["1"].attempts) == ("sent", 1)
    assert (rows["2"].state, rows["2"].attempts) == ("sent", 3)
    assert (rows["3"].state, rows["3"].failure, rows["3"].attempts) == ("failed", "error", 3)
    assert (rows["4"].state, rows["4"].failure, rows["4"].attempts) == ("failed", "error", 1)
    assert "message text is empty" in (rows["4"].last_error or "").lower()
    assert rows["2"].next_attempt_at - rows["2"].sent_at < timedelta(seconds=5)  # type: ignore[operator]
    await app.services.db.dispose()


async def test_a_stopping_worker_records_what_it_sent_and_hands_back_the_rest(
    tmp_path: Path, knowledge: KnowledgeEngine
) -> None:
    settings = make_settings(tmp_path, ESER_ORGANISERS=str(ORGANISER))
    app = await build_app(
        settings, knowledge=knowledge, clock=utcnow, platforms=platform_capabilities(settings)
    )
    sessions = app.services.sessions
    await add_subscribers(sessions, "telegram", [str(n) for n in range(1, 201)], now=utcnow())
    await app.services.broadcasts.submit(Draft(text="Hello"), organiser=ORGANISER, report_to=None)
    store = OutboxStore(sessions)
    await store.start_due(utcnow())

    async def message_for(item: OutboxItem) -> Reply:
        return Reply(text="Hello")

    async with FakeTelegramServer() as telegram, Bot(telegram.token, base_url=telegram.base_url) as bot:
        dispatcher = PlatformDispatcher(
            TelegramSender(bot, app.services.catalogue),
            store,
            Pacer(telegram_capabilities(30), WallClock()),  # real pace: 28.5 messages/s
            message_for,
            utcnow,
            DispatchTuning(batch=100, idle_seconds=0.02),
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(dispatcher.run(stop))
        await telegram.wait_for_deliveries(5, seconds=20)
        stop.set()
        await asyncio.wait_for(worker, 10)
    async with sessions() as session:
        states = [row.state for row in await session.scalars(select(OutboxRow))]
    assert states.count("sent") == telegram.delivered_total > 0
    assert states.count("sending") == 0  # nothing is left held until a lease runs out
    assert states.count("sent") + states.count("pending") == 200
    await app.services.db.dispose()


async def test_rows_waiting_longer_than_their_claim_are_still_sent_once(
    tmp_path: Path, empty_knowledge: KnowledgeEngine
) -> None:
    """Two workers pace 120 members at Telegram's real rate with half-second claims: a batch waits
    seconds for its turn, far longer than a claim lasts, while expired claims are put back (as the
    runner's tick does) all along. Each member still gets the message once."""
    settings = make_settings(tmp_path, ESER_ORGANISERS=str(ORGANISER))
    app = await build_app(
        settings, knowledge=empty_knowledge, clock=utcnow, platforms=platform_capabilities(settings)
    )
    sessions = app.services.sessions
    members = [str(n) for n in range(1, 121)]
    await add_subscribers(sessions, "telegram", members, now=utcnow())
    await app.services.broadcasts.submit(Draft(text="Hello"), organiser=ORGANISER, report_to=None)
    store = OutboxStore(sessions)
    await store.start_due(utcnow())
    tuning = DispatchTuning(lease=timedelta(seconds=0.5), idle_seconds=0.02, flush_seconds=0.05)

    async def message_for(item: OutboxItem) -> Reply:
        return Reply(text="Hello")

    async def recover(stop: asyncio.Event) -> None:
        while not stop.is_set():
            await store.recover(utcnow())
            await asyncio.sleep(0.05)

    async with FakeTelegramServer() as telegram, Bot(telegram.token, base_url=telegram.base_url) as bot:
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(
                PlatformDispatcher(
                    TelegramSender(bot, app.services.catalogue),
                    store,
                    Pacer(telegram_capabilities(30), WallClock()),  # 28.5 a second each
                    message_for,
                    utcnow,
                    tuning,
                ).run(stop)
            )
            for _ in range(2)
        ]
        workers.append(asyncio.create_task(recover(stop)))
        deadline = asyncio.get_running_loop().time() + 60
        while (await app.services.broadcasts.status())[0].done < len(members):
            assert asyncio.get_running_loop().time() < deadline, telegram.delivered_total
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*workers), 10)
    assert set(telegram.delivered) == {int(member) for member in members}
    assert telegram.duplicates() == {}  # what each member sees: one message
    async with sessions() as session:
        assert {row.state for row in await session.scalars(select(OutboxRow))} == {"sent"}
    await app.services.db.dispose()
