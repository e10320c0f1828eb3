"""The organisers' loop end to end on both platforms, through the real adapters and their fake servers:
a declined question handed to the organiser covering the member's country, answered in chat, the
answer back in the member's thread, kept as a card, published, and used for the next member."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
import pytest_asyncio

from bot.app import App
from tests.scenarios.driver import PlatformDriver, Sent, button, question_in
from tests.scenarios.slack_driver import slack_driver
from tests.scenarios.telegram_driver import telegram_driver

DRIVERS: dict[str, Callable[[App], AbstractAsyncContextManager[PlatformDriver]]] = {
    "telegram": telegram_driver,
    "slack": slack_driver,
}
DECLINED = "How many members did ESER have in 2012?"
OTHER_PHRASING = "In 2012, how many members did the ESER network have?"
ANSWER = "ESER did not exist yet in 2012: the first regions were named in 2018. Write to @channel!"


@pytest_asyncio.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, app: App) -> AsyncIterator[PlatformDriver]:
    async with DRIVERS[request.param](app) as started:
        yield started


def user_id(driver: PlatformDriver, user: str) -> str:
    return str(driver.user_id(user))  # type: ignore[attr-defined]


async def make_organiser(driver: PlatformDriver, app: App, user: str, regions: list[str]) -> None:
    await app.services.organisers.store.grant(
        driver.platform, user_id(driver, user), granted_by="test", now=app.services.clock()
    )
    await app.services.handoffs.set_regions(f"{driver.platform}:{user_id(driver, user)}", regions)


async def member_of(driver: PlatformDriver, app: App, user: str, country: str) -> None:
    await app.services.profiles.update(
        driver.platform,  # type: ignore[arg-type]
        user_id(driver, user),
        chat_id=driver.direct_chat(user),
        now=app.services.clock(),
        country=country,
        organisation_type="social-enterprise",
    )


def private(driver: PlatformDriver, user: str) -> set[str]:
    """The ids a member's private chat goes by: the bot writes to a Slack member by user id (Slack
    delivers it in the app's DM with them), answers them in the DM's own id."""
    return {driver.direct_chat(user), user_id(driver, user)}


def with_button(sent: list[Sent], prefix: str, chats: set[str] | None = None) -> Sent:
    """The one message (in one of ``chats``) carrying a button whose payload starts with ``prefix``."""
    found = [
        m
        for m in sent
        if (chats is None or m.chat in chats) and any(b.payload.startswith(prefix) for b in m.buttons)
    ]
    assert len(found) == 1, [(m.chat, m.text[:60]) for m in sent]
    return found[0]


def button_starting(message: Sent, prefix: str):  # type: ignore[no-untyped-def]
    return next(b for b in message.buttons if b.payload.startswith(prefix))


async def hand_over_declined_question(driver: PlatformDriver, app: App) -> tuple[list[Sent], Sent]:
    """Ana (Belgium) asks in the group, is declined, asks an organiser, sends it as it is."""
    declined = with_button(await driver.mention_in_group("ana", DECLINED), "fb:")
    assert declined.in_thread
    context = question_in(await driver.click("ana", declined, button_starting(declined, "ho:ask:")), "gc:")
    assert DECLINED in context.text
    handed = await driver.click("ana", context, button(context, "send"))
    confirmation = with_button(handed, "ho:withdraw:")
    assert "ESER organisers" in confirmation.text and "open" in confirmation.text
    return handed, confirmation


async def test_a_declined_question_goes_to_an_organiser_and_comes_back_as_a_card(
    driver: PlatformDriver, app: App
) -> None:
    await make_organiser(driver, app, "olga", ["BE"])
    await make_organiser(driver, app, "pierre", ["FR"])
    await member_of(driver, app, "ana", "BE")
    handed, _ = await hand_over_declined_question(driver, app)

    # The organiser covering Belgium gets it in her private chat; the one covering France does not.
    assert not [m for m in handed if m.chat in private(driver, "pierre")]
    handoff = with_button(handed, "ho:answer:", private(driver, "olga"))
    assert DECLINED in handoff.text and "BE" in handoff.text and "Social enterprise" in handoff.text
    assert {b.payload.split(":")[1] for b in handoff.buttons} == {"answer", "pass", "close"}

    # She answers in chat; Ana gets it in her thread, marked as from an organiser, defanged, 👍/👎.
    prompt = question_in(await driver.click("olga", handoff, button_starting(handoff, "ho:answer:")), "gc:")
    assert DECLINED in prompt.text
    answered = await driver.direct_message("olga", ANSWER)
    to_ana = with_button(answered, "fb:", {driver.group_chat})
    assert to_ana.in_thread and "An ESER organiser answered your question" in to_ana.text
    assert "the first regions were named in 2018" in to_ana.text
    assert "@channel" not in to_ana.text.replace("@\u200dchannel", "")
    keep = question_in(answered, "gc:handoff:")

    # She keeps it as a card without a source link, and publishes it.
    source = question_in(await driver.click("olga", keep, button(keep, "card")), "gc:")
    draft = with_button(await driver.click("olga", source, button(source, "!skip")), "ho:publish:")
    assert "Draft card organisers-" in draft.text
    [card] = await app.services.organiser_cards.listed("draft")
    assert card.questions == {"en": [DECLINED]} and "fr" in card.missing_languages
    published = await driver.click("olga", draft, button_starting(draft, "ho:publish:"))
    assert any("is published" in m.text and "ESER organisers, 2026-11-26" in m.text for m in published)

    # Ben asks the same in other words and gets the organisers' answer, cited with the date.
    sent = await driver.direct_message("ben", OTHER_PHRASING)
    answer = with_button(sent, "fb:")
    assert "the first regions were named in 2018" in answer.text and "[1]" in answer.text
    assert "ESER organisers, 2026-11-26" in answer.text or any(
        "ESER organisers, 2026-11-26" in label for label, _ in answer.links
    )
    handoffs = await app.services.handoffs.listed(("answered",))
    assert [h.card_id for h in handoffs] == [card.id]


async def test_a_member_withdraws_and_the_organiser_sees_it(driver: PlatformDriver, app: App) -> None:
    await make_organiser(driver, app, "olga", [])
    _, confirmation = await hand_over_declined_question(driver, app)
    withdrawn = await driver.click("ana", confirmation, button_starting(confirmation, "ho:withdraw:"))
    assert any("withdrew" in m.text and "withdrawn" in m.text for m in withdrawn)
    [handoff] = await app.services.handoffs.listed(("withdrawn",))
    listed = await driver.command("olga", "handoff")
    assert any("No member's question is waiting" in m.text for m in listed)
    assert handoff.state == "withdrawn"


async def test_not_for_us_passes_the_question_on(driver: PlatformDriver, app: App) -> None:
    await make_organiser(driver, app, "olga", ["BE"])
    await make_organiser(driver, app, "pierre", ["FR"])
    await member_of(driver, app, "ana", "BE")
    handed, _ = await hand_over_declined_question(driver, app)
    handoff = with_button(handed, "ho:pass:", private(driver, "olga"))
    passed = await driver.click("olga", handoff, button_starting(handoff, "ho:pass:"))
    assert any("Passed on to the other organisers" in m.text for m in passed)
    to_pierre = with_button(passed, "ho:answer:", private(driver, "pierre"))
    assert "Passed on by another organiser" in to_pierre.text and DECLINED in to_pierre.text


async def test_hand_offs_are_rate_limited(driver: PlatformDriver, app: App) -> None:
    await make_organiser(driver, app, "olga", [])
    for n in range(3):
        sent = await driver.command("ana", "human", f"Question number {n} about ESER funding?")
        assert any("went to the ESER organisers" in m.text for m in sent)
    refused = await driver.command("ana", "human", "One question too many?")
    assert any("already have 3 questions waiting" in m.text for m in refused)


async def test_a_colleague_is_told_and_their_answer_button_says_it_is_answered(
    driver: PlatformDriver, app: App
) -> None:
    await make_organiser(driver, app, "olga", ["BE"])
    await make_organiser(driver, app, "sara", [])  # covers every country: she gets it too
    await member_of(driver, app, "ana", "BE")
    await app.services.profiles.update(
        driver.platform,  # type: ignore[arg-type]
        user_id(driver, "sara"),
        chat_id=driver.direct_chat("sara"),
        now=app.services.clock(),
        language="de",
    )
    handed, _ = await hand_over_declined_question(driver, app)
    to_olga = with_button(handed, "ho:answer:", private(driver, "olga"))
    to_sara = with_button(handed, "ho:answer:", private(driver, "sara"))
    await driver.click("olga", to_olga, button_starting(to_olga, "ho:answer:"))
    answered = await driver.direct_message("olga", ANSWER)

    # Sara is told in her chat, in German, with the answer and nothing left to press.
    [told] = [m for m in answered if m.chat in private(driver, "sara")]
    assert "Jemand aus dem Organisationsteam hat diese Frage beantwortet" in told.text
    assert "the first regions were named in 2018" in told.text and not told.buttons
    # Her earlier message's Answer button now says so instead of starting a second answer.
    pressed = await driver.click("sara", to_sara, button_starting(to_sara, "ho:answer:"))
    assert any("Bereits beantwortet" in m.text for m in pressed)
    assert not any(b.payload.startswith("gc:") for m in pressed for b in m.buttons)
    [handoff] = await app.services.handoffs.listed(("answered",))
    assert handoff.answered_by.endswith(user_id(driver, "olga"))


async def test_a_member_lists_their_hand_offs_and_withdraws_an_open_one(
    driver: PlatformDriver, app: App
) -> None:
    await make_organiser(driver, app, "olga", [])
    assert any(
        "not asked the organisers anything yet" in m.text for m in await driver.command("ana", "handoffs")
    )
    await driver.command("ana", "human", "Is there EU money for a repair café?")
    await driver.command("ana", "human", "Who runs ESER in Wallonia?")
    first = next(h for h in await app.services.handoffs.listed() if "repair" in h.question)
    await app.services.handoffs.answer(
        first.id, organiser=f"{driver.platform}:{user_id(driver, 'olga')}", text="Try LIFE.", language="en"
    )

    listed = with_button(await driver.command("ana", "handoffs"), "ho:withdraw:")
    assert "1. “Who runs ESER in Wallonia?” — open" in listed.text  # the waiting one first
    assert "2. “Is there EU money for a repair café?” — answered" in listed.text
    assert "The answer: Try LIFE." in listed.text
    [withdraw] = listed.buttons  # the open one only
    assert withdraw.label == "Withdraw question 1"
    withdrawn = await driver.click("ana", listed, withdraw)
    assert any("withdrawn" in m.text for m in withdrawn)
    assert "— withdrawn" in (await driver.command("ana", "handoffs"))[-1].text

    # In a group the list is not shown: it is the member's own.
    in_group = await driver.group_command("ana", "handoffs")
    assert any("private chat" in m.text for m in in_group) and "Wallonia" not in in_group[-1].text
