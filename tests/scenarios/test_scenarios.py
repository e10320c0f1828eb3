"""One table of scenarios, run unchanged against the Telegram and the Slack adapters.

Each scenario drives the real adapter (python-telegram-bot / slack-bolt) against its fake platform
server through a ``PlatformDriver`` and checks what a member would see.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.app import App
from bot.models import command_prefix
from bot.store.answers import VoteRow
from tests.scenarios import subscription_steps as subs
from tests.scenarios.driver import PlatformDriver, Sent, SentButton
from tests.scenarios.slack_driver import slack_driver
from tests.scenarios.telegram_driver import telegram_driver

SIGNUP = "https://events.example.org/eser-network-meeting-2027/register"
DRIVERS: dict[str, Callable[[App], AbstractAsyncContextManager[PlatformDriver]]] = {
    "telegram": telegram_driver,  # type: ignore[dict-item]
    "slack": slack_driver,  # type: ignore[dict-item]
}


@pytest_asyncio.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, app: App) -> AsyncIterator[PlatformDriver]:
    async with DRIVERS[request.param](app) as started:
        yield started


def answer_in(sent: list[Sent]) -> Sent:
    """The answer among what was sent: the message carrying the 👍/👎 buttons (a first DM may also
    bring the onboarding offer)."""
    answers = [message for message in sent if any((b.data or "").startswith("fb:") for b in message.buttons)]
    assert len(answers) == 1, [message.text[:80] for message in sent]
    return answers[0]


def cited_numbers(message: Sent) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", message.text)}


@dataclass(frozen=True)
class Scenario:
    """A member's action and what must be true of the bot's reply."""

    name: str
    act: Callable[[PlatformDriver], Awaitable[list[Sent]]]
    check: Callable[[list[Sent]], None]


def _cited_answer(words: tuple[str, ...]) -> Callable[[list[Sent]], None]:
    """An answer (not a decline): ``[n]`` markers in its body, numbered 1..k without gaps, one source
    link per number, and the given words (in the member's language for non-English scenarios)."""

    def check(sent: list[Sent]) -> None:
        answer = answer_in(sent)
        assert all(word in answer.text for word in words), answer.text
        numbers = cited_numbers(answer)
        linked = {url for _, url in answer.links if url.startswith("https://")}
        assert numbers, f"no [n] marker: a decline is not an answer: {answer.text}"
        assert numbers == set(range(1, len(numbers) + 1)) and len(linked) >= len(numbers)

    return check


def _signup(sent: list[Sent]) -> None:
    answer = answer_in(sent)
    assert SIGNUP in [button.url for button in answer.buttons]
    assert "2018" not in answer.text  # past events are never upcoming


def _help(sent: list[Sent]) -> None:
    [message] = sent
    assert "events" in message.text and "funding" in message.text and "feedback" in message.text


def _help_in(words: str) -> Callable[[list[Sent]], None]:
    def check(sent: list[Sent]) -> None:
        # A first direct message on Slack may also bring the onboarding offer.
        helps = [message for message in sent if "feedback" in message.text]
        assert len(helps) == 1 and words in helps[0].text, [message.text[:80] for message in sent]

    return check


def _declined(words: str) -> Callable[[list[Sent]], None]:
    """A decline: no source cited, and its own reply (in the member's language)."""

    def check(sent: list[Sent]) -> None:
        answer = answer_in(sent)
        assert words in answer.text, answer.text
        assert not cited_numbers(answer) and not [url for _, url in answer.links if "europa.eu/" in url]

    return check


def _threaded(sent: list[Sent]) -> None:
    answer = answer_in(sent)
    assert answer.in_thread and cited_numbers(answer)


def _silent(sent: list[Sent]) -> None:
    assert sent == []


async def _press_a_forged_button(driver: PlatformDriver) -> list[Sent]:
    answer = answer_in(await driver.direct_message("ivy", "What is the Social Economy Gateway?"))
    return await driver.click("ivy", answer, SentButton(label="x", data="sub:ok:a:XX-<b>evil</b>"))


def _refused_privately(sent: list[Sent]) -> None:
    [refusal] = sent
    assert refusal.ephemeral and "no longer works" in refusal.text


SCENARIOS = [
    Scenario(
        "question in a private chat gets a cited answer",
        lambda d: d.direct_message("ana", "Can a cooperative become a member of ESER?"),
        _cited_answer(("public authorities",)),
    ),
    Scenario(
        "a French question is answered in French",
        lambda d: d.direct_message(
            "chloe", "Notre coopérative peut-elle adhérer directement au réseau ESER ?"
        ),
        _cited_answer(("autorités publiques",)),
    ),
    Scenario(
        "a Polish question is answered in Polish",
        lambda d: d.direct_message("piotr", "Czym jest ESER?"),
        _cited_answer(("inicjatywa Komisji Europejskiej",)),
    ),
    Scenario(
        "a question in a language the bot does not speak gets English and why",
        lambda d: d.direct_message("joao", "Como posso aderir ao ESER?"),
        _cited_answer(("I answer in English, French, German, Spanish, Italian and Polish",)),
    ),
    Scenario(
        "the Mannheim trap",
        lambda d: d.direct_message("dan", "Did the Mannheim summit take place in 2020?"),
        _cited_answer(("2021",)),
    ),
    Scenario("events command offers sign-up buttons", lambda d: d.command("ben", "events"), _signup),
    Scenario("help command", lambda d: d.command("ben", "help"), _help),
    Scenario(
        "help typed as a bare word in French", lambda d: d.mention_in_group("ben", "aide"), _help_in("Voici")
    ),
    Scenario(
        "an unrelated question is declined honestly",
        lambda d: d.direct_message("eve", "What will the weather be like in Naples tomorrow?"),
        _declined("I can only help with"),
    ),
    Scenario(
        "a fact the knowledge base lacks is declined with where to ask, in German",
        lambda d: d.direct_message("gerd", "Wie viele Mitglieder hatte ESER im Jahr 2012?"),
        _declined("social-economy-gateway.ec.europa.eu"),
    ),
    Scenario(
        "a password is never taken, and the member is warned in Polish",
        lambda d: d.direct_message("ola", "Nasze hasło do EU Login to Lato2026! Złóżcie wniosek za nas."),
        _declined("nigdy nie udostępniać haseł"),
    ),
    Scenario(
        "a mention in a group is answered in the thread",
        lambda d: d.mention_in_group("fay", "What is the Social Economy Action Plan?"),
        _threaded,
    ),
    Scenario(
        "a group message without a mention is left alone",
        lambda d: d.group_message("gus", "What is the Social Economy Action Plan?"),
        _silent,
    ),
    Scenario(
        "text with NUL and a lone surrogate is answered",
        lambda d: d.direct_message("joy", "Can a cooperative\x00 become a member of ESER?\udcff"),
        _cited_answer(("public authorities",)),
    ),
    Scenario("a button the bot did not make is refused", _press_a_forged_button, _refused_privately),
    Scenario(
        "a member subscribes by topic and place, lists and unsubscribes",
        subs.subscribe_list_unsubscribe,
        subs.subscribed_listed_unsubscribed,
    ),
    Scenario(
        "subscribe with topic buttons and Done", subs.pick_topics_with_buttons, subs.picked_with_buttons
    ),
    Scenario(
        "a channel manager subscribes the channel",
        subs.manager_subscribes_the_channel,
        subs.channel_subscribed,
    ),
    Scenario(
        "a member cannot subscribe the channel",
        subs.member_tries_to_subscribe_the_channel,
        subs.refused_to_a_member,
    ),
    Scenario(
        "an announcement's unsubscribe button in a direct chat",
        subs.one_tap_in_a_direct_chat,
        subs.unsubscribed_in_one_tap,
    ),
    Scenario(
        "an announcement's unsubscribe button in a channel",
        subs.one_tap_in_a_channel,
        subs.channel_unsubscribed_by_its_manager,
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_scenario(driver: PlatformDriver, scenario: Scenario) -> None:
    scenario.check(await scenario.act(driver))


async def test_feedback_click_is_stored_with_the_answer(driver: PlatformDriver, app: App) -> None:
    answer = answer_in(await driver.direct_message("hal", "What is the Social Economy Gateway?"))
    thumbs_down = next(button for button in answer.buttons if button.payload.endswith(":down"))
    clicked = await driver.click("hal", answer, thumbs_down)
    expected = app.services.catalogue.text("feedback.thanks_down", "en", cmd=command_prefix(driver.platform))
    [thanks] = [message for message in clicked if message.ephemeral]
    assert thanks.text == expected
    # A 👎 offers a person: the offer stays visible in the direct chat, with its one button.
    [offer] = [message for message in clicked if not message.ephemeral]
    assert [button.payload.rsplit(":", 1)[0] for button in offer.buttons] == ["ho:ask"]
    async with app.services.sessions() as session:
        votes = (await session.scalars(select(VoteRow))).all()
    assert [(vote.platform, vote.vote) for vote in votes] == [(driver.platform, -1)]


async def test_a_channel_subscription_belongs_to_the_channel(driver: PlatformDriver, app: App) -> None:
    driver.make_manager("pia")
    await driver.group_command("pia", "subscribe", "funding Poland")
    rows = await app.services.subscriptions.subscriptions(driver.platform, driver.group_chat)
    assert [(row.topic, row.kind, row.chat_id, row.country) for row in rows] == [
        ("funding", "channel", driver.group_chat, "PL")
    ]
