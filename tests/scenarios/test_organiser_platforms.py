"""Organisers' dialogues end to end on both platforms: ``/newevent`` and ``/announce`` through the
real adapters against their fake servers (Telegram ``/newevent``, Slack ``/eser newevent``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.app import App
from bot.store.broadcasts import AnnouncementRow
from tests.scenarios.driver import PlatformDriver, button, question_in
from tests.scenarios.slack_driver import slack_driver
from tests.scenarios.telegram_driver import telegram_driver

DRIVERS: dict[str, Callable[[App], AbstractAsyncContextManager[PlatformDriver]]] = {
    "telegram": telegram_driver,
    "slack": slack_driver,
}
SIGNUP = "https://events.example.org/valencia-forum/register"


@pytest_asyncio.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, app: App) -> AsyncIterator[PlatformDriver]:
    async with DRIVERS[request.param](app) as started:
        yield started


async def make_organiser(driver: PlatformDriver, app: App, user: str) -> None:
    user_id = str(driver.user_id(user))  # type: ignore[attr-defined]
    await app.services.organisers.store.grant(
        driver.platform, user_id, granted_by="test", now=datetime.now(UTC)
    )


async def test_an_organiser_adds_an_event_in_chat(driver: PlatformDriver, app: App) -> None:
    await make_organiser(driver, app, "olga")
    question = question_in(await driver.command("olga", "newevent"), "gc:")
    assert "title" in question.text and all(len((b.data or "").encode()) <= 64 for b in question.buttons)
    question = question_in(await driver.direct_message("olga", "Valencia social economy forum"), "gc:")
    question = question_in(await driver.direct_message("olga", "2026-12-03 10:00-17:00 Europe/Madrid"), "gc:")
    question = question_in(await driver.direct_message("olga", "Palau de Congressos, Valencia"), "gc:")
    question = question_in(await driver.direct_message("olga", SIGNUP), "gc:")
    question = question_in(await driver.click("olga", question, button(question, "es")), "gc:")
    question = question_in(await driver.direct_message("olga", "Spain"), "gc:")
    question = question_in(await driver.click("olga", question, button(question, "events")), "gc:")
    preview = question_in(await driver.click("olga", question, button(question, "!done")), "gc:")
    assert "Valencia social economy forum" in preview.text and "(Europe/Madrid)" in preview.text
    assert SIGNUP in [b.url for b in preview.buttons]
    saved = await driver.click("olga", preview, button(preview, "save"))
    assert any("Saved as ev-" in m.text for m in saved)
    [event] = await app.services.events.list_stored()
    assert event.region == "ES" and event.signup_url == SIGNUP

    answer = await driver.direct_message("ana", "What's on in Spain next month?")
    texts = "\n".join(m.text for m in answer)
    assert "Valencia social economy forum" in texts
    assert SIGNUP in [b.url for m in answer for b in m.buttons]


async def test_an_organiser_announces_after_a_preview(driver: PlatformDriver, app: App) -> None:
    await make_organiser(driver, app, "olga")
    await app.services.subscriptions.subscribe(
        "telegram",
        "t1",
        chat_id="t1",
        topics=["events"],
        country=None,
        region=None,
        language="en",
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )
    question = question_in(await driver.command("olga", "announce"), "gc:")
    question = question_in(await driver.direct_message("olga", "The ESER network meets in March."), "gc:")
    question = question_in(await driver.click("olga", question, button(question, "none")), "gc:")
    question = question_in(await driver.click("olga", question, button(question, "any")), "gc:")
    question = question_in(await driver.click("olga", question, button(question, "EU")), "gc:")
    question = question_in(await driver.click("olga", question, button(question, "any")), "gc:")
    preview = question_in(await driver.click("olga", question, button(question, "now")), "gc:")
    assert "The ESER network meets in March." in preview.text
    assert "Telegram: 1 · Slack: 0 (1 in all)" in preview.text
    done = await driver.click("olga", preview, button(preview, "confirm"))
    assert any("confirmed" in m.text for m in done)
    async with app.services.sessions() as session:
        [row] = (await session.scalars(select(AnnouncementRow))).all()
    assert row.created_by.startswith(f"{driver.platform}:") and row.text == "The ESER network meets in March."


@pytest.mark.parametrize("command", ["newevent", "announce"])
async def test_a_member_who_is_not_an_organiser_is_refused(driver: PlatformDriver, command: str) -> None:
    [refusal] = await driver.command("ben", command)
    assert "Only ESER organisers" in refusal.text and not refusal.buttons
