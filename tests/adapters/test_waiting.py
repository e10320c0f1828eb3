"""``eser-bot serve`` with its database out of reach at start-up: alive and not ready (``database``)
on its webhook port, stopping cleanly on SIGTERM while it waits, and serving members once the
database exists."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import aiohttp
import pytest

from adapters.serve import serve_platforms
from tests.adapters.telegram.test_app import SECRET
from tests.bot.store.postgres import create_database, database_name, drop_database, url_of
from tests.chroma_server import free_port
from tests.conftest import make_settings
from tests.fakes.telegram_server import FakeTelegramServer
from tests.serve_process import exit_code, start_serve

pytestmark = pytest.mark.postgres
MEMBER = 5151
WEBHOOK = "https://bot.example.org/telegram/updates"


async def _get(url: str) -> tuple[int, dict[str, object]] | None:
    """Status and JSON of ``url``; None while nothing listens there."""
    try:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return response.status, await response.json()
    except aiohttp.ClientConnectionError:
        return None


async def _until(url: str, expected: tuple[int, dict[str, object]], within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while (got := await _get(url)) != expected:
        assert asyncio.get_running_loop().time() < deadline, got
        await asyncio.sleep(0.2)


NOT_READY = (503, {"ready": False, "failing": ["database"]})


async def test_serve_waits_for_the_database_not_ready_and_stops_on_request(tmp_path: Path) -> None:
    port = free_port()
    async with FakeTelegramServer() as telegram:
        settings = make_settings(
            tmp_path,
            # A database that does not exist (yet): PostgreSQL answers, but not for it.
            DATABASE_URL=url_of(database_name()),
            TELEGRAM_BOT_TOKEN=telegram.token,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            TELEGRAM_WEBHOOK_URL=WEBHOOK,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
            TELEGRAM_WEBHOOK_PORT=str(port),
        )
        stop = asyncio.Event()
        serving = asyncio.create_task(serve_platforms(settings, ["telegram"], stop=stop))
        await _until(f"http://127.0.0.1:{port}/readyz", NOT_READY, within=30)
        assert await _get(f"http://127.0.0.1:{port}/healthz") == (200, {"alive": True})
        assert not serving.done()  # waiting, not exited
        stop.set()
        await asyncio.wait_for(serving, 10)  # returns, no error
        assert await _get(f"http://127.0.0.1:{port}/readyz") is None  # nothing left listening
        assert telegram.calls_to("setWebhook") == []  # never started serving the platform


@pytest.mark.slow  # a real serve process: importing and loading the model take half a minute
async def test_serve_becomes_ready_and_answers_once_the_database_exists(tmp_path: Path) -> None:
    name = database_name()
    port = free_port()
    content = tmp_path / "content"
    content.mkdir()
    (content / "about.md").write_text(
        "---\nurl: https://example.org/eser\n---\n# ESER\n\nThe European Social Economy Regions network.\n"
    )
    log = tmp_path / "serve.log"
    async with FakeTelegramServer() as telegram:
        env = {
            **os.environ,
            "DATABASE_URL": url_of(name),
            "ESER_DATA_DIR": str(tmp_path / "data"),
            "ESER_CONTENT_DIRS": str(content),
            "ESER_EMBEDDINGS": "bundled:all-MiniLM-L6-v2",
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_WEBHOOK_URL": WEBHOOK,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
            "TELEGRAM_WEBHOOK_PORT": str(port),
            "HF_HUB_OFFLINE": "1",
        }
        process = start_serve(env, log)
        try:
            await _until(f"http://127.0.0.1:{port}/readyz", NOT_READY, within=120)
            assert process.poll() is None, log.read_text()
            create_database(name)
            # The next attempt (backoff of at most 30 s) finds it; then the model loads.
            await _until(f"http://127.0.0.1:{port}/readyz", (200, {"ready": True, "failing": []}), within=180)
            update = telegram.updates.private_message(MEMBER, "What is ESER?")
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    f"http://127.0.0.1:{port}/telegram/updates",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                ) as response,
            ):
                assert response.status == 200
            await telegram.wait_for_deliveries(1, seconds=60)
            assert len(telegram.messages_to(MEMBER)) == 1  # the member got an answer
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                assert await exit_code(process, 60) == 0, log.read_text()[-3000:]
            drop_database(name)
        assert "trying again" in log.read_text()
