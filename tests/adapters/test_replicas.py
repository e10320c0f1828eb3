"""Two replicas on one PostgreSQL database (two apps, two runners, one fake platform) given the same
Slack event or Telegram update answer it exactly once: the inbox record is the one admission."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.platforms import platform_capabilities
from adapters.slack.app import SlackRunner
from adapters.telegram import TelegramRunner
from adapters.telegram.posting import RetryPolicy
from bot.app import App, build_app
from bot.settings import Settings
from knowledge.engine import KnowledgeEngine
from tests.adapters.slack.conftest import FAST_RETRY, slack_settings
from tests.adapters.telegram.test_app import QUESTION, SECRET, post_update, webhook_settings
from tests.bot.store.postgres import create_database, drop_database, url_of
from tests.conftest import Clock
from tests.fakes.slack_server import BOT_USER_ID, FakeSlack, SlackDeliverer, running_fake_slack
from tests.fakes.telegram_server import FakeTelegramServer

pytestmark = pytest.mark.postgres

TELEGRAM_RETRY = RetryPolicy(attempts=3, backoff=0.01, rate_limit_waits=3)
# Deliveries of one event per test: a slow first attempt retried on the other replica, and more.
DELIVERIES = 4
Apps = Callable[[Callable[[Path], Settings]], Awaitable[tuple[App, App]]]


@pytest_asyncio.fixture
async def two_apps(tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock) -> AsyncIterator[Apps]:
    """Builds two apps on one fresh PostgreSQL database, from settings made per data folder."""
    name = create_database()
    built: list[App] = []

    async def build(settings_for: Callable[[Path], Settings]) -> tuple[App, App]:
        for replica in ("a", "b"):
            settings = settings_for(tmp_path / replica).model_copy(update={"database_url": url_of(name)})
            built.append(
                await build_app(
                    settings, knowledge=knowledge, clock=clock, platforms=platform_capabilities(settings)
                )
            )
        return built[0], built[1]

    try:
        yield build
    finally:
        for app in built:
            await app.close()
        drop_database(name)


async def test_the_same_slack_event_on_two_replicas_is_answered_once(two_apps: Apps) -> None:
    async with running_fake_slack() as fake:
        apps = await two_apps(lambda folder: slack_settings(folder, fake))
        runners = [SlackRunner(app, app.services.settings, retry=FAST_RETRY) for app in apps]
        deliverers: list[SlackDeliverer] = []
        try:
            for runner in runners:
                await runner.start()
                deliverers.append(SlackDeliverer(runner.url, fake))
            event = {
                "type": "app_mention",
                "channel": "CGENERAL",
                "user": "U1",
                "text": f"<@{BOT_USER_ID}> {QUESTION}",
                "ts": deliverers[0].next_ts(),
            }
            # The first attempt and Slack's retries, spread over both replicas at the same moment.
            deliveries = await asyncio.gather(
                *(
                    deliverers[turn % 2].event(event, event_id="EvReplica1", retry_num=turn or None)
                    for turn in range(DELIVERIES)
                )
            )
            assert [delivery.status for delivery in deliveries] == [200] * DELIVERIES
            for runner in runners:
                await runner.wait_idle()
            assert _answers(fake) == 1
        finally:
            for deliverer in deliverers:
                await deliverer.close()
            for runner in runners:
                await runner.stop()


async def test_the_same_telegram_update_on_two_replicas_is_answered_once(two_apps: Apps) -> None:
    async with FakeTelegramServer() as server:
        apps = await two_apps(lambda folder: webhook_settings(folder, server))
        runners = [TelegramRunner(app, app.services.settings, retry=TELEGRAM_RETRY) for app in apps]
        try:
            for runner in runners:
                await runner.start()
            update = server.updates.private_message(701, QUESTION)
            statuses = await asyncio.gather(
                *(post_update(runners[turn % 2], update, SECRET) for turn in range(DELIVERIES))
            )
            assert statuses == [200] * DELIVERIES
            await server.wait_for("sendMessage", 1)
        finally:
            for runner in runners:
                await runner.stop()  # each finishes what it took: a second answer would show below
        assert len(server.calls_to("sendMessage")) == 1


def _answers(fake: FakeSlack) -> int:
    return len(fake.messages())
