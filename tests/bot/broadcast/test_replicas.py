"""Two replicas on one PostgreSQL database deliver one announcement through the fake Telegram Bot
API (which enforces the real limits and counts 429s): only the elected one sends, and when it dies
mid-broadcast the other takes over and finishes, with nobody served twice and no 429."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Bot

from adapters.platforms import platform_capabilities
from adapters.telegram.sender import TelegramSender
from bot.app import App, build_app
from bot.broadcast.clock import ScaledClock
from bot.broadcast.dispatcher import DispatchTuning
from bot.broadcast.models import Draft
from bot.broadcast.runner import BroadcastRunner
from bot.delivering import delivering_work
from bot.i18n import Catalogue
from bot.leadership import LeaderElection
from bot.models import Target
from bot.store.base import utcnow
from bot.store.broadcasts import OutboxRow
from bot.store.leases import LeaseStore
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex, chroma_client
from tests.bot.broadcast.subscribers import add_subscribers
from tests.bot.store.postgres import create_database, drop_database, url_of
from tests.conftest import LINKS, Clock, RememberingEmbeddings, make_settings
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

pytestmark = pytest.mark.postgres
ORGANISER = Target(platform="telegram", chat_id="777")
RECIPIENTS = 300
LEASE = 1.5
FAST = DispatchTuning(backoff_seconds=0.05, lease=timedelta(seconds=5), idle_seconds=0.05, flush_seconds=0.05)


@pytest.fixture
def empty_knowledge(
    tmp_path: Path, embeddings: RememberingEmbeddings, catalogue: Catalogue, clock: Clock
) -> KnowledgeEngine:
    """A knowledge engine with nothing indexed: broadcasts never ask it anything."""
    index = VectorIndex(chroma_client(tmp_path / "chroma"), "eser", embeddings)
    return KnowledgeEngine(index, catalogue, clock=clock, links=LINKS)


@pytest.fixture
async def replicas(tmp_path: Path, empty_knowledge: KnowledgeEngine) -> AsyncIterator[tuple[App, App]]:
    """Two apps (as two replicas would build them) on one fresh PostgreSQL database."""
    name = create_database()
    apps: list[App] = []
    try:
        for replica in ("a", "b"):
            settings = make_settings(
                tmp_path / replica, DATABASE_URL=url_of(name), ESER_ORGANISERS=str(ORGANISER)
            )
            apps.append(
                await build_app(
                    settings,
                    knowledge=empty_knowledge,
                    clock=utcnow,
                    platforms=platform_capabilities(settings),
                )
            )
        yield apps[0], apps[1]
    finally:
        for app in apps:
            await app.close()
        drop_database(name)


async def test_two_replicas_deliver_once_each_and_the_survivor_finishes(replicas: tuple[App, App]) -> None:
    first, second = replicas
    clock = ScaledClock(2.0)  # 300 messages at Telegram's pace take about five seconds
    chats = [str(20_000 + n) for n in range(RECIPIENTS)]
    await add_subscribers(first.services.sessions, "telegram", chats, now=utcnow())
    async with (
        FakeTelegramServer(limits=TelegramLimits(), clock=clock) as telegram,
        Bot(telegram.token, base_url=telegram.base_url) as bot_a,
        Bot(telegram.token, base_url=telegram.base_url) as bot_b,
    ):
        elections: dict[str, LeaderElection] = {}
        tasks: dict[str, asyncio.Task[None]] = {}
        stop = asyncio.Event()
        for name, app, bot in (("a", first, bot_a), ("b", second, bot_b)):
            app.services.senders["telegram"] = TelegramSender(bot, app.services.catalogue)
            runner = BroadcastRunner(app.services, clock=clock, tuning=FAST, poll_seconds=0.05)
            elections[name] = LeaderElection(
                LeaseStore(app.services.sessions), lease_seconds=LEASE, holder=name, settle_seconds=1.0
            )
            work = delivering_work(app, runner, interval_seconds=0.5)
            tasks[name] = asyncio.create_task(elections[name].run(work, stop))
        submitted = await second.services.broadcasts.submit(
            Draft(text="Registration for the ESER annual meeting is open."),
            organiser=ORGANISER,
            report_to=None,
        )
        loop = asyncio.get_running_loop()
        try:
            # A third of the way through, the delivering replica dies without a word.
            await telegram.wait_for_deliveries(RECIPIENTS // 3, seconds=30)
            leaders = [name for name, election in elections.items() if election.is_leader]
            assert len(leaders) == 1, leaders
            [leader] = leaders
            survivor = "b" if leader == "a" else "a"
            tasks[leader].cancel()
            await asyncio.gather(tasks[leader], return_exceptions=True)
            died = loop.time()
            sent_by_then = telegram.delivered_total
            assert sent_by_then < RECIPIENTS

            while not elections[survivor].is_leader:
                assert loop.time() - died < LEASE * 2, "no takeover"
                await asyncio.sleep(0.02)
            taken_over = loop.time() - died
            while True:
                [status] = await first.services.broadcasts.status(submitted.announcement_id)
                if status.state == "done":
                    break
                assert loop.time() - died < 60, status
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks.values(), return_exceptions=True), 30)

        assert taken_over <= LEASE * (1 + 1 / 6) + 0.3, taken_over
        assert elections[survivor].terms == 1 and telegram.delivered_total > sent_by_then
        assert telegram.duplicates() == {}
        assert sum(telegram.rate_limited.values()) == 0, telegram.rate_limited
        assert sorted(telegram.delivered) == sorted(int(chat) for chat in chats)
        async with first.services.sessions() as session:
            rows = list(await session.scalars(select(OutboxRow)))
        assert len(rows) == RECIPIENTS and {row.state for row in rows} == {"sent"}
