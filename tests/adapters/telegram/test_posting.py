"""``ReplyPoster`` and ``with_retries`` against the fake Bot API, through a real PTB ``Bot``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from adapters.telegram.aiohttp_request import AiohttpRequest
from adapters.telegram.posting import ReplyPoster, RetryPolicy, retry_after_seconds, with_retries
from bot.i18n import Catalogue
from bot.models import Attachment, Button, Reply
from knowledge.models import Citation
from tests.fakes.telegram_server import FakeTelegramServer

CHAT = "4242"
CITATION = Citation(n=1, title="ESER & you", url="https://example.org/eser", snippet="s")


@pytest_asyncio.fixture
async def bot(telegram_server: FakeTelegramServer) -> AsyncIterator[Bot]:
    # The product's transport (``TelegramRunner`` builds its bot on it).
    request = AiohttpRequest()
    async with Bot(telegram_server.token, base_url=telegram_server.base_url, request=request) as started:
        yield started


def poster(bot: Bot, catalogue: Catalogue, policy: RetryPolicy) -> ReplyPoster:
    return ReplyPoster(bot, catalogue, policy)


async def test_answer_goes_out_as_html_with_sources_in_its_language(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    reply = Reply(text="Oui [1]", citations=[CITATION], thread_id="12", language="de")
    [message] = await poster(bot, catalogue, fast_retry).post(CHAT, reply)
    [call] = telegram_server.calls_to("sendMessage")
    assert call.params["parse_mode"] == "HTML" and call.params["chat_id"] == CHAT
    assert f"<b>{catalogue.text('answer.sources', 'de')}</b>" in call.params["text"]
    assert call.params["reply_parameters"] == {"message_id": 12, "allow_sending_without_reply": True}
    assert message.message_id == call.result["message_id"]


async def test_rate_limit_is_waited_out_then_delivered(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    telegram_server.rate_limit("sendMessage", retry_after=0.3)
    await poster(bot, catalogue, fast_retry).post(CHAT, Reply(text="Hello"))
    limited, delivered = telegram_server.calls_to("sendMessage", ok_only=False)
    assert (limited.status, delivered.status) == (429, 200)
    assert delivered.at - limited.at >= 0.3


async def test_parse_error_falls_back_to_plain_text(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    telegram_server.parse_error()
    reply = Reply(
        text="Tom & Jerry [1]", citations=[CITATION], buttons=[[Button(label="👍", callback_data="fb:1:up")]]
    )
    await poster(bot, catalogue, fast_retry).post(CHAT, reply)
    rejected, delivered = telegram_server.calls_to("sendMessage", ok_only=False)
    assert rejected.status == 400 and rejected.params["parse_mode"] == "HTML"
    assert delivered.status == 200 and "parse_mode" not in delivered.params
    assert delivered.params["text"] == "Tom & Jerry [1]\n\nSources\n[1] ESER & you (https://example.org/eser)"
    assert delivered.params["reply_markup"] == rejected.params["reply_markup"]


async def test_server_errors_are_retried_with_backoff(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue
) -> None:
    telegram_server.fail("sendMessage", 500, "Internal Server Error", times=2)
    policy = RetryPolicy(attempts=3, backoff=0.1, rate_limit_waits=0)
    await poster(bot, catalogue, policy).post(CHAT, Reply(text="Hello"))
    calls = telegram_server.calls_to("sendMessage", ok_only=False)
    assert [call.status for call in calls] == [500, 500, 200]
    assert calls[1].at - calls[0].at >= 0.1 and calls[2].at - calls[1].at >= 0.2  # doubled


async def test_retries_give_up_after_the_policy(bot: Bot, telegram_server: FakeTelegramServer) -> None:
    telegram_server.fail("sendMessage", 502, "Bad Gateway", times=5)
    with pytest.raises(NetworkError):
        await with_retries(
            lambda: bot.send_message(CHAT, "x"), RetryPolicy(attempts=2, backoff=0.01), what="test"
        )
    assert len(telegram_server.calls_to("sendMessage", ok_only=False)) == 2


async def test_bad_request_is_not_retried(bot: Bot, telegram_server: FakeTelegramServer) -> None:
    telegram_server.fail("sendMessage", 400, "Bad Request: message text is empty")
    with pytest.raises(BadRequest):
        await with_retries(
            lambda: bot.send_message(CHAT, "x"), RetryPolicy(attempts=4, backoff=0.01), what="t"
        )
    assert len(telegram_server.calls_to("sendMessage", ok_only=False)) == 1


async def test_rate_limit_beyond_the_policy_is_raised(bot: Bot, telegram_server: FakeTelegramServer) -> None:
    telegram_server.rate_limit("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await with_retries(lambda: bot.send_message(CHAT, "x"), RetryPolicy.none(), what="t")
    assert retry_after_seconds(caught.value) == 7.0


async def test_attachments_follow_the_text_as_documents(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    ics = Attachment(filename="eser-events.ics", content=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    sent = await poster(bot, catalogue, fast_retry).post(
        CHAT, Reply(text="Events", attachments=[ics], thread_id="5")
    )
    assert len(sent) == 2 and sent[1].document is not None
    [upload] = telegram_server.calls_to("sendDocument")
    document = upload.files["document"]
    assert document.filename == "eser-events.ics" and document.content == ics.content
    assert upload.params["reply_parameters"]["message_id"] == 5
    assert telegram_server.calls.index(upload) > telegram_server.calls.index(
        telegram_server.calls_to("sendMessage")[0]
    )


async def test_a_refused_rich_message_is_resent_as_plain_text_with_the_links_inline(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    telegram_server.fail("sendMessage", 400, "Bad Request: BUTTON_URL_INVALID", only_with="parse_mode")
    signup = Button(label="Sign up", url="https://events.example.org/register")
    thumbs = Button(label="👍", callback_data="fb:1:up")
    reply = Reply(text="The summit [1]", citations=[CITATION], buttons=[[signup], [thumbs]])
    await poster(bot, catalogue, fast_retry).post(CHAT, reply)
    refused, delivered = telegram_server.calls_to("sendMessage", ok_only=False)
    assert refused.status == 400 and delivered.status == 200 and "parse_mode" not in delivered.params
    text = delivered.params["text"]
    assert (
        "ESER & you (https://example.org/eser)" in text
        and "Sign up: https://events.example.org/register" in text
    )
    # The callback buttons stay; the link button is in the text now.
    assert delivered.params["reply_markup"]["inline_keyboard"] == [
        [{"text": "👍", "callback_data": "fb:1:up"}]
    ]


async def test_if_even_the_plain_keyboard_is_refused_the_text_goes_alone(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    telegram_server.fail("sendMessage", 400, "Bad Request: BUTTON_DATA_INVALID", times=2)
    reply = Reply(text="Pick one", buttons=[[Button(label="👍", callback_data="fb:1:up")]])
    await poster(bot, catalogue, fast_retry).post(CHAT, reply)
    *_, delivered = telegram_server.calls_to("sendMessage", ok_only=False)
    assert (
        delivered.status == 200
        and delivered.params["text"] == "Pick one"
        and "reply_markup" not in delivered.params
    )


async def test_a_chat_out_of_reach_is_not_retried_as_plain_text(
    bot: Bot, telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    telegram_server.forget(int(CHAT))
    with pytest.raises(BadRequest):
        await poster(bot, catalogue, fast_retry).post(CHAT, Reply(text="Hello"))
    assert len(telegram_server.calls_to("sendMessage", ok_only=False)) == 1


async def test_a_send_that_timed_out_is_not_sent_again(
    telegram_server: FakeTelegramServer, catalogue: Catalogue, fast_retry: RetryPolicy
) -> None:
    telegram_server.delays["sendMessage"] = 1.5  # Telegram struggling: it answers late
    async with Bot(
        telegram_server.token, base_url=telegram_server.base_url, request=AiohttpRequest(read_timeout=0.5)
    ) as slow:
        with pytest.raises(TimedOut):
            await poster(slow, catalogue, fast_retry).post(CHAT, Reply(text="Hello"))
    await telegram_server.wait_for("sendMessage", 1, seconds=5)  # it did arrive, once
    await asyncio.sleep(1.0)
    assert telegram_server.started["sendMessage"] == 1 and telegram_server.delivered[int(CHAT)] == 1


async def test_calls_that_may_be_repeated_are_still_retried_after_a_timeout(
    telegram_server: FakeTelegramServer, fast_retry: RetryPolicy
) -> None:
    telegram_server.delays["getChatMember"] = 0.8
    request = AiohttpRequest(read_timeout=0.3)
    async with Bot(telegram_server.token, base_url=telegram_server.base_url, request=request) as slow:
        with pytest.raises(TimedOut):
            await with_retries(lambda: slow.get_chat_member(-100, 7), fast_retry, what="getChatMember")
    assert telegram_server.started["getChatMember"] == fast_retry.attempts
