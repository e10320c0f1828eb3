"""Updates through the inbox: recorded before Telegram is told, answered once, answered after a
restart when a killed process left them, scoped by bot — with real python-telegram-bot against the
fake Bot API."""

from __future__ import annotations

import json

from sqlalchemy import select

from adapters.telegram.translate import event_id
from bot.app import App
from bot.store.answers import AnswerRow
from bot.store.inbox import DONE, InboxRow
from bot.store.profiles import SubscriptionRow
from tests.conftest import Clock
from tests.fakes.telegram_server import BOT_ID, FakeTelegramServer
from tests.scenarios.driver import SentButton
from tests.scenarios.telegram_driver import TelegramDriver, telegram_driver

QUESTION = "Can a cooperative become a member of ESER?"


async def _row(app: App, key: str) -> InboxRow | None:
    async with app.services.sessions() as session:
        return await session.get(InboxRow, key)


async def test_an_update_is_recorded_and_marked_done_once_answered(driver: TelegramDriver, app: App) -> None:
    update = driver.server.updates.private_message(driver.user_id("ana"), QUESTION)
    [answer] = await driver.deliver(update)
    row = await _row(app, event_id(update["update_id"], BOT_ID))
    assert answer.links and row is not None and row.state == DONE and row.payload == ""


async def test_an_update_left_by_a_killed_process_is_answered_once_after_the_restart(
    app: App, clock: Clock
) -> None:
    async with telegram_driver(app) as driver:
        update = driver.server.updates.private_message(driver.user_id("ana"), QUESTION)
        # What a process killed mid-answer leaves: the update recorded, its hold soon over, no reply;
        # Telegram considers it delivered (it was confirmed), so it will not come again.
        key = event_id(update["update_id"], BOT_ID)
        await app.inbox.store.admit(
            key,
            platform="telegram",
            user_id="5001",
            payload=json.dumps(update),
            now=clock(),
            hold_until=clock(),
        )
        clock.advance(seconds=1)
        assert await app.inbox.tick() == 1
        await driver.handled.wait(update["update_id"])
        assert len(driver.server.calls_to("sendMessage")) == 1
        clock.advance(minutes=5)
        assert await app.inbox.tick() == 0
        assert (await _row(app, key)).state == DONE  # type: ignore[union-attr]
        # Telegram sends it once more all the same: still one answer.
        await driver.deliver(update)
        assert len(driver.server.calls_to("sendMessage")) == 1


async def test_update_ids_of_another_bot_are_not_taken_for_repeats(app: App) -> None:
    async with telegram_driver(app) as first:
        update = first.server.updates.private_message(first.user_id("ana"), "/help")
        assert await first.deliver(update)
    # A new bot (new token, new id) on the same database starts counting update ids again.
    other = FakeTelegramServer("987654321:AAHanotherTOKENforTESTSonly-0123456789", bot_id=987654321)
    async with telegram_driver(app, server=other) as second:
        again = second.server.updates.private_message(second.user_id("ana"), "/help")
        assert again["update_id"] == update["update_id"]
        assert await second.deliver(again)


async def test_text_with_nul_and_lone_surrogates_is_answered(driver: TelegramDriver) -> None:
    [answer] = await driver.direct_message("ana", "Can a cooperative\x00 become a member of ESER?\udcff")
    assert answer.links and "public authorit" in answer.text.lower()


async def test_a_forged_subscription_button_stores_nothing(driver: TelegramDriver, app: App) -> None:
    [answer] = await driver.direct_message("ana", QUESTION)
    forged = SentButton(label="x", data="sub:ok:a:XX-<b>evil</b>")
    [toast] = await driver.click("ana", answer, forged)
    assert toast.ephemeral and "no longer works" in toast.text
    async with app.services.sessions() as session:
        assert (await session.scalars(select(SubscriptionRow))).all() == []


async def test_a_forget_confirmation_pressed_in_a_group_erases_nothing(
    driver: TelegramDriver, app: App
) -> None:
    member = driver.user_id("ana")
    await driver.direct_message("ana", QUESTION)  # something stored about her
    [confirm] = await driver.command("ana", "forget")
    yes = next(button for button in confirm.buttons if button.payload == "pv:forget:yes")
    # The genuine button's payload, pressed on one of the bot's messages in a group.
    group_message = driver.server.updates.group_message(member, "hello")["message"]
    group_message["from"] = driver.server.bot_user
    in_group = driver.server.updates.callback_query(member, yes.data or "", message=group_message)
    before = len(driver.server.calls_to("sendMessage"))
    sent = await driver.deliver(in_group)
    assert [s.ephemeral for s in sent] == [True] and "private" in sent[0].text.lower()
    assert len(driver.server.calls_to("sendMessage")) == before  # nothing said in the group
    async with app.services.sessions() as session:
        assert (await session.scalars(select(AnswerRow).where(AnswerRow.user_id == str(member)))).all()
