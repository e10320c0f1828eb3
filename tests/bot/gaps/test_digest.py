"""The weekly knowledge-gaps digest: due on its day and hour (fixed clock), delivered once a week to
each organiser's private chat on the fake Telegram server, in the organiser's language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from telegram import Bot

from adapters.telegram.sender import TelegramSender
from bot.app import App
from bot.gaps.digest import digest_week
from bot.jobs import run_gap_digest
from bot.services import Services
from tests.bot.gaps.records import record
from tests.conftest import FIXED_NOW, Clock, make_settings
from tests.fakes.telegram_server import FakeTelegramServer

# FIXED_NOW is Thursday 26 November 2026, 10:00 UTC (ISO week 48).
MONDAY_7AM = datetime(2026, 11, 23, 7, 0, tzinfo=FIXED_NOW.tzinfo)


@pytest.fixture
async def telegram(gap_app: App) -> AsyncIterator[FakeTelegramServer]:
    """The fake Telegram server, with the app's Telegram sender talking to it."""
    async with FakeTelegramServer() as server, Bot(server.token, base_url=server.base_url) as bot:
        gap_app.services.senders["telegram"] = TelegramSender(bot, gap_app.services.catalogue)
        yield server


async def week_of_questions(app: App) -> None:
    day = timedelta(days=1)
    for n, question in enumerate(
        [
            "how do I get money for a coop?",
            "What funding is there for cooperatives?",
            "Which grants can a cooperative apply for?",
        ]
    ):
        await record(app, question, at=FIXED_NOW - (n + 1) * day, decline="unknown", user=f"m{n}")
    await record(app, "Is there parking at the venue in Brussels?", at=FIXED_NOW - day, vote=-1, user="m5")
    await record(app, "How can my region join ESER?", at=FIXED_NOW - day, vote=1, user="m6")
    await record(app, "What is ESER?", at=FIXED_NOW - 2 * day, vote=1, user="m7")


def test_due_from_its_day_and_hour_until_the_week_ends(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path)  # Monday, 08:00 UTC
    assert digest_week(settings, MONDAY_7AM) is None
    assert digest_week(settings, MONDAY_7AM + timedelta(hours=1)) == "2026-W48"
    assert digest_week(settings, FIXED_NOW) == "2026-W48"  # a bot that was down on Monday catches up
    assert digest_week(make_settings(tmp_path, ESER_GAPS_DIGEST_DAY="friday"), FIXED_NOW) is None
    assert digest_week(make_settings(tmp_path, ESER_GAPS_DIGEST_DAY="off"), FIXED_NOW) is None


async def test_the_organiser_gets_the_digest_once_a_week(
    gap_app: App, telegram: FakeTelegramServer, clock: Clock
) -> None:
    await week_of_questions(gap_app)

    assert await run_gap_digest(gap_app) == 1
    [message] = telegram.messages_to(777)
    text = str(message.params["text"])
    assert text.startswith("📊 Knowledge gaps of the week, November 19 – November 26, 2026")
    lines = text.splitlines()
    top = next(line for line in lines if line.startswith("1. "))
    assert top.endswith("×3 (en)") and ("coop" in top or "cooperative" in top)
    assert any(line.startswith("2. “Is there parking at the venue in Brussels?” ×1") for line in lines)
    assert "Votes on answers: 👍 2 · 👎 1" in text

    assert await run_gap_digest(gap_app) == 0  # sent for this week
    clock.advance(days=8)  # Friday of the next week: last week's questions are out of its window
    assert await run_gap_digest(gap_app) == 1
    assert len(telegram.messages_to(777)) == 2
    assert "No question went unanswered or got a 👎 this week." in str(
        telegram.messages_to(777)[1].params["text"]
    )


async def test_in_the_organisers_language_with_the_plugged_in_sections(
    gap_app: App, telegram: FakeTelegramServer
) -> None:
    await week_of_questions(gap_app)
    await gap_app.services.profiles.update("telegram", "777", chat_id="777", now=FIXED_NOW, language="de")

    async def answered_handoffs(services: Services, since: datetime, until: datetime, language: str) -> str:
        return f"Hand-offs ({language}): 2 answered since {since:%d.%m.}"

    gap_app.services.digest_sections.append(answered_handoffs)
    assert await run_gap_digest(gap_app) == 1
    text = str(telegram.messages_to(777)[0].params["text"])
    assert text.startswith("📊 Wissenslücken der Woche, 19. November – 26. November 2026")
    assert any(line.startswith("1. „") and line.endswith("“ ×3 (en)") for line in text.splitlines())
    assert "Bewertungen der Antworten: 👍 2 · 👎 1" in text
    assert "Hand-offs (de): 2 answered since 19.11." in text


async def test_a_failed_send_is_tried_again(gap_app: App, telegram: FakeTelegramServer) -> None:
    sender = gap_app.services.senders.pop("telegram")

    class Failing:
        platform = "telegram"

        async def send(self, target, reply):  # type: ignore[no-untyped-def]
            raise ConnectionError("Telegram is away")

    gap_app.services.senders["telegram"] = Failing()  # type: ignore[assignment]
    assert await run_gap_digest(gap_app) == 0
    gap_app.services.senders["telegram"] = sender
    assert await run_gap_digest(gap_app) == 1 and len(telegram.messages_to(777)) == 1
