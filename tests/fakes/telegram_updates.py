"""Bot API update payloads as Telegram would send them, for the fake server, tests and benchmarks.

Like Telegram, the builders mark ``/commands`` and ``@mentions`` in the text as entities (offsets
in UTF-16 code units), so that python-telegram-bot sees exactly what it would see in production.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

Payload = dict[str, Any]

# 2026-11-26 10:00 UTC, the tests' fixed "now".
DATE = 1795687200
GROUP_ID = -1001234567890
COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 offset of Python string index ``index`` in ``text``."""
    return len(text[:index].encode("utf-16-le")) // 2


def entities_for(text: str) -> list[Payload]:
    """The ``bot_command`` and ``mention`` entities Telegram would attach to ``text``."""
    found: list[Payload] = []
    command = COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": utf16_offset(text, command.end())})
    for mention in MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue  # the @BotName of "/ask@BotName" belongs to the command
        start = utf16_offset(text, mention.start())
        found.append(
            {"type": "mention", "offset": start, "length": utf16_offset(text, mention.end()) - start}
        )
    return found


def user(user_id: int, *, language: str | None = "en", is_bot: bool = False, name: str = "") -> Payload:
    """A Telegram ``User``."""
    payload: Payload = {"id": user_id, "is_bot": is_bot, "first_name": name or f"Member {user_id}"}
    if language:
        payload["language_code"] = language
    return payload


class UpdateFactory:
    """Builds updates with fresh ``update_id``s and message ids.

    Args:
        bot_user: The bot's ``User`` payload (for replies to the bot).
        message_ids: Source of message ids, shared with the fake server's own messages.
    """

    def __init__(self, bot_user: Payload, message_ids: Iterator[int]) -> None:
        self.bot_user = bot_user
        self._message_ids = message_ids
        self._update_ids = itertools.count(10_000)

    def next_update_id(self) -> int:
        """A new update id."""
        return next(self._update_ids)

    def private_message(
        self, user_id: int, text: str, *, language: str | None = "en", **extra: Any
    ) -> Payload:
        """A member's message in their private chat with the bot."""
        chat = {"id": user_id, "type": "private", "first_name": f"Member {user_id}"}
        return self.message(chat, user(user_id, language=language), text, **extra)

    def group_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int = GROUP_ID,
        language: str | None = "en",
        **extra: Any,
    ) -> Payload:
        """A member's message in a supergroup the bot is in."""
        chat = {"id": chat_id, "type": "supergroup", "title": "ESER regions"}
        return self.message(chat, user(user_id, language=language), text, **extra)

    def message(
        self,
        chat: Payload,
        sender: Payload,
        text: str,
        *,
        entities: list[Payload] | None = None,
        reply_to: Payload | None = None,
        key: str = "message",
        update_id: int | None = None,
    ) -> Payload:
        """Any message update (``key`` may be ``edited_message`` or ``channel_post``)."""
        message: Payload = {
            "message_id": next(self._message_ids),
            "date": DATE,
            "chat": chat,
            "from": sender,
            "text": text,
        }
        marked = entities if entities is not None else entities_for(text)
        if marked:
            message["entities"] = marked
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"update_id": update_id if update_id is not None else self.next_update_id(), key: message}

    def bot_message(self, chat: Payload, text: str) -> Payload:
        """A message the bot sent earlier (to reply to)."""
        return {
            "message_id": next(self._message_ids),
            "date": DATE,
            "chat": chat,
            "from": self.bot_user,
            "text": text,
        }

    def service_message(self, chat: Payload, member: Payload) -> Payload:
        """A "member joined" service message: no text."""
        message = {
            "message_id": next(self._message_ids),
            "date": DATE,
            "chat": chat,
            "from": member,
            "new_chat_members": [member],
        }
        return {"update_id": self.next_update_id(), "message": message}

    def callback_query(
        self, user_id: int, data: str, *, message: Payload, language: str | None = "en"
    ) -> Payload:
        """A press on a callback button of ``message`` (a message the bot sent)."""
        query = {
            "id": f"cbq-{self.next_update_id()}",
            "from": user(user_id, language=language),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        }
        return {"update_id": self.next_update_id(), "callback_query": query}
