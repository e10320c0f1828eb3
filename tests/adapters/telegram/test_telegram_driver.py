"""Scenario-style smoke tests of ``TelegramDriver`` (the shared scenario table's Telegram side)."""

from __future__ import annotations

import re

from bot.app import App
from tests.scenarios.driver import PlatformDriver
from tests.scenarios.telegram_driver import TelegramDriver

SIGNUP = "https://events.example.org/eser-network-meeting-2027/register"


def conforms(driver: PlatformDriver) -> PlatformDriver:
    return driver


async def test_dm_question_gets_cited_answer_with_source_links_and_feedback(driver: TelegramDriver) -> None:
    conforms(driver)  # mypy checks the protocol here
    [answer] = await driver.direct_message("ana", "Can a cooperative become a member of ESER?")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text.split("Sources")[0])}
    numbered = {int(n) for n in re.findall(r"^\[(\d+)\] ", answer.text, re.MULTILINE)}
    assert markers and markers <= numbered
    assert len(answer.links) == len(numbered) and all(url.startswith("https://") for _, url in answer.links)
    assert [button.label for button in answer.buttons if button.data] == ["👍 Helpful", "👎 Not helpful"]
    assert answer.chat == str(driver.user_id("ana")) and not answer.ephemeral


async def test_events_command_offers_the_signup_link(driver: TelegramDriver) -> None:
    sent = await driver.command("ben", "events")
    assert SIGNUP in [button.url for message in sent for button in message.buttons]


async def test_thumbs_up_gets_an_ephemeral_thanks(driver: TelegramDriver, app: App) -> None:
    [answer] = await driver.direct_message("ana", "What is the Social Economy Action Plan?")
    [thanks] = await driver.click("ana", answer, answer.buttons[-2])
    assert thanks.ephemeral and thanks.chat == answer.chat
    assert thanks.text == app.services.catalogue.text("feedback.thanks_up", "en")


async def test_group_needs_a_mention_and_the_answer_goes_in_thread(driver: TelegramDriver) -> None:
    assert await driver.group_message("ana", "Who can join ESER?") == []
    [answer] = await driver.mention_in_group("ana", "Who can join ESER?")
    assert answer.in_thread and answer.links


async def test_member_language_is_used(driver: TelegramDriver, app: App) -> None:
    driver.languages["chloe"] = "fr"
    [help_text] = await driver.command("chloe", "help")
    assert help_text.text == app.services.catalogue.text("help.text", "fr", cmd="/")
