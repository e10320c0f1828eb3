"""Scenario-style smoke tests of ``SlackDriver`` (the shared scenario table's Slack side)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest_asyncio

from bot.app import App
from tests.scenarios.driver import PlatformDriver, Sent
from tests.scenarios.slack_driver import SlackDriver, slack_driver

SIGNUP = "https://events.example.org/eser-network-meeting-2027/register"


@pytest_asyncio.fixture
async def driver(app: App) -> AsyncIterator[SlackDriver]:
    async with slack_driver(app) as started:
        yield started


def conforms(driver: PlatformDriver) -> PlatformDriver:
    return driver


def the_answer(sent: list[Sent]) -> Sent:
    """The cited answer among what was sent (a first DM on Slack also brings the onboarding offer)."""
    [answer] = [message for message in sent if any((b.data or "").startswith("fb:") for b in message.buttons)]
    return answer


async def test_dm_question_gets_cited_answer_with_source_links_and_feedback(driver: SlackDriver) -> None:
    conforms(driver)  # mypy checks the protocol here
    answer = the_answer(await driver.direct_message("ana", "Can a cooperative become a member of ESER?"))
    body, _, sources = answer.text.partition("\nSources\n")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    numbered = {int(n) for n in re.findall(r"^\[(\d+)\] ", sources, re.MULTILINE)}
    assert markers and markers <= numbered
    assert [label[: label.index("]") + 1] for label, _ in answer.links] == [
        f"[{n}]" for n in sorted(numbered)
    ]
    assert all(url.startswith("https://") for _, url in answer.links)
    assert [button.label for button in answer.buttons if button.data] == ["👍 Helpful", "👎 Not helpful"]
    assert answer.chat == driver.dm("ana") and not answer.ephemeral and not answer.in_thread


async def test_events_command_offers_the_signup_link_and_the_calendar(driver: SlackDriver) -> None:
    sent = await driver.command("ben", "events")
    assert SIGNUP in [button.url for message in sent for button in message.buttons]
    [calendar] = [message for message in sent if message.raw.get("filename")]
    assert calendar.chat == driver.dm("ben") and bytes(calendar.raw["content"]).startswith(b"BEGIN:VCALENDAR")  # type: ignore[call-overload]
    assert driver.last_ack is not None and "Looking that up" in driver.last_ack.body


async def test_thumbs_up_gets_an_ephemeral_thanks(driver: SlackDriver, app: App) -> None:
    answer = the_answer(await driver.direct_message("ana", "What is the Social Economy Action Plan?"))
    [thanks] = await driver.click("ana", answer, answer.buttons[-2])
    assert thanks.ephemeral and thanks.chat == answer.chat
    assert thanks.text == app.services.catalogue.text("feedback.thanks_up", "en")


async def test_group_needs_a_mention_and_the_answer_goes_in_thread(driver: SlackDriver) -> None:
    assert await driver.group_message("ana", "Who can join ESER?") == []
    [answer] = await driver.mention_in_group("ana", "Who can join ESER?")
    assert answer.in_thread and answer.links and answer.chat == "CESERGROUP"
    [follow_up] = await driver.group_message("ana", "And NGOs?", thread_ts=str(answer.raw["thread_ts"]))
    assert follow_up.in_thread and follow_up.raw["thread_ts"] == answer.raw["thread_ts"]


async def test_member_language_is_used(driver: SlackDriver, app: App) -> None:
    driver.languages["chloe"] = "fr"
    [help_text] = await driver.command("chloe", "help")
    assert help_text.text == app.services.catalogue.text("help.text", "fr", cmd="/eser ")
