"""``TelegramRunner`` end to end: real python-telegram-bot against the fake Bot API, by long polling
and by webhook, with the core answering from the shipped knowledge base."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import select

from adapters.telegram.app import TelegramRunner
from adapters.telegram.posting import RetryPolicy
from bot.app import App
from bot.errors import ConfigError
from bot.i18n import LANGUAGES
from bot.models import Button, IncomingMessage, Reply
from bot.router import Router
from bot.settings import Settings
from bot.store.answers import VoteRow
from tests.conftest import make_settings
from tests.fakes.telegram_server import BOT_USERNAME, FakeTelegramServer
from tests.fakes.telegram_updates import GROUP_ID, user
from tests.scenarios.driver import SentButton
from tests.scenarios.telegram_driver import TelegramDriver, message_sent, telegram_driver

QUESTION = "Can a cooperative become a member of ESER?"
SECRET = "s3cret-webhook_token"


class ScriptedHandler:
    """A core handler with a fixed answer (for replies the knowledge base would not produce)."""

    def __init__(self, reply: Reply, *, delay: float = 0.0) -> None:
        self.reply = reply
        self.delay = delay

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        await asyncio.sleep(self.delay)
        return [self.reply.model_copy(update={"thread_id": message.thread_id})]


def scripted(app: App, reply: Reply, *, delay: float = 0.0) -> App:
    async def error_reply(message: IncomingMessage, reference: str, error: Exception) -> Reply:
        return Reply(text=f"error {reference}")

    return dataclasses.replace(app, router=Router([ScriptedHandler(reply, delay=delay)], error_reply))


def sent_messages(driver: TelegramDriver, chat: int | str) -> list[dict[str, object]]:
    return [
        call.params for call in driver.server.calls_to("sendMessage") if call.params["chat_id"] == str(chat)
    ]


# --- start-up ------------------------------------------------------------------------------------
async def test_start_registers_sender_commands_and_polls(driver: TelegramDriver, app: App) -> None:
    assert app.services.senders["telegram"] is driver.runner.registered_sender
    assert set(driver.server.commands) == {None, *LANGUAGES}
    fr_ask = next(entry for entry in driver.server.commands["fr"] if entry["command"] == "ask")
    assert fr_ask["description"] == app.services.catalogue.text("command.ask", "fr")
    assert driver.server.calls_to("deleteWebhook")
    [poll, *_] = await driver.server.wait_for("getUpdates", 1)
    assert poll.params["allowed_updates"] == ["message", "callback_query"]
    assert driver.runner.identity.username == BOT_USERNAME


async def test_malformed_token_fails_before_any_network_call(
    app: App, telegram_server: FakeTelegramServer, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path, TELEGRAM_BOT_TOKEN="123:oops", TELEGRAM_API_BASE_URL=telegram_server.base_url
    )
    with pytest.raises(ConfigError) as caught:
        TelegramRunner(app, settings)
    assert caught.value.setting == "TELEGRAM_BOT_TOKEN"
    assert telegram_server.calls == [] and "telegram" not in app.services.senders


async def test_rejected_token_is_a_config_error(
    app: App, telegram_server: FakeTelegramServer, tmp_path: Path
) -> None:
    wrong = "987654321:AAHthisTOKENisWELLformedBUTunknown12345"
    settings = make_settings(
        tmp_path, TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_API_BASE_URL=telegram_server.base_url
    )
    runner = TelegramRunner(app, settings)
    with pytest.raises(ConfigError) as caught:
        await runner.start()
    assert caught.value.setting == "TELEGRAM_BOT_TOKEN" and wrong not in str(caught.value)
    assert [(call.method, call.status) for call in telegram_server.calls] == [("getMe", 401)]
    await runner.stop()  # harmless after a failed start


async def test_organisers_get_their_menu_at_start(
    app: App, telegram_server: FakeTelegramServer, tmp_path: Path
) -> None:
    await app.services.organisers.store.grant("telegram", "5150", granted_by="test", now=app.services.clock())
    settings = make_settings(
        tmp_path, TELEGRAM_BOT_TOKEN=telegram_server.token, TELEGRAM_API_BASE_URL=telegram_server.base_url
    )
    runner = TelegramRunner(app, settings)
    await runner.start()
    try:
        menu = [entry["command"] for entry in telegram_server.chat_commands[(5150, "fr")]]
        assert menu[-4:] == ["newevent", "announce", "handoff", "web"]
        assert {chat for chat, _ in telegram_server.chat_commands} == {5150}
    finally:
        await runner.stop()


# --- answering -----------------------------------------------------------------------------------
async def test_private_question_gets_typing_then_a_cited_answer(driver: TelegramDriver) -> None:
    [answer] = await driver.direct_message("ana", QUESTION)
    assert answer.links and answer.raw["parse_mode"] == "HTML" and not answer.in_thread
    assert [b.payload.rsplit(":", 1)[1] for b in answer.buttons if b.data] == ["up", "down"]
    methods = [call.method for call in driver.server.calls]
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    [typing] = driver.server.calls_to("sendChatAction")
    assert typing.params == {"chat_id": answer.chat, "action": "typing"}


async def test_group_message_without_mention_is_ignored(driver: TelegramDriver) -> None:
    assert await driver.group_message("ana", QUESTION) == []
    assert driver.server.calls_to("sendChatAction") == []


@pytest.mark.parametrize("how", ["mention", "reply", "command"])
async def test_group_question_is_answered_as_a_reply(driver: TelegramDriver, how: str) -> None:
    updates = driver.server.updates
    member = driver.user_id("ana")
    if how == "mention":
        update = updates.group_message(member, f"@{BOT_USERNAME} {QUESTION}")
    elif how == "reply":
        chat = {"id": GROUP_ID, "type": "supergroup"}
        update = updates.group_message(
            member, QUESTION, reply_to=updates.bot_message(chat, "Earlier answer [1]")
        )
    else:
        update = updates.group_message(member, f"/ask@{BOT_USERNAME} {QUESTION}")
    [answer] = await driver.deliver(update)
    assert answer.chat == str(GROUP_ID) and answer.in_thread and answer.links
    assert answer.raw["reply_parameters"]["message_id"] == update["message"]["message_id"]  # type: ignore[index]


async def test_command_for_another_bot_is_ignored(driver: TelegramDriver) -> None:
    update = driver.server.updates.group_message(driver.user_id("ana"), f"/ask@OtherHelperBot {QUESTION}")
    assert await driver.deliver(update) == []


async def test_bots_and_their_own_messages_are_ignored(driver: TelegramDriver) -> None:
    updates = driver.server.updates
    chat = {"id": 5999, "type": "private"}
    own = updates.message(chat, driver.server.bot_user, QUESTION)
    other_bot = updates.message(
        {"id": GROUP_ID, "type": "supergroup"}, user(77, is_bot=True), f"@{BOT_USERNAME} hi"
    )
    assert await driver.deliver(own) == []
    assert await driver.deliver(other_bot) == []
    assert driver.server.calls_to("sendMessage") == [] and driver.server.calls_to("sendChatAction") == []


async def test_same_update_twice_is_answered_once(driver: TelegramDriver) -> None:
    update = driver.server.updates.private_message(driver.user_id("ana"), QUESTION)
    driver.server.enqueue(update)  # Telegram delivering it again
    sent = await driver.deliver(update, times=2)
    assert len(sent) == 1
    assert len(sent_messages(driver, driver.user_id("ana"))) == 1


async def test_feedback_click_stores_the_vote_and_answers_the_query(driver: TelegramDriver, app: App) -> None:
    [answer] = await driver.direct_message("ana", QUESTION)
    up = next(button for button in answer.buttons if button.payload.endswith(":up"))
    [toast] = await driver.click("ana", answer, up)
    assert toast.ephemeral and toast.text == app.services.catalogue.text("feedback.thanks_up", "en")
    [query_answer] = driver.server.calls_to("answerCallbackQuery")
    assert query_answer.params["text"] == toast.text
    async with app.services.sessions() as session:
        vote = (await session.scalars(select(VoteRow))).one()
    assert vote.vote == 1 and vote.user_id == str(driver.user_id("ana")) and vote.platform == "telegram"
    assert up.payload.split(":")[1] == vote.answer_id


async def test_a_button_the_bot_did_not_make_is_refused_with_a_toast(driver: TelegramDriver) -> None:
    [answer] = await driver.direct_message("ana", QUESTION)
    [toast] = await driver.click("ana", answer, SentButton(label="?", data="something-else"))
    assert toast.ephemeral and "no longer works" in toast.text
    [query_answer] = driver.server.calls_to("answerCallbackQuery")
    assert query_answer.params["text"] == toast.text  # the spinner stops, with the reason


async def test_events_command_sends_signup_button_and_calendar(driver: TelegramDriver) -> None:
    sent = await driver.command("ana", "events")
    text, document = sent
    urls = [button.url for button in text.buttons if button.url]
    assert "https://events.example.org/eser-network-meeting-2027/register" in urls
    assert document.raw["filename"] == "eser-events.ics"
    [upload] = driver.server.calls_to("sendDocument")
    assert upload.files["document"].content.startswith(b"BEGIN:VCALENDAR")


# --- faults --------------------------------------------------------------------------------------
async def test_rate_limited_answer_waits_and_is_delivered(driver: TelegramDriver) -> None:
    driver.server.rate_limit("sendMessage", retry_after=0.4)
    [answer] = await driver.direct_message("ana", QUESTION)
    limited, delivered = driver.server.calls_to("sendMessage", ok_only=False)
    assert limited.status == 429 and delivered.status == 200 and delivered.at - limited.at >= 0.4
    assert answer.links


async def test_unparseable_html_is_delivered_as_plain_text(driver: TelegramDriver) -> None:
    driver.server.parse_error()
    [answer] = await driver.direct_message("ana", QUESTION)
    assert "parse_mode" not in answer.raw and "<a href" not in answer.text
    assert "Sources" in answer.text and "https://" in answer.text and answer.buttons


async def test_long_answer_is_split_with_the_keyboard_on_the_last_part(app: App) -> None:
    text = "\n\n".join(f"Part {i}. " + "Regions build the social economy together. " * 25 for i in range(10))
    reply = Reply(text=text, buttons=[[Button(label="👍", callback_data="fb:long:up")]])
    async with telegram_driver(scripted(app, reply)) as driver:
        sent = await driver.direct_message("ana", "Tell me everything")
    assert len(sent) >= 3 and all(len(part.raw["text"]) <= 4096 for part in sent)  # type: ignore[arg-type]
    assert [bool(part.buttons) for part in sent] == [False] * (len(sent) - 1) + [True]
    assert "\n\n".join(part.text for part in sent) == text.strip()


async def test_server_errors_are_retried(driver: TelegramDriver) -> None:
    driver.server.fail("sendMessage", 500, "Internal Server Error", times=2)
    [answer] = await driver.direct_message("ana", QUESTION)
    assert [call.status for call in driver.server.calls_to("sendMessage", ok_only=False)] == [500, 500, 200]
    assert answer.links


async def test_undeliverable_answer_is_logged_with_the_update_id(
    driver: TelegramDriver, caplog: pytest.LogCaptureFixture
) -> None:
    driver.server.fail("sendMessage", 500, "Internal Server Error", times=10)
    update = driver.server.updates.private_message(driver.user_id("ana"), QUESTION)
    with caplog.at_level(logging.ERROR, logger="adapters.telegram.app"):
        assert await driver.deliver(update) == []
    assert len(driver.server.calls_to("sendMessage", ok_only=False)) == 3  # the policy's attempts
    [record] = [r for r in caplog.records if r.name == "adapters.telegram.app"]
    assert str(update["update_id"]) in record.getMessage() and "not delivered" in record.getMessage()


async def test_a_slow_telegram_gets_the_answer_once_and_the_log_says_it_may_have_arrived(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    async with telegram_driver(app, read_timeout=0.5) as driver:
        driver.server.delays["sendMessage"] = 1.5  # answers after the runner stopped waiting
        member = driver.user_id("ana")
        with caplog.at_level(logging.WARNING, logger="adapters.telegram.app"):
            await driver.deliver(driver.server.updates.private_message(member, QUESTION))
        await driver.server.wait_for("sendMessage", 1, seconds=10)
        await asyncio.sleep(1.0)
        assert driver.server.started["sendMessage"] == 1 and len(driver.server.messages_to(member)) == 1
    # Warnings only: the "started" line is captured too when an earlier test left INFO on.
    [record] = [
        r for r in caplog.records if r.name == "adapters.telegram.app" and r.levelno >= logging.WARNING
    ]
    assert "may have arrived" in record.getMessage() and "not delivered" not in record.getMessage()


async def test_stop_finishes_the_answer_in_flight(app: App) -> None:
    async with telegram_driver(scripted(app, Reply(text="Slow but sure"), delay=0.5)) as driver:
        update = driver.server.updates.private_message(driver.user_id("ana"), "Hello?")
        driver.server.enqueue(update)
        await driver.server.wait_for("sendChatAction", 1)  # the answer is being prepared
        await driver.runner.stop()
        assert [call.params["text"] for call in driver.server.calls_to("sendMessage")] == ["Slow but sure"]
        assert "telegram" not in app.services.senders


# --- webhook -------------------------------------------------------------------------------------
def webhook_settings(tmp_path: Path, server: FakeTelegramServer) -> Settings:
    return make_settings(
        tmp_path,
        TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_API_BASE_URL=server.base_url,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram/updates",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT="0",
    )


@pytest_asyncio.fixture
async def webhook_runner(
    app: App, telegram_server: FakeTelegramServer, tmp_path: Path, fast_retry: RetryPolicy
) -> AsyncIterator[TelegramRunner]:
    runner = TelegramRunner(app, webhook_settings(tmp_path, telegram_server), retry=fast_retry)
    await runner.start()
    yield runner
    await runner.stop()


async def post_update(runner: TelegramRunner, update: dict[str, object], secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    url = f"http://127.0.0.1:{runner.webhook_port}/telegram/updates"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


async def test_webhook_is_registered_with_its_secret(
    webhook_runner: TelegramRunner, telegram_server: FakeTelegramServer
) -> None:
    assert telegram_server.webhook == {
        "url": "https://bot.example.org/telegram/updates",
        "secret_token": SECRET,
    }
    assert telegram_server.calls_to("getUpdates") == []


async def test_webhook_checks_the_secret_on_every_request(
    webhook_runner: TelegramRunner, telegram_server: FakeTelegramServer
) -> None:
    updates = telegram_server.updates
    assert await post_update(webhook_runner, updates.private_message(601, QUESTION), "wrong-secret") == 403
    assert await post_update(webhook_runner, updates.private_message(602, QUESTION), None) == 403
    assert await post_update(webhook_runner, updates.private_message(603, QUESTION), SECRET) == 200
    [call] = await telegram_server.wait_for("sendMessage", 1)
    assert call.params["chat_id"] == "603"
    await webhook_runner.stop()  # let anything else in flight finish: nothing for 601 or 602
    assert [c.params["chat_id"] for c in telegram_server.calls_to("sendMessage")] == ["603"]


async def test_webhook_redelivery_is_answered_once(
    webhook_runner: TelegramRunner, telegram_server: FakeTelegramServer
) -> None:
    update = telegram_server.updates.private_message(604, QUESTION)
    assert await post_update(webhook_runner, update, SECRET) == 200
    assert await post_update(webhook_runner, update, SECRET) == 200
    await telegram_server.wait_for("sendMessage", 1)
    await webhook_runner.stop()
    assert len(telegram_server.calls_to("sendMessage")) == 1
    assert message_sent(telegram_server.calls_to("sendMessage")[0].params, {"message_id": 0}).links
