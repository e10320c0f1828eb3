"""``TelegramDriver``: the shared scenarios' ``PlatformDriver`` for Telegram.

It runs the real ``TelegramRunner`` (python-telegram-bot, long polling) against the fake Bot API
server, feeds it updates as Telegram would and reports what the bot sent as ``Sent`` records.

Use it as an async context manager::

    async with telegram_driver(app) as driver:
        [answer] = await driver.direct_message("ana", "Can a cooperative join ESER?")
"""

from __future__ import annotations

import asyncio
import html
import re
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, TypeHandler

from adapters.telegram.app import TelegramRunner
from adapters.telegram.posting import RetryPolicy
from bot.app import App
from bot.models import Reply, Target
from tests.fakes.telegram_server import ApiCall, FakeTelegramServer
from tests.fakes.telegram_updates import DATE, GROUP_ID, Payload
from tests.scenarios.driver import Sent, SentButton

LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
FIRST_USER_ID = 5001


class HandledUpdates:
    """Tells when the runner has finished an update, replies sent or nothing to say.

    A handler in a later PTB handler group runs only after the runner's own handler (group 0) has
    returned for the same update, so seeing an update here means the bot is done with it. A repeat
    the inbox refused never reaches the handlers: its refusal counts as handled.
    """

    def __init__(self, runner: TelegramRunner) -> None:
        self._seen: Counter[int] = Counter()
        self._changed = asyncio.Condition()
        self._runner = runner
        runner.application.add_handler(TypeHandler(Update, self._handled), group=1)

    def watch_admissions(self) -> None:
        """Count the updates the inbox refuses as repeats (call once the runner has started)."""
        admit = self._runner.queue.admit
        assert admit is not None, "the runner has not started"

        async def watched(update: Update) -> bool:
            fresh = await admit(update)
            if not fresh:
                await self._record(update)
            return fresh

        self._runner.queue.admit = watched

    async def _handled(self, update: Update, context: CallbackContext) -> None:
        await self._record(update)

    async def _record(self, update: Update) -> None:
        async with self._changed:
            self._seen[update.update_id] += 1
            self._changed.notify_all()

    async def wait(self, update_id: int, *, times: int = 1, seconds: float = 30.0) -> None:
        """Wait until update ``update_id`` was handled ``times`` times."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self._seen[update_id] >= times), seconds)


class TelegramDriver:
    """Drives the Telegram adapter end to end (implements ``tests.scenarios.driver.PlatformDriver``).

    Args:
        server: The fake Bot API the runner talks to.
        runner: The runner, not yet started (the driver watches its updates).
    """

    platform = "telegram"
    group_chat = str(GROUP_ID)

    def __init__(self, server: FakeTelegramServer, runner: TelegramRunner) -> None:
        self.server = server
        self.runner = runner
        self.handled = HandledUpdates(runner)
        self.languages: dict[str, str] = {}
        self._user_ids: dict[str, int] = {}
        self._query_chats: dict[str, str] = {}

    def user_id(self, user: str) -> int:
        """The stable Telegram user id of scenario member ``user``."""
        return self._user_ids.setdefault(user, FIRST_USER_ID + len(self._user_ids))

    async def direct_message(self, user: str, text: str) -> list[Sent]:
        """The member writes ``text`` to the bot in their private chat."""
        return await self.deliver(
            self.server.updates.private_message(self.user_id(user), text, language=self._language(user))
        )

    async def mention_in_group(self, user: str, text: str) -> list[Sent]:
        """The member writes ``@Bot text`` in the group."""
        username = self.server.bot_user["username"]
        return await self.group_message(user, f"@{username} {text}")

    async def group_message(self, user: str, text: str) -> list[Sent]:
        """The member writes ``text`` in the group."""
        return await self.deliver(
            self.server.updates.group_message(self.user_id(user), text, language=self._language(user))
        )

    async def command(self, user: str, name: str, args: str = "") -> list[Sent]:
        """The member sends ``/name args`` in their private chat."""
        return await self.direct_message(user, f"/{name} {args}".strip())

    async def click(self, user: str, sent: Sent, button: SentButton) -> list[Sent]:
        """The member presses callback ``button`` under message ``sent``."""
        if button.data is None:
            raise ValueError(f"not a callback button: {button}")
        chat_id = int(sent.chat)
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        message = {
            "message_id": sent.raw["message_id"],
            "date": DATE,
            "chat": chat,
            "from": self.server.bot_user,
            "text": sent.text,
        }
        update = self.server.updates.callback_query(
            self.user_id(user), button.data, message=message, language=self._language(user)
        )
        self._query_chats[update["callback_query"]["id"]] = sent.chat
        return await self.deliver(update)

    async def group_command(self, user: str, name: str, args: str = "") -> list[Sent]:
        """The member sends ``/name args`` in the group."""
        return await self.group_message(user, f"/{name} {args}".strip())

    def make_manager(self, user: str) -> None:
        """``getChatMember`` says the member administers the group."""
        self.server.set_member_status(GROUP_ID, self.user_id(user), "administrator")

    def direct_chat(self, user: str) -> str:
        """The member's private chat id (their user id)."""
        return str(self.user_id(user))

    async def announce(self, chat: str, reply: Reply) -> Sent:
        """Send ``reply`` to ``chat`` with the runner's sender (as the broadcast outbox does)."""
        start = len(self.server.calls)
        await self.runner.registered_sender.send(Target(platform="telegram", chat_id=chat), reply)
        return next(sent for call in self.server.calls[start:] if (sent := self.to_sent(call)) is not None)

    async def deliver(self, update: Payload, *, times: int = 1) -> list[Sent]:
        """Queue ``update`` for polling and return what the bot sent until it was handled."""
        start = len(self.server.calls)
        self.server.enqueue(update)
        await self.handled.wait(update["update_id"], times=times)
        return [sent for call in self.server.calls[start:] if (sent := self.to_sent(call)) is not None]

    def to_sent(self, call: ApiCall) -> Sent | None:
        """The platform-neutral record of a successful call that showed the member something."""
        if call.status != 200:
            return None
        params = call.params
        if call.method == "sendMessage":
            return message_sent(params, call.result)
        if call.method == "sendDocument":
            upload = call.files.get("document")
            raw = {
                **params,
                "message_id": call.result["message_id"],
                "filename": upload.filename if upload else "",
            }
            return Sent(
                chat=str(params["chat_id"]),
                text=params.get("caption", ""),
                in_thread="reply_parameters" in params,
                raw=raw,
            )
        if call.method == "answerCallbackQuery" and params.get("text"):
            chat = self._query_chats.get(params["callback_query_id"], "")
            return Sent(chat=chat, text=params["text"], ephemeral=True, raw=dict(params))
        return None

    def _language(self, user: str) -> str:
        return self.languages.get(user, "en")


def message_sent(params: dict[str, Any], result: dict[str, Any]) -> Sent:
    """A recorded ``sendMessage`` as a ``Sent``: visible text, links and buttons."""
    text = params.get("text", "")
    links: list[tuple[str, str]] = []
    if params.get("parse_mode") == "HTML":
        links = [(html.unescape(TAG.sub("", label)), html.unescape(url)) for url, label in LINK.findall(text)]
        text = html.unescape(TAG.sub("", text))
    keyboard = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = [
        SentButton(label=button["text"], url=button.get("url"), data=button.get("callback_data"))
        for row in keyboard
        for button in row
    ]
    return Sent(
        chat=str(params["chat_id"]),
        text=text,
        links=links,
        buttons=buttons,
        in_thread="reply_parameters" in params or "reply_to_message_id" in params,
        raw={**params, "message_id": result["message_id"]},
    )


@asynccontextmanager
async def telegram_driver(
    app: App, *, server: FakeTelegramServer | None = None, read_timeout: float | None = None
) -> AsyncIterator[TelegramDriver]:
    """A started ``TelegramDriver`` on a fresh fake Bot API server, stopped on exit.

    Args:
        app: The core app the runner feeds (its settings are reused with the fake's token and URL).
        server: The fake to use (not started yet); a default one when None.
        read_timeout: How long the runner waits for the Bot API's answers (its default when None).
    """
    async with server or FakeTelegramServer() as server:
        settings = app.services.settings.model_copy(
            update={
                "telegram_bot_token": server.token,
                "telegram_api_base_url": server.base_url,
                "telegram_webhook_url": "",
            }
        )
        # Short backoffs keep fault scenarios fast; rate limits still wait the full retry_after.
        timeouts = {} if read_timeout is None else {"read_timeout": read_timeout}
        runner = TelegramRunner(
            app, settings, retry=RetryPolicy(attempts=3, backoff=0.05, rate_limit_waits=3), **timeouts
        )
        driver = TelegramDriver(server, runner)
        await runner.start()
        driver.handled.watch_admissions()
        try:
            yield driver
        finally:
            await runner.stop()
