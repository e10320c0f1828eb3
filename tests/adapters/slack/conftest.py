"""Fixtures for the Slack adapter: the fake Slack, core settings pointing at it, a started runner
in HTTP mode on 127.0.0.1 with an ephemeral port, and a deliverer that signs requests like Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from adapters.slack.app import SlackRunner
from adapters.slack.retry import RetryPolicy
from bot.app import App
from bot.settings import Settings
from tests.conftest import make_settings
from tests.fakes.slack_server import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackDeliverer, running_fake_slack

# Short backoffs keep fault tests fast; the waits themselves are still real.
FAST_RETRY = RetryPolicy(attempts=2, rate_limit_attempts=3, backoff_seconds=0.05, max_retry_after_seconds=5)


def slack_settings(data_dir: Path, fake: FakeSlack, **overrides: object) -> Settings:
    """Settings for a runner talking to ``fake``, serving HTTP on 127.0.0.1 and a free port."""
    values: dict[str, object] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
        "ESER_HTTP_HOST": "127.0.0.1",
        "ESER_HTTP_PORT": 0,
    }
    values.update(overrides)
    return make_settings(data_dir, **values)


@pytest_asyncio.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A running fake Slack Web API on 127.0.0.1 and an ephemeral port."""
    async with running_fake_slack() as fake:
        yield fake


@pytest_asyncio.fixture
async def settings(tmp_path: Path, fake_slack: FakeSlack) -> Settings:
    """The core's settings (used by the ``app`` fixture) with the Slack settings of the fake."""
    return slack_settings(tmp_path, fake_slack)


@pytest_asyncio.fixture
async def runner(app: App, settings: Settings) -> AsyncIterator[SlackRunner]:
    """A started Slack runner in HTTP mode."""
    started = SlackRunner(app, settings, retry=FAST_RETRY)
    await started.start()
    yield started
    await started.stop()


@pytest_asyncio.fixture
async def slack(runner: SlackRunner, fake_slack: FakeSlack) -> AsyncIterator[SlackDeliverer]:
    """Delivers signed events, commands and actions to the runner's endpoint."""
    deliverer = SlackDeliverer(runner.url, fake_slack)
    yield deliverer
    await deliverer.close()
