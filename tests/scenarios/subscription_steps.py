"""Subscription scenarios of the shared table (``test_scenarios.SCENARIOS``): what a member or a
channel manager does (``act``) and what they must see (``check``), on either platform."""

from __future__ import annotations

from bot.models import Button, Reply
from tests.scenarios.driver import PlatformDriver, Sent, SentButton

ANNOUNCEMENT = Reply(
    text="The ESER network meeting opens registrations today.",
    buttons=[[Button(label="Unsubscribe", callback_data="unsub")]],
)


def button(sent: Sent, label: str) -> SentButton:
    """The button of ``sent`` whose label contains ``label``."""
    found = [item for item in sent.buttons if label in item.label]
    assert found, [item.label for item in sent.buttons]
    return found[0]


def texts(sent: list[Sent]) -> list[str]:
    return [message.text for message in sent]


async def subscribe_list_unsubscribe(driver: PlatformDriver) -> list[Sent]:
    """Subscribe by typing topics and a place, list, then stop everything."""
    sent = await driver.command("ivy", "subscribe", "funding events Bavaria")
    sent += await driver.command("ivy", "subscriptions")
    sent += await driver.command("ivy", "unsubscribe")
    sent += await driver.command("ivy", "subscriptions")
    return sent


def subscribed_listed_unsubscribed(sent: list[Sent]) -> None:
    done, listed, stopped, empty = texts(sent)
    assert "Subscribed" in done and "Events, EU funding" in done and "Bavaria (Germany)" in done
    assert "Events, EU funding" in listed and "Bavaria" in listed
    assert "no more announcements" in stopped
    assert "not subscribed" in empty


async def pick_topics_with_buttons(driver: PlatformDriver) -> list[Sent]:
    """``subscribe`` with nothing typed: tick a topic, then Done."""
    [picker] = await driver.command("jon", "subscribe")
    [ticked] = await driver.click("jon", picker, button(picker, "Skills"))
    return [picker, ticked, *await driver.click("jon", ticked, button(ticked, "Done"))]


def picked_with_buttons(sent: list[Sent]) -> None:
    picker, ticked, done = sent
    assert "Which topics" in picker.text and len(picker.buttons) == 7
    assert "✓ Skills and training" in [item.label for item in ticked.buttons]
    assert "Subscribed" in done.text and "Skills and training" in done.text


async def manager_subscribes_the_channel(driver: PlatformDriver) -> list[Sent]:
    driver.make_manager("kim")
    return await driver.group_command("kim", "subscribe", "events")


def channel_subscribed(sent: list[Sent]) -> None:
    [done] = sent
    assert "This channel is subscribed" in done.text and "Events" in done.text


async def member_tries_to_subscribe_the_channel(driver: PlatformDriver) -> list[Sent]:
    return await driver.group_command("lou", "subscribe", "events")


def refused_to_a_member(sent: list[Sent]) -> None:
    [refused] = sent
    assert "Only a manager of this channel" in refused.text


async def one_tap_in_a_direct_chat(driver: PlatformDriver) -> list[Sent]:
    """An announcement's unsubscribe button, pressed twice by a subscribed member."""
    await driver.command("max", "subscribe", "all")
    announcement = await driver.announce(driver.direct_chat("max"), ANNOUNCEMENT)
    first = await driver.click("max", announcement, button(announcement, "Unsubscribe"))
    return first + await driver.click("max", announcement, button(announcement, "Unsubscribe"))


def unsubscribed_in_one_tap(sent: list[Sent]) -> None:
    first, second = sent
    assert "no more announcements" in first.text and "subscribe" in first.text
    assert second.text == first.text


async def one_tap_in_a_channel(driver: PlatformDriver) -> list[Sent]:
    """The same button in a channel: a member is told privately; the manager unsubscribes it."""
    driver.make_manager("ned")
    await driver.group_command("ned", "subscribe", "all")
    announcement = await driver.announce(driver.group_chat, ANNOUNCEMENT)
    refused = await driver.click("ola", announcement, button(announcement, "Unsubscribe"))
    return refused + await driver.click("ned", announcement, button(announcement, "Unsubscribe"))


def channel_unsubscribed_by_its_manager(sent: list[Sent]) -> None:
    refused, done = sent
    assert refused.ephemeral and "Only a manager of this channel" in refused.text
    assert not done.ephemeral and "This channel will receive no more announcements" in done.text
