"""A 👎 in a Telegram group: the "Ask an organiser" offer reaches the member who voted, not the group.

Telegram has no message that only one member of a group sees (Slack's ephemeral): the toast of the
button press carries the thanks, and the offer, which needs its button, goes to the member's private
chat with the bot — or, when Telegram refuses that (the member never started the bot), to the group
as a reply addressed to them by a mention. Run against the fake Bot API.
"""

from __future__ import annotations

from bot.app import App
from tests.scenarios.driver import Sent, button, question_in
from tests.scenarios.telegram_driver import TelegramDriver

DECLINED = "How many members did ESER have in 2012?"


async def vote_down_in_group(driver: TelegramDriver) -> list[Sent]:
    sent = await driver.mention_in_group("ana", DECLINED)
    [answer] = [m for m in sent if any(b.payload.startswith("fb:") for b in m.buttons)]
    down = next(b for b in answer.buttons if b.payload.endswith(":down"))
    return await driver.click("ana", answer, down)


async def test_the_offer_goes_to_the_members_private_chat(driver: TelegramDriver, app: App) -> None:
    await app.services.organisers.store.grant("telegram", "4242", granted_by="test", now=app.services.clock())
    clicked = await vote_down_in_group(driver)
    [thanks] = [m for m in clicked if m.ephemeral]
    assert "Thanks" in thanks.text
    assert not [m for m in clicked if m.chat == driver.group_chat and not m.ephemeral]  # nothing for all
    [offer] = [m for m in clicked if m.chat == driver.direct_chat("ana")]
    [ask] = offer.buttons
    assert ask.payload.startswith("ho:ask:") and not offer.in_thread

    # Pressed in the private chat, it hands over the question asked in the group; the organiser's
    # answer will go back to the group, under the bot's answer.
    context = question_in(await driver.click("ana", offer, ask), "gc:")
    await driver.click("ana", context, button(context, "send"))
    [handoff] = await app.services.handoffs.listed()
    assert handoff.question == DECLINED
    assert handoff.chat_id == driver.group_chat and handoff.thread_id is not None


async def test_a_member_the_bot_cannot_write_to_gets_it_in_the_group_addressed_to_them(
    driver: TelegramDriver,
) -> None:
    ana = driver.user_id("ana")
    driver.server.refuse(ana, 403, "Forbidden: bot can't initiate conversation with a user")
    clicked = await vote_down_in_group(driver)
    [offer] = [m for m in clicked if not m.ephemeral]
    assert offer.chat == driver.group_chat and offer.in_thread  # under the answer voted down
    assert offer.text.startswith(f"Member {ana}, ")
    assert (f"Member {ana}", f"tg://user?id={ana}") in offer.links  # a mention: Telegram notifies her
    assert [b.payload.rsplit(":", 1)[0] for b in offer.buttons] == ["ho:ask"]
