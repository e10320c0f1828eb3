"""python-telegram-bot over aiohttp (``AiohttpRequest``) against the fake Bot API: forms and uploads
arrive as with httpx, and each failure is told apart — an answer that came too late may have been
delivered, a refused connection or a full pool proves the request was never sent."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from adapters.telegram.aiohttp_request import AiohttpRequest
from adapters.telegram.posting import may_have_arrived
from tests.fakes.telegram_server import FakeTelegramServer

CHAT = 4242


async def test_a_message_and_a_document_arrive_whole(telegram_server: FakeTelegramServer) -> None:
    async with Bot(telegram_server.token, base_url=telegram_server.base_url, request=AiohttpRequest()) as bot:
        sent = await bot.send_message(CHAT, "Grüße <b>ESER</b> & co", parse_mode="HTML")
        document = InputFile(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="eser-events.ics")
        await bot.send_document(CHAT, document, caption="Events")

    assert sent.text == "Grüße <b>ESER</b> & co"
    [message] = telegram_server.calls_to("sendMessage")
    assert message.params["text"] == "Grüße <b>ESER</b> & co" and message.params["parse_mode"] == "HTML"
    [upload] = telegram_server.calls_to("sendDocument")
    assert upload.files["document"].filename == "eser-events.ics"
    assert upload.files["document"].content == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert upload.params["caption"] == "Events"


async def test_an_answer_too_late_is_a_timeout_that_may_have_arrived(
    telegram_server: FakeTelegramServer,
) -> None:
    telegram_server.delays["sendMessage"] = 1.0
    request = AiohttpRequest(read_timeout=0.2)
    async with Bot(telegram_server.token, base_url=telegram_server.base_url, request=request) as bot:
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(CHAT, "late")

    assert may_have_arrived(caught.value)


async def test_a_refused_connection_was_never_sent() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = Bot("123:abc", base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest())
    await bot.request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(CHAT, "nobody there")
    finally:
        await bot.request.shutdown()

    assert "aiohttp.ClientConnectorError" in caught.value.message
    assert not may_have_arrived(caught.value)


async def test_no_free_connection_in_the_pool_was_never_sent(telegram_server: FakeTelegramServer) -> None:
    telegram_server.delays["sendMessage"] = 1.0
    request = AiohttpRequest(connection_pool_size=1, connect_timeout=0.1, pool_timeout=0.1)
    async with Bot(telegram_server.token, base_url=telegram_server.base_url, request=request) as bot:
        first = asyncio.create_task(bot.send_message(CHAT, "takes the only connection"))
        await telegram_server.wait_started("sendMessage")
        with pytest.raises(TimedOut) as caught:
            await bot.send_chat_action(CHAT, "typing")
        await first

    assert not may_have_arrived(caught.value)
    assert telegram_server.calls_to("sendChatAction", ok_only=False) == []
