"""Two replicas on one PostgreSQL database deliver one announcement through the fake Telegram Bot
API (which enforces the real limits and counts 429s): only the elected one sends, and when it dies
mid-broadcast the other takes over and finishes, with no 429 and nobody served twice but for the
sends the dead one had in flight (delivery is at least once) — in one
process (two apps) and, among the slow tests, as two ``eser-bot serve telegram`` processes, the
delivering one killed with SIGKILL."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from telegram import Bot

from adapters.platforms import platform_capabilities
from adapters.telegram.capabilities import telegram_capabilities
from adapters.telegram.sender import TelegramSender
from bot.app import App, build_app
from bot.broadcast.clock import ScaledClock
from bot.broadcast.dispatcher import DispatchTuning
from bot.broadcast.models import Draft
from bot.broadcast.runner import BroadcastRunner
from bot.delivering import delivering_work
from bot.leadership import LeaderElection
from bot.models import Target
from bot.store.base import utcnow
from bot.store.broadcasts import OutboxRow
from bot.store.leases import DELIVERY, LeaseStore
from knowledge.engine import KnowledgeEngine
from tests.bot.broadcast.outbox_rows import rows_in_flight
from tests.bot.broadcast.subscribers import add_subscribers
from tests.bot.store.postgres import create_database, drop_database, url_of
from tests.conftest import make_settings
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits
from tests.serve_process import exit_code, start_serve

pytestmark = pytest.mark.postgres
ORGANISER = Target(platform="telegram", chat_id="777")
RECIPIENTS = 300
MANY = 2_000  # the scale of a real network-wide announcement (slow: over a minute at 30/s)
# The leader renews every second and stops two seconds after its last renewal: a test process
# short of CPU for a moment (two apps, the fake platform and the senders share one event loop on a
# loaded machine) keeps its leader, which a 1.5 s lease (half a second of slack) did not.
LEASE = 3.0
FAST = DispatchTuning(backoff_seconds=0.05, lease=timedelta(seconds=5), idle_seconds=0.05, flush_seconds=0.05)


@pytest.fixture
async def replicas(tmp_path: Path, empty_knowledge: KnowledgeEngine) -> AsyncIterator[tuple[App, App]]:
    """Two apps (as two replicas would build them) on one fresh PostgreSQL database."""
    name = create_database()
    apps: list[App] = []
    try:
        for replica in ("a", "b"):
            settings = make_settings(
                tmp_path / replica,
                DATABASE_URL=url_of(name),
                ESER_ORGANISERS=str(ORGANISER),
                # No knowledge-gaps digest: on the wall clock it is due most of the week, and the
                # organiser's copy would count among the announcement's deliveries.
                ESER_GAPS_DIGEST_DAY="off",
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


@pytest.mark.parametrize("recipients", [RECIPIENTS, pytest.param(MANY, marks=pytest.mark.slow)])
async def test_two_replicas_deliver_once_each_and_the_survivor_finishes(
    replicas: tuple[App, App], recipients: int
) -> None:
    first, second = replicas
    clock = ScaledClock(2.0)  # 300 messages at Telegram's pace take about five seconds, 2,000 35
    chats = [str(20_000 + n) for n in range(recipients)]
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
            await telegram.wait_for_deliveries(recipients // 3, seconds=30 + recipients / 20)
            leader = await _single_leader(elections)
            survivor = "b" if leader == "a" else "a"
            terms = elections[survivor].terms
            tasks[leader].cancel()
            await asyncio.gather(tasks[leader], return_exceptions=True)
            died = loop.time()
            sent_by_then = telegram.delivered_total
            # Sends the dead replica had started and not recorded: each may have reached its chat
            # and be sent again by the survivor (delivery is at least once, as after a SIGKILL).
            in_flight = await rows_in_flight(first.services.sessions)
            assert sent_by_then < recipients

            while not elections[survivor].is_leader:
                assert loop.time() - died < LEASE * 2, "no takeover"
                await asyncio.sleep(0.02)
            taken_over = loop.time() - died
            while True:
                [status] = await first.services.broadcasts.status(submitted.announcement_id)
                if status.state == "done":
                    break
                assert loop.time() - died < 60 + recipients / 20, status
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks.values(), return_exceptions=True), 30)

        assert taken_over <= LEASE * (1 + 1 / 6) + 0.3, taken_over
        # It took over (once the dead one's lease ran out) and delivered the rest.
        assert elections[survivor].terms > terms and telegram.delivered_total > sent_by_then
        # What each member sees: one message, or two for a send the dead replica had in flight.
        doubled = sum(count - 1 for count in telegram.duplicates().values())
        assert doubled <= in_flight, (telegram.duplicates(), in_flight)
        assert sum(telegram.rate_limited.values()) == 0, telegram.rate_limited
        assert sorted(telegram.delivered) == sorted(int(chat) for chat in chats)
        async with first.services.sessions() as session:
            rows = list(await session.scalars(select(OutboxRow)))
        assert len(rows) == recipients and {row.state for row in rows} == {"sent"}


async def _single_leader(elections: dict[str, LeaderElection], within: float = 10.0) -> str:
    """The one replica leading, waited for: right after a switch the old leader may still be
    finishing its sends in flight while the new one settles."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        leaders = [name for name, election in elections.items() if election.is_leader]
        if len(leaders) == 1:
            return leaders[0]
        assert asyncio.get_running_loop().time() < deadline, leaders
        await asyncio.sleep(0.02)


async def _until(check: Callable[[], Awaitable[bool]], within: float, why: Callable[[], str]) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, why()
        await asyncio.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("recipients", [RECIPIENTS, MANY])
async def test_sigkill_of_the_delivering_serve_process_lets_the_other_finish(
    tmp_path: Path, replicas: tuple[App, App], recipients: int
) -> None:
    app, _ = replicas
    sessions = app.services.sessions
    chats = [str(30_000 + n) for n in range(recipients)]
    await add_subscribers(sessions, "telegram", chats, now=utcnow())
    content = tmp_path / "content"
    content.mkdir()
    (content / "about.md").write_text(
        "---\nurl: https://example.org/eser\n---\n# ESER\n\nThe European Social Economy Regions network.\n"
    )
    logs = [tmp_path / "serve-1.log", tmp_path / "serve-2.log"]

    def tails() -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-2500:]}" for log in logs if log.exists())

    async def leader_pid() -> int | None:
        lease = await LeaseStore(sessions).current(DELIVERY)
        return int(lease.holder.split(":")[-2]) if lease is not None else None

    async def state() -> str:
        [status] = await app.services.broadcasts.status(submitted.announcement_id)
        return status.state

    async with FakeTelegramServer(limits=TelegramLimits()) as telegram:
        env = {
            **os.environ,
            "DATABASE_URL": str(app.services.settings.database_url),
            "ESER_CONTENT_DIRS": str(content),
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "ESER_LEADER_LEASE_SECONDS": "3",
            "ESER_BROADCAST_LEASE_SECONDS": "2",
            "HF_HUB_OFFLINE": "1",
        }
        processes = [
            start_serve({**env, "ESER_DATA_DIR": str(tmp_path / f"data-{n}")}, log)
            for n, log in enumerate(logs)
        ]
        try:
            for log in logs:
                await _until(lambda log=log: _contains(log, "telegram runner started"), within=180, why=tails)
            submitted = await app.services.broadcasts.submit(
                Draft(text="The ESER annual meeting opens for registration today."),
                organiser=ORGANISER,
                report_to=None,
            )
            await telegram.wait_for_deliveries(recipients // 3, seconds=60 + recipients / 20)
            pid = await leader_pid()
            [leader] = [process for process in processes if process.pid == pid]
            leader.send_signal(signal.SIGKILL)
            await exit_code(leader, 10)
            killed_at = telegram.delivered_total
            assert killed_at < recipients, "the broadcast was over before the kill"
            async with sessions() as session:
                in_flight = len(
                    list(await session.scalars(select(OutboxRow).where(OutboxRow.state == "sending")))
                )
            [survivor] = [process for process in processes if process is not leader]
            await _until(lambda: _is(state, "done"), within=90 + recipients / 20, why=tails)
            assert await leader_pid() == survivor.pid
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    assert await exit_code(process, 60) == 0, tails()

        async with sessions() as session:
            rows = list(await session.scalars(select(OutboxRow)))
        assert sorted(row.chat_id for row in rows) == sorted(chats)  # one row per recipient
        assert {row.state for row in rows} == {"sent"}
        assert set(telegram.delivered) == {int(chat) for chat in chats}  # every member got it
        doubled = sum(count - 1 for count in telegram.delivered.values())
        # Only what was in flight at the kill may have gone twice: sent, but killed before the
        # process could write so (at-least-once; every other member sees exactly one message).
        assert doubled <= in_flight, (doubled, in_flight, killed_at)
        assert sum(1 for count in telegram.delivered.values() if count == 1) >= recipients - in_flight
        assert sum(telegram.rate_limited.values()) == 0, telegram.rate_limited
        survivor_log = logs[processes.index(survivor)].read_text()
        assert "became the delivering replica" in survivor_log
        assert "stopped delivering" in survivor_log  # at its SIGTERM


async def _contains(log: Path, text: str) -> bool:
    return await asyncio.to_thread(lambda: log.exists() and text in log.read_text())


async def _is(state: Callable[[], Awaitable[str]], expected: str) -> bool:
    return await state() == expected


async def test_a_new_leader_keeps_a_group_chats_pace_across_the_switch(replicas: tuple[App, App]) -> None:
    """Telegram allows 20 messages a minute in a group (the pacer spaces them 3 s apart): the replica
    taking over right after the old leader wrote to a group must wait out that spacing too, reading
    the old leader's sends from the outbox, though it never saw them itself."""
    first, second = replicas
    group = "-100123456"
    await add_subscribers(first.services.sessions, "telegram", [group], now=utcnow(), kind="channel")
    limits = telegram_capabilities(30).limits
    assert limits is not None and limits.group_interval is not None
    spacing = limits.group_interval
    # The wall clock and a short lease: the switch takes under two seconds, less than the spacing.
    lease, settle = 1.5, 0.1
    tuning = DispatchTuning(
        backoff_seconds=0.05, lease=timedelta(seconds=5), idle_seconds=0.05, flush_seconds=0.05
    )
    async with (
        FakeTelegramServer(limits=TelegramLimits()) as telegram,
        Bot(telegram.token, base_url=telegram.base_url) as bot_a,
        Bot(telegram.token, base_url=telegram.base_url) as bot_b,
    ):
        elections: dict[str, LeaderElection] = {}
        tasks: dict[str, asyncio.Task[None]] = {}
        stop = asyncio.Event()
        for name, app, bot in (("a", first, bot_a), ("b", second, bot_b)):
            app.services.senders["telegram"] = TelegramSender(bot, app.services.catalogue)
            runner = BroadcastRunner(app.services, tuning=tuning, poll_seconds=0.05)
            elections[name] = LeaderElection(
                LeaseStore(app.services.sessions), lease_seconds=lease, holder=name, settle_seconds=settle
            )
            tasks[name] = asyncio.create_task(elections[name].run(delivering_work(app, runner), stop))

        async def announce(n: int) -> None:
            """Submit one announcement and wait until the group's row of it is recorded as sent."""
            await first.services.broadcasts.submit(
                Draft(text=f"ESER news {n}"), organiser=ORGANISER, report_to=None
            )
            deadline = asyncio.get_running_loop().time() + 30
            while True:
                async with first.services.sessions() as session:
                    sent = await session.scalar(
                        select(func.count()).select_from(OutboxRow).where(OutboxRow.state == "sent")
                    )
                if sent == n:
                    return
                assert asyncio.get_running_loop().time() < deadline, "announcement not delivered"
                await asyncio.sleep(0.02)

        try:
            # One at a time: at the switch no row of the group is in anybody's hands.
            await announce(1)
            await announce(2)  # the old leader paces this one itself
            leader = await _single_leader(elections)
            survivor = "b" if leader == "a" else "a"
            terms = elections[survivor].terms
            tasks[leader].cancel()  # dies without a word: the lease runs out, the other takes over
            await asyncio.gather(tasks[leader], return_exceptions=True)
            await announce(3)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks.values(), return_exceptions=True), 30)

    assert elections[survivor].terms > terms  # the third announcement went out after a switch
    received = [call.at for call in telegram.messages_to(int(group))]
    assert len(received) == 3  # what the group sees: each announcement once
    gaps = [later - earlier for earlier, later in itertools.pairwise(received)]
    assert min(gaps) >= spacing, gaps  # the one across the switch too
    assert sum(telegram.rate_limited.values()) == 0, telegram.rate_limited
