"""``/healthz`` and ``/readyz`` beside the platform endpoints: not ready while the database's port is
closed, ready again once it is open, alive throughout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from adapters.platforms import platform_capabilities
from adapters.slack.app import SlackRunner
from adapters.telegram import TelegramRunner
from adapters.telegram.posting import RetryPolicy
from bot.app import build_app
from knowledge.engine import KnowledgeEngine
from tests.adapters.slack.conftest import FAST_RETRY, slack_settings
from tests.adapters.telegram.test_app import webhook_settings
from tests.bot.store.postgres import HOST, PORT, USER, create_database, drop_database
from tests.conftest import Clock
from tests.fakes.slack_server import running_fake_slack
from tests.fakes.telegram_server import FakeTelegramServer

pytestmark = pytest.mark.postgres


class PortToPostgres:
    """A TCP port forwarding to the PostgreSQL server that can be closed and opened again, as a
    database host going away and coming back looks to the bot."""

    def __init__(self) -> None:
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        """Listen (on the same port as before, once one was given)."""
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and cut every forwarded connection: the port is closed."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._links):
            writer.close()
        await self._server.wait_closed()
        self._server = None

    async def _forward(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        server_reader, server_writer = await asyncio.open_connection(HOST, PORT)
        self._links.update((client_writer, server_writer))
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()
        self._links.discard(writer)


@pytest_asyncio.fixture
async def database() -> AsyncIterator[str]:
    """The name of a fresh PostgreSQL database, dropped afterwards."""
    name = create_database()
    yield name
    drop_database(name)


async def _get(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_slack_readyz_follows_the_database_port(
    tmp_path: Path, database: str, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    port = PortToPostgres()
    await port.open()
    await knowledge.warm_up()  # as ``serve`` does: not ready before the model is loaded
    async with running_fake_slack() as fake:
        settings = slack_settings(
            tmp_path, fake, DATABASE_URL=f"postgresql://{USER}@127.0.0.1:{port.port}/{database}"
        )
        app = await build_app(
            settings, knowledge=knowledge, clock=clock, platforms=platform_capabilities(settings)
        )
        runner = SlackRunner(app, settings, retry=FAST_RETRY)
        await runner.start()
        base = f"http://127.0.0.1:{runner.port}"
        try:
            assert await _get(f"{base}/readyz") == (200, {"ready": True, "failing": []})
            await port.close()
            assert await _get(f"{base}/readyz") == (503, {"ready": False, "failing": ["database"]})
            assert await _get(f"{base}/healthz") == (200, {"alive": True})
            await port.open()
            assert await _get(f"{base}/readyz") == (200, {"ready": True, "failing": []})
        finally:
            await runner.stop()
            await app.close()
            with contextlib.suppress(AssertionError):
                await port.close()


async def test_telegram_webhook_serves_healthz_and_readyz(
    tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    await knowledge.warm_up()
    async with FakeTelegramServer() as server:
        settings = webhook_settings(tmp_path, server)
        app = await build_app(
            settings, knowledge=knowledge, clock=clock, platforms=platform_capabilities(settings)
        )
        runner = TelegramRunner(
            app, settings, retry=RetryPolicy(attempts=3, backoff=0.01, rate_limit_waits=3)
        )
        await runner.start()
        base = f"http://127.0.0.1:{runner.webhook_port}"
        try:
            assert await _get(f"{base}/healthz") == (200, {"alive": True})
            assert await _get(f"{base}/readyz") == (200, {"ready": True, "failing": []})
        finally:
            await runner.stop()
            await app.close()
