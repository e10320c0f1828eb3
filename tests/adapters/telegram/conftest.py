"""Fixtures of the Telegram adapter tests: the fake Bot API server, a polling driver, fast retries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from adapters.telegram.posting import RetryPolicy
from bot.app import App
from tests.fakes.telegram_server import FakeTelegramServer
from tests.scenarios.telegram_driver import TelegramDriver, telegram_driver


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """Retries with millisecond backoffs (rate limits still wait the ``retry_after`` the fake sets)."""
    return RetryPolicy(attempts=3, backoff=0.01, rate_limit_waits=3)


@pytest_asyncio.fixture
async def telegram_server() -> AsyncIterator[FakeTelegramServer]:
    """A fake Bot API on 127.0.0.1, a free port."""
    async with FakeTelegramServer() as server:
        yield server


@pytest_asyncio.fixture
async def driver(app: App) -> AsyncIterator[TelegramDriver]:
    """A started runner (long polling) on its own fake server."""
    async with telegram_driver(app) as started:
        yield started
