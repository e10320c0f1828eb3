"""A database outage while ``eser-bot serve`` runs (PostgreSQL refusing connections): a member who
writes gets a short apology, the log grows by a few lines rather than a traceback a second, and once
the database is back the bot answers again."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from bot.i18n import Catalogue
from tests.bot.store.postgres import (
    allow_connections,
    create_database,
    drop_database,
    refuse_connections,
    url_of,
)
from tests.fakes.telegram_server import FakeTelegramServer
from tests.serve_process import SMALL_INDEX_MODEL, exit_code, start_serve

MEMBER = 4343
OUTAGE_SECONDS = 6.0


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines()


# A real serve process (half a minute): with the slow tests. The default run keeps the in-process
# checks of the apology (tests/bot/test_app.py) and of the log filters (tests/bot/test_logs.py).
@pytest.mark.slow
@pytest.mark.postgres
async def test_an_outage_gets_an_apology_and_bounded_logs_then_answers_resume(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    name = create_database()
    content = tmp_path / "content"
    content.mkdir()
    (content / "about.md").write_text("# ESER\n\nThe European Social Economy Regions network.\n")
    log = tmp_path / "serve.log"
    try:
        async with FakeTelegramServer() as telegram:
            env = {
                **os.environ,
                "DATABASE_URL": url_of(name),
                "ESER_DATA_DIR": str(tmp_path / "data"),
                "ESER_CONTENT_DIRS": str(content),
                "TELEGRAM_BOT_TOKEN": telegram.token,
                "TELEGRAM_API_BASE_URL": telegram.base_url,
                "HF_HUB_OFFLINE": "1",
                **SMALL_INDEX_MODEL,
            }
            process = start_serve(env, log)
            try:
                await telegram.wait_started("getUpdates", 2, seconds=120)  # up and polling
                await asyncio.sleep(1)
                refuse_connections(name)
                before = len(_lines(log))
                telegram.enqueue(telegram.updates.private_message(MEMBER, "What is ESER?"))
                await telegram.wait_for_deliveries(1, seconds=30)
                [apology] = telegram.messages_to(MEMBER)
                assert apology.params["text"] == catalogue.text("error.unavailable", "en")
                await asyncio.sleep(OUTAGE_SECONDS)  # the outbox worker and the jobs keep failing
                during = _lines(log)[before:]
                assert len(during) <= 20, "\n".join(during)
                assert all(line[:4].isdigit() for line in during), "\n".join(during)  # one line each

                allow_connections(name)
                await asyncio.sleep(2)
                telegram.enqueue(telegram.updates.private_message(MEMBER, "What is ESER?"))
                await telegram.wait_for_deliveries(2, seconds=60)
                answer = telegram.messages_to(MEMBER)[-1]
                assert answer.params["text"] != apology.params["text"]
            finally:
                process.send_signal(signal.SIGTERM)
                code = await exit_code(process, 60)
            assert code == 0, "\n".join(_lines(log)[-60:])
    finally:
        allow_connections(name)
        drop_database(name)
