"""Onboarding end to end on both platforms: the real adapters against their fake servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
import pytest_asyncio

from bot.app import App
from bot.jobs import run_onboarding_sweep
from tests.conftest import Clock
from tests.scenarios.driver import PlatformDriver, button, question_in
from tests.scenarios.slack_driver import slack_driver
from tests.scenarios.telegram_driver import TelegramDriver, telegram_driver

SIGNUP = "https://events.example.org/eser-network-meeting-2027/register"
DRIVERS: dict[str, Callable[[App], AbstractAsyncContextManager[PlatformDriver]]] = {
    "telegram": telegram_driver,
    "slack": slack_driver,
}


@pytest_asyncio.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, app: App) -> AsyncIterator[PlatformDriver]:
    async with DRIVERS[request.param](app) as started:
        yield started


async def test_complete_flow_with_buttons(driver: PlatformDriver, app: App) -> None:
    sent = await driver.command("ana", "start")
    assert any("Welcome to ESER Assistant" in m.text for m in sent)
    question = question_in(sent, "gc:onboarding:")
    assert "English" in question.text and all(len((b.data or "").encode()) <= 64 for b in question.buttons)
    question = question_in(await driver.click("ana", question, button(question, "en")), "gc:onboarding:")
    question = question_in(
        await driver.click("ana", question, button(question, "public-authority")), "gc:onboarding:"
    )
    question = question_in(await driver.direct_message("ana", "Belgique"), "gc:onboarding:")
    assert "Belgium" in question.text
    question = question_in(await driver.direct_message("ana", "Liège"), "gc:onboarding:")
    question = question_in(await driver.click("ana", question, button(question, "funding")), "gc:onboarding:")
    assert "✓ EU funding" in [b.label for b in question.buttons]  # the options are on the buttons only
    question = question_in(await driver.click("ana", question, button(question, "events")), "gc:onboarding:")
    question = question_in(await driver.click("ana", question, button(question, "!done")), "gc:onboarding:")
    assert "Liège (Belgium)" in question.text
    kit = await driver.click("ana", question, button(question, "yes"))

    texts = "\n".join(m.text for m in kit)
    assert "Thank you, your profile is saved" in texts and "expression of interest" in texts.lower()
    assert "TEST-2027-CLUSTERS" in texts and "network meeting 2027" in texts
    assert SIGNUP in [b.url for m in kit for b in m.buttons]
    cited = [m for m in kit if "[1]" in m.text]
    assert len(cited) >= 3 and all(m.links for m in cited)  # every section links its own sources
    assert "/profile" in kit[-1].text or "/eser profile" in kit[-1].text
    subscriptions = await app.services.profiles.subscriptions(driver.platform, _user_id(driver, "ana"))
    assert [s.topic for s in subscriptions] == ["events", "funding"]


async def test_complete_flow_with_typed_answers_in_polish(driver: PlatformDriver, app: App) -> None:
    driver.languages["ola"] = "pl"  # type: ignore[attr-defined]
    question = question_in(await driver.command("ola", "start"), "gc:onboarding:")
    assert "✓ Polski" in [b.label for b in question.buttons] and "Naciśnij" in question.text  # from the app
    question = question_in(
        await driver.direct_message("ola", "pomiń"), "gc:onboarding:"
    )  # keep the preselected Polish
    question = question_in(await driver.direct_message("ola", "spółdzielnia"), "gc:onboarding:")
    question = question_in(await driver.direct_message("ola", "Polska"), "gc:onboarding:")
    suggestion = question_in(await driver.direct_message("ola", "Mazowiekie"), "gc:onboarding:")
    labels = " ".join(b.label for b in suggestion.buttons).lower()
    assert "mazowieckie" in labels and button(suggestion, "PL-14")
    question = question_in(await driver.direct_message("ola", "1"), "gc:onboarding:")
    question = question_in(await driver.direct_message("ola", "finansowanie i wydarzenia"), "gc:onboarding:")
    assert "Finansowanie z UE, Wydarzenia" in question.text
    kit = await driver.direct_message("ola", "tak")
    texts = "\n".join(m.text for m in kit)
    assert "Dziękuję, Twój profil jest zapisany" in texts and "webinar" in texts.lower()
    assert "TEST-2027-CLUSTERS" not in texts and "network meeting 2027" not in texts
    profile = await app.services.profiles.get(driver.platform, _user_id(driver, "ola"))
    assert profile is not None and (profile.language, profile.region) == ("pl", "PL-14")


async def test_back_and_cancel_then_resume(driver: PlatformDriver) -> None:
    question = question_in(await driver.command("bob", "start"), "gc:onboarding:")
    question = question_in(await driver.click("bob", question, button(question, "en")), "gc:onboarding:")
    question = question_in(await driver.click("bob", question, button(question, "!back")), "gc:onboarding:")
    assert "English" in question.text and "!back" not in [b.payload.split(":")[-1] for b in question.buttons]
    question = question_in(await driver.direct_message("bob", "skip"), "gc:onboarding:")
    [stopped] = await driver.direct_message("bob", "cancel")
    assert "start" in stopped.text and not stopped.buttons
    offer = question_in(await driver.command("bob", "start"), "gc:onboarding:")
    question = question_in(await driver.click("bob", offer, button(offer, "resume")), "gc:onboarding:")
    assert "organisation" in question.text


async def test_an_idle_flow_is_paused_with_a_message_through_the_platform(
    driver: PlatformDriver, app: App, clock: Clock
) -> None:
    question = question_in(await driver.command("cy", "start"), "gc:onboarding:")
    await driver.click("cy", question, button(question, "de"))
    calls = _recorded_calls(driver)
    before = len(calls)
    clock.advance(minutes=31)
    assert await run_onboarding_sweep(app) == 1  # sent through the adapter's registered Sender
    [notice] = [sent for call in calls[before:] if (sent := driver.to_sent(call)) is not None]  # type: ignore[attr-defined]
    assert "pausiert" in notice.text and "start" in notice.text
    offer = question_in(await driver.direct_message("cy", "Hallo"), "gc:onboarding:")
    question = question_in(await driver.click("cy", offer, button(offer, "resume")), "gc:onboarding:")
    assert "Organisation" in question.text


async def test_slack_newcomer_is_welcomed_and_a_returning_member_is_not_restarted(app: App) -> None:
    async with slack_driver(app) as driver:
        driver.languages["nina"] = "es"
        user = driver.user_id("nina")
        sent = await driver.deliver(
            driver.slack.event({"type": "team_join", "user": {"id": user, "name": "nina"}})
        )
        assert {m.chat for m in sent} == {driver.dm("nina")}
        assert any("Bienvenido/a a ESER Assistant" in m.text for m in sent)
        question = question_in(sent, "gc:onboarding:")
        for value in ("es", "other", "!skip", "!done", "no"):
            sent = await driver.click("nina", question, button(question, value))
            if value != "no":
                question = question_in(sent, "gc:onboarding:")
        joined = await driver.deliver(
            driver.slack.event({"type": "member_joined_channel", "user": user, "channel": "CGENERAL"})
        )
        [welcome_back] = joined
        assert "perfil" in welcome_back.text and [b.payload for b in welcome_back.buttons] == [
            "gc:onboarding:*:restart"
        ]


def _user_id(driver: PlatformDriver, user: str) -> str:
    return str(driver.user_id(user))  # type: ignore[attr-defined]


def _recorded_calls(driver: PlatformDriver) -> list[Any]:
    """The fake server's call log (each driver turns a call into a ``Sent``)."""
    fake = driver.server if isinstance(driver, TelegramDriver) else driver.fake  # type: ignore[attr-defined]
    return fake.calls
