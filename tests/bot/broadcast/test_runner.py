"""Broadcasts end to end: the runner's outbox workers against the fake Telegram and Slack servers,
which enforce the platforms' limits on a scaled clock and answer 429 when they are exceeded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from telegram import Bot

from adapters.platforms import platform_capabilities
from adapters.slack.retry import RetryPolicy, retry_handlers
from adapters.slack.sender import SlackSender
from adapters.telegram.sender import TelegramSender
from bot.app import App, build_app
from bot.broadcast.clock import ScaledClock
from bot.broadcast.dispatcher import DispatchTuning
from bot.broadcast.models import Audience, Draft
from bot.broadcast.runner import BroadcastRunner
from bot.models import Target
from bot.store.base import utcnow
from bot.store.broadcasts import OutboxRow
from bot.store.profiles import SubscriptionRow
from knowledge.engine import KnowledgeEngine
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import make_settings
from tests.fakes.slack_server import BOT_TOKEN, SlackLimits, running_fake_slack
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

ORGANISER = Target(platform="telegram", chat_id="777")
FAST = DispatchTuning(
    backoff_seconds=0.05, lease=timedelta(seconds=30), idle_seconds=0.05, flush_seconds=0.05
)


@pytest.fixture
async def live_app(tmp_path: Path, knowledge: KnowledgeEngine) -> AsyncIterator[App]:
    """An app on the real clock (retries and leases are real time), with one organiser."""
    settings = make_settings(tmp_path, ESER_ORGANISERS=str(ORGANISER))
    app = await build_app(
        settings, knowledge=knowledge, clock=utcnow, platforms=platform_capabilities(settings)
    )
    yield app
    await app.services.db.dispose()


@asynccontextmanager
async def running(app: App, clock: ScaledClock) -> AsyncIterator[BroadcastRunner]:
    runner = BroadcastRunner(app.services, clock=clock, tuning=FAST, poll_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        yield runner
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def wait_done(app: App, announcement_id: int, within: float) -> None:
    async def done() -> bool:
        [status] = await app.services.broadcasts.status(announcement_id)
        return status.state == "done"

    deadline = asyncio.get_running_loop().time() + within
    while not await done():
        assert asyncio.get_running_loop().time() < deadline, await app.services.broadcasts.status(
            announcement_id
        )
        await asyncio.sleep(0.1)


# The default run sends to 1,000 members; the full 10,000 runs with the slow tests (make test-all).
@pytest.mark.parametrize("member_count", [1_000, pytest.param(10_000, marks=pytest.mark.slow)])
async def test_thousands_of_telegram_members_and_two_hundred_slack_channels(
    live_app: App, member_count: int
) -> None:
    scale = 25.0
    clock = ScaledClock(scale)
    members = [str(10_000 + n) for n in range(member_count)]
    channels = [f"C{n:04d}" for n in range(200)]
    sessions = live_app.services.sessions
    await add_subscribers(sessions, "telegram", members, now=utcnow(), topic="events")
    await add_subscribers(sessions, "telegram", ["-100200"], now=utcnow(), topic="events", kind="channel")
    await add_subscribers(sessions, "slack", channels, now=utcnow(), topic="all", kind="channel")
    blocked, unknown = [int(chat) for chat in members[:20]], [int(chat) for chat in members[20:25]]
    flaky = int(members[30])
    preview = await live_app.services.broadcasts.preview(
        Draft(text="x", audience=Audience(topics=("events",))), language="en"
    )
    assert preview.counts == {"telegram": member_count + 1, "slack": 200}

    async with (
        FakeTelegramServer(limits=TelegramLimits(), clock=clock) as telegram,
        running_fake_slack(limits=SlackLimits(), clock=clock) as slack,
        Bot(telegram.token, base_url=telegram.base_url) as bot,
    ):
        telegram.block(*blocked)
        telegram.forget(*unknown)
        telegram.migrate(-100200, -100999)
        telegram.flaky(flaky, times=2)
        slack.archive(channels[0])
        client = AsyncWebClient(
            token=BOT_TOKEN, base_url=slack.base_url, retry_handlers=retry_handlers(RetryPolicy())
        )
        live_app.services.senders["telegram"] = TelegramSender(bot, live_app.services.catalogue)
        live_app.services.senders["slack"] = SlackSender(client, live_app.services.catalogue)
        submitted = await live_app.services.broadcasts.submit(
            Draft(
                text="Registration for the ESER annual meeting is open.",
                audience=Audience(topics=("events",)),
            ),
            organiser=ORGANISER,
            report_to=ORGANISER,
        )
        started = clock.monotonic()
        async with running(live_app, clock):
            await wait_done(live_app, submitted.announcement_id, within=240)
            await telegram.wait_for_deliveries(telegram.delivered_total + 0)
            report_sent = asyncio.get_running_loop().time()
            while not telegram.messages_to(777):
                assert asyncio.get_running_loop().time() - report_sent < 10, "no delivery report"
                await asyncio.sleep(0.05)
        elapsed = clock.monotonic() - started

        # Nobody twice, no 429 earned by pacing, everyone accounted for.
        assert telegram.duplicates() == {} and slack.duplicates() == {}
        assert sum(telegram.rate_limited.values()) == 0 and sum(slack.rate_limited.values()) == 0
        [status] = await live_app.services.broadcasts.status(submitted.announcement_id)
        tg, sl = status.platforms["telegram"], status.platforms["slack"]
        assert (tg.total, tg.sent, tg.gone, tg.failed) == (member_count + 1, member_count + 1 - 25, 25, 25)
        assert (sl.total, sl.sent, sl.gone) == (200, 199, 1)
        assert tg.pending == tg.sending == sl.pending == sl.sending == 0
        delivered_members = {chat for chat in telegram.delivered if chat >= 10_000}
        assert len(delivered_members) == member_count - 25 and flaky in delivered_members
        assert len(telegram.messages_to(-100999)) == 1 and not telegram.messages_to(-100200)
        assert (
            len({call.params["channel"] for call in slack.messages() if call.method == "chat.postMessage"})
            == 199
        )

        # Blocked and unknown chats are unsubscribed; the migrated group keeps its subscription.
        async with sessions() as session:
            subscriptions = {row.chat_id: row for row in await session.scalars(select(SubscriptionRow))}
            rows = list(await session.scalars(select(OutboxRow)))
        assert all(not subscriptions[str(chat)].active for chat in blocked + unknown)
        assert subscriptions["-100999"].active and "-100200" not in subscriptions
        assert not subscriptions[channels[0]].active and subscriptions[channels[1]].active
        assert len(rows) == len({(row.platform, row.chat_id) for row in rows}) == member_count + 201

        # The organiser's report adds up.
        [report] = telegram.messages_to(777)
        text = str(report.params["text"])
        assert f"{member_count + 1 - 25} sent" in text and "25 unsubscribed" in text and "199 sent" in text

        # Pacing kept near Telegram's 30 messages per second (Slack's channels go in parallel).
        rate = (member_count + 1) / elapsed
        assert rate <= 30, rate


async def test_a_429_pauses_and_the_message_still_arrives_once(live_app: App) -> None:
    clock = ScaledClock(10.0)
    await add_subscribers(
        live_app.services.sessions, "telegram", [str(n) for n in range(1, 41)], now=utcnow()
    )
    async with (
        FakeTelegramServer(limits=TelegramLimits(), clock=clock) as telegram,
        Bot(telegram.token, base_url=telegram.base_url) as bot,
    ):
        live_app.services.senders["telegram"] = TelegramSender(bot, live_app.services.catalogue)
        telegram.rate_limit("sendMessage", retry_after=3, times=1)
        submitted = await live_app.services.broadcasts.submit(
            Draft(text="Hello"), organiser=ORGANISER, report_to=None
        )
        async with running(live_app, clock):
            await wait_done(live_app, submitted.announcement_id, within=60)
        assert telegram.duplicates() == {}
        assert sorted(telegram.delivered) == list(range(1, 41))
        [status] = await live_app.services.broadcasts.status(submitted.announcement_id)
        assert status.platforms["telegram"].sent == 40


async def test_scheduled_announcements_wait_for_their_time(live_app: App) -> None:
    await add_subscribers(live_app.services.sessions, "telegram", ["5"], now=utcnow())
    clock = ScaledClock(10.0)
    async with FakeTelegramServer() as telegram, Bot(telegram.token, base_url=telegram.base_url) as bot:
        live_app.services.senders["telegram"] = TelegramSender(bot, live_app.services.catalogue)
        submitted = await live_app.services.broadcasts.submit(
            Draft(text="Soon", send_at=utcnow() + timedelta(seconds=1.5)), organiser=ORGANISER, report_to=None
        )
        async with running(live_app, clock):
            await asyncio.sleep(0.5)
            assert telegram.delivered_total == 0
            await wait_done(live_app, submitted.announcement_id, within=20)
        assert telegram.delivered[5] == 1


async def test_slack_429_pauses_the_channel_and_only_channels_get_at_channel(live_app: App) -> None:
    clock = ScaledClock(10.0)
    sessions = live_app.services.sessions
    await add_subscribers(sessions, "slack", ["C1", "C2"], now=utcnow(), kind="channel")
    await add_subscribers(sessions, "slack", ["DU1"], now=utcnow())  # a member's DM
    async with running_fake_slack(limits=SlackLimits(), clock=clock) as slack:
        # No client-side retry: the 429 reaches the outbox worker, which waits and sends again.
        policy = RetryPolicy(attempts=0, rate_limit_attempts=0)
        client = AsyncWebClient(
            token=BOT_TOKEN, base_url=slack.base_url, retry_handlers=retry_handlers(policy)
        )
        live_app.services.senders["slack"] = SlackSender(client, live_app.services.catalogue)
        slack.fail_next("chat.postMessage", status=429, retry_after=2)
        submitted = await live_app.services.broadcasts.submit(
            Draft(text="Vote today @everyone", notify_channel=True), organiser=ORGANISER, report_to=None
        )
        async with running(live_app, clock):
            await wait_done(live_app, submitted.announcement_id, within=30)
        posts = {
            str(c.params["channel"]): str(c.params["text"])
            for c in slack.messages()
            if c.method == "chat.postMessage"
        }
    assert slack.duplicates() == {} and set(posts) == {"C1", "C2", "DU1"}
    assert len(slack.calls_of("chat.postMessage")) == 4  # one refused with 429, then sent again
    assert posts["C1"].startswith("<!channel> ") and posts["C2"].startswith("<!channel> ")
    assert "<!channel>" not in posts["DU1"]
    assert "@everyone" not in posts["C1"].replace("@\u200deveryone", "")  # the text itself never pings
    [status] = await live_app.services.broadcasts.status(submitted.announcement_id)
    assert status.platforms["slack"].sent == 3
