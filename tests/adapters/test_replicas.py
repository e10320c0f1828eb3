"""Two replicas on one PostgreSQL database (two apps, two runners, one fake platform) given the same
Slack event or Telegram update answer it exactly once: the inbox record is the one admission."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.app import SlackRunner
from adapters.telegram import TelegramRunner
from adapters.telegram.posting import RetryPolicy
from tests.adapters.slack.conftest import FAST_RETRY, slack_settings
from tests.adapters.telegram.test_app import QUESTION, SECRET, post_update, webhook_settings
from tests.conftest import PostgresReplicas
from tests.fakes.slack_server import BOT_USER_ID, FakeSlack, SlackDeliverer, running_fake_slack
from tests.fakes.telegram_server import FakeTelegramServer

pytestmark = pytest.mark.postgres

TELEGRAM_RETRY = RetryPolicy(attempts=3, backoff=0.01, rate_limit_waits=3)
# Deliveries of one event per test: a slow first attempt retried on the other replica, and more.
DELIVERIES = 4


async def test_the_same_slack_event_on_two_replicas_is_answered_once(
    postgres_replicas: PostgresReplicas,
) -> None:
    async with running_fake_slack() as fake:
        apps = await postgres_replicas(lambda folder: slack_settings(folder, fake))
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


async def test_the_same_telegram_update_on_two_replicas_is_answered_once(
    postgres_replicas: PostgresReplicas,
) -> None:
    async with FakeTelegramServer() as server:
        apps = await postgres_replicas(lambda folder: webhook_settings(folder, server))
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
