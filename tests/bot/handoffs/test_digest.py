"""The hand-offs' paragraph of the organisers' weekly digest: the week's hand-offs asked, answered
(and kept as cards) and still waiting, in the organiser's language; left out in a quiet week."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio

from bot.app import App, build_app
from bot.handoffs.digest import handoff_digest
from knowledge.engine import KnowledgeEngine
from tests.bot.onboarding.member import RecordingSender
from tests.conftest import Clock, make_settings

ORGANISER = "telegram:100"


@pytest_asyncio.fixture
async def app(tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock) -> AsyncIterator[App]:
    built = await build_app(
        make_settings(tmp_path, ESER_ORGANISERS=ORGANISER), knowledge=knowledge, clock=clock
    )
    built.services.senders["telegram"] = RecordingSender("telegram")
    yield built
    await built.close()


async def ask(app: App, user: str) -> str:
    handoff = await app.services.handoffs.ask(
        platform="telegram", user_id=user, chat_id=f"c-{user}", question="Who funds our pilot?", language="en"
    )
    return handoff.id


async def test_the_weeks_handoffs_in_the_organisers_language(app: App, clock: Clock) -> None:
    week_start = clock() - timedelta(days=1)
    first = await ask(app, "m1")
    await ask(app, "m2")
    await app.services.handoffs.answer(first, organiser=ORGANISER, text="The ESF+ call.", language="en")
    text = await handoff_digest(app.services, week_start, clock() + timedelta(hours=1), "fr")
    assert text == (
        "🙋 Questions transmises : 2 posées cette semaine, 1 avec une réponse (0 gardées comme fiches), "
        "1 encore en attente d’un organisateur."
    )


async def test_a_quiet_week_leaves_the_paragraph_out(app: App, clock: Clock) -> None:
    assert await handoff_digest(app.services, clock() - timedelta(days=7), clock(), "en") is None


async def test_the_app_plugs_it_into_the_digest(app: App) -> None:
    assert handoff_digest in app.services.digest_sections
