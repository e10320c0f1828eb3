"""``TelegramSender``: sends on the bot's own initiative and maps Bot API errors to ``DeliveryError``s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot

from adapters.telegram.render import MESSAGE_LIMIT
from adapters.telegram.sender import TelegramSender
from bot.delivery import (
    ChatMigrated,
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    RecipientGone,
    TransientDeliveryError,
)
from bot.i18n import Catalogue
from bot.models import Button, Reply, Target
from tests.fakes.telegram_server import FakeTelegramServer

TARGET = Target(platform="telegram", chat_id="4242")


@pytest_asyncio.fixture
async def sender(telegram_server: FakeTelegramServer, catalogue: Catalogue) -> AsyncIterator[TelegramSender]:
    async with Bot(telegram_server.token, base_url=telegram_server.base_url) as bot:
        yield TelegramSender(bot, catalogue)


async def test_send_returns_where_the_message_landed(
    sender: TelegramSender, telegram_server: FakeTelegramServer
) -> None:
    sent = await sender.send(TARGET, Reply(text="A new ESER event is open for sign-up"))
    [call] = telegram_server.calls_to("sendMessage")
    assert sent.target == TARGET and sent.message_id == str(call.result["message_id"])
    assert call.params["text"] == "A new ESER event is open for sign-up"


async def test_long_broadcast_is_split_with_buttons_on_the_last_part(
    sender: TelegramSender, telegram_server: FakeTelegramServer
) -> None:
    text = "\n\n".join(f"Item {i}. " + "An update for the regions of the network. " * 20 for i in range(12))
    signup = Button(label="Sign up", url="https://events.example.org/eser-network-meeting-2027/register")
    sent = await sender.send(TARGET, Reply(text=text, buttons=[[signup]]))
    calls = telegram_server.calls_to("sendMessage")
    assert len(calls) >= 2 and all(len(call.params["text"]) <= MESSAGE_LIMIT for call in calls)
    assert ["reply_markup" in call.params for call in calls] == [False] * (len(calls) - 1) + [True]
    assert calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["url"] == signup.url
    assert sent.message_id == str(calls[0].result["message_id"])


@pytest.mark.parametrize(
    ("status", "description", "parameters", "expected"),
    [
        (403, "Forbidden: bot was blocked by the user", None, RecipientGone),
        (403, "Forbidden: bot was kicked from the supergroup chat", None, RecipientGone),
        (400, "Bad Request: chat not found", None, RecipientGone),
        (400, "Bad Request: message is too long", None, PermanentDeliveryError),
        (500, "Internal Server Error", None, TransientDeliveryError),
        (502, "Bad Gateway", None, TransientDeliveryError),
    ],
)
async def test_errors_are_mapped(
    sender: TelegramSender,
    telegram_server: FakeTelegramServer,
    status: int,
    description: str,
    parameters: dict[str, Any] | None,
    expected: type[DeliveryError],
) -> None:
    telegram_server.fail("sendMessage", status, description, parameters=parameters, times=2)
    with pytest.raises(expected):
        await sender.send(TARGET, Reply(text="Reminder: the network meeting is tomorrow"))
    # No retry here; a message Telegram refused as such is tried once more as plain text.
    tries = 2 if expected is PermanentDeliveryError else 1
    assert len(telegram_server.calls_to("sendMessage", ok_only=False)) == tries


async def test_rate_limit_carries_retry_after(
    sender: TelegramSender, telegram_server: FakeTelegramServer
) -> None:
    telegram_server.rate_limit("sendMessage", retry_after=17)
    with pytest.raises(RateLimited) as caught:
        await sender.send(TARGET, Reply(text="Reminder"))
    assert caught.value.retry_after == 17.0


async def test_migrated_group_gives_the_new_chat_id(
    sender: TelegramSender, telegram_server: FakeTelegramServer
) -> None:
    telegram_server.fail(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": -1009876543210},
    )
    with pytest.raises(ChatMigrated) as caught:
        await sender.send(Target(platform="telegram", chat_id="-4242"), Reply(text="Reminder"))
    assert caught.value.new_chat_id == "-1009876543210"


async def test_parse_error_still_delivers_plain_text(
    sender: TelegramSender, telegram_server: FakeTelegramServer
) -> None:
    telegram_server.parse_error()
    await sender.send(TARGET, Reply(text="Cities & regions"))
    [call] = telegram_server.calls_to("sendMessage")
    assert call.params["text"] == "Cities & regions" and "parse_mode" not in call.params


async def test_other_platform_target_is_refused(sender: TelegramSender) -> None:
    with pytest.raises(PermanentDeliveryError):
        await sender.send(Target(platform="slack", chat_id="C1"), Reply(text="x"))
