"""Crash safety: ``eser-bot serve`` killed with SIGKILL at random points during a broadcast and
restarted delivers to every recipient, records exactly one final row each, and repeats at most the
messages that were in flight at each kill."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.broadcast.models import Draft
from bot.models import Target
from bot.store.broadcasts import AnnouncementRow, OutboxRow
from knowledge.engine import KnowledgeEngine
from tests.bot.broadcast.outbox_rows import rows_in_flight
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import Clock, make_settings
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits
from tests.serve_process import SMALL_INDEX_MODEL, exit_code, start_serve

RECIPIENTS = 600
RATE = 200  # messages per second, for the fake and the bot alike: the run stays short
ORGANISER = Target(platform="telegram", chat_id="777")


async def _until(condition, within: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.05)
    return False


# One kill in the default run (about a minute on two cores); three with the slow tests.
@pytest.mark.parametrize("kill_count", [1, pytest.param(3, marks=pytest.mark.slow)])
async def test_sigkill_at_random_points_loses_and_doubles_nothing_but_in_flight(
    tmp_path: Path, empty_knowledge: KnowledgeEngine, clock: Clock, kill_count: int
) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    content = tmp_path / "content"
    content.mkdir()
    (content / "about.md").write_text(
        "---\nurl: https://example.org/eser\n---\n# ESER\n\nThe European Social Economy Regions network.\n"
    )
    settings = make_settings(tmp_path / "data", ESER_ORGANISERS=str(ORGANISER))
    app = await build_app(settings, knowledge=empty_knowledge, clock=clock)
    sessions = app.services.sessions
    await add_subscribers(sessions, "telegram", [str(1000 + n) for n in range(RECIPIENTS)], now=clock())
    submitted = await app.services.broadcasts.submit(
        # The served process runs on the real clock, the test app on a fixed one: due now, for real.
        Draft(text="The ESER annual meeting opens for registration today.", send_at=datetime.now(UTC)),
        organiser=ORGANISER,
        report_to=None,
    )

    async def state() -> str:
        async with sessions() as session:
            row = await session.get(AnnouncementRow, submitted.announcement_id, populate_existing=True)
            return row.state if row else "missing"

    log = tmp_path / "serve.log"
    async with FakeTelegramServer(limits=TelegramLimits(messages_per_second=RATE)) as telegram:
        env = {
            **os.environ,
            "ESER_DATA_DIR": str(tmp_path / "data"),
            "ESER_CONTENT_DIRS": str(content),
            "ESER_ORGANISERS": str(ORGANISER),
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "ESER_TELEGRAM_MESSAGES_PER_SECOND": str(RATE),
            "ESER_BROADCAST_LEASE_SECONDS": "1",
            "HF_HUB_OFFLINE": "1",
            **SMALL_INDEX_MODEL,
        }
        doubled_allowance = 0
        kills: list[str] = []
        for kill in range(kill_count):
            process = start_serve(env, log)
            try:
                if kill == 0:
                    # Anywhere from start-up to the first deliveries.
                    await asyncio.sleep(rng.uniform(2.0, 8.0))
                else:
                    before = telegram.delivered_total
                    target = before + rng.randint(1, max(1, (RECIPIENTS - before) // 2))
                    assert await _until(lambda t=target: _reached(telegram, t), 60), log.read_text()[-3000:]
            finally:
                process.send_signal(signal.SIGKILL)
                await exit_code(process, 10)
            flying = await rows_in_flight(sessions)
            doubled_allowance += flying
            kills.append(f"kill {kill}: {telegram.delivered_total} delivered, {flying} in flight")

        process = start_serve(env, log)
        try:
            assert await _until(lambda: _done(state), 120), log.read_text()[-3000:]
        finally:
            process.send_signal(signal.SIGTERM)
            assert await exit_code(process, 30) == 0, log.read_text()[-3000:]

        async with sessions() as session:
            rows = list(await session.scalars(select(OutboxRow)))
        context = f"seed {seed}; " + "; ".join(kills)
        assert len(rows) == RECIPIENTS, context
        assert {row.chat_id for row in rows} == {str(1000 + n) for n in range(RECIPIENTS)}, context
        assert {row.state for row in rows} == {"sent"}, context
        delivered = {chat: count for chat, count in telegram.delivered.items() if chat >= 1000}
        assert set(delivered) == {1000 + n for n in range(RECIPIENTS)}, context
        doubled = sum(count - 1 for count in delivered.values())
        assert doubled <= doubled_allowance, context
        assert sum(telegram.rate_limited.values()) == 0, context
    await app.services.db.dispose()


async def _reached(telegram: FakeTelegramServer, target: int) -> bool:
    return telegram.delivered_total >= target


async def _done(state) -> bool:  # type: ignore[no-untyped-def]
    return await state() == "done"
