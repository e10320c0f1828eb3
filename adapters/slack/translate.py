"""Pure translation of Slack payloads (Events API events, slash commands, block actions) into the
core's ``IncomingMessage``. No I/O: the runner adds what needs an API call (the language hint).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from bot.models import IncomingMessage

# Message subtypes that are still a person writing; every other subtype (edits, deletions, joins,
# bot messages...) is not a question for the bot.
HUMAN_SUBTYPES = frozenset({"file_share", "thread_broadcast"})
CALLBACK_ACTION_PREFIX = "cb:"
LINK_ACTION_PREFIX = "link:"

_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[A-Z0-9]+)?(?:\|([^>]*))?>")


def event_key(team_id: str, event_id: str) -> str:
    """The inbox key of a Slack delivery: its id (``event_id``, or ``trigger_id`` for commands and
    button presses) within its workspace, so that two workspaces' ids never meet."""
    return f"slack:{team_id}:{event_id}"


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is in the workspace, from ``auth.test``.

    Attributes:
        user_id: The bot user's id (``U...``), as it appears in mentions.
        bot_id: The bot's id (``B...``), as it appears on its own messages.
        team_id: The workspace id.
    """

    user_id: str
    bot_id: str = ""
    team_id: str = ""


def is_from_bot(event: Mapping[str, Any], identity: BotIdentity) -> bool:
    """True for messages written by a bot, including this one (never answer those)."""
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or event.get("subtype") == "bot_message"
        or (identity.user_id and event.get("user") == identity.user_id)
    )


def plain_text(text: str, bot_user_id: str = "") -> str:
    """Slack message markup as the text a person meant: the bot's mention removed, links as their
    label (or URL), other mentions as ``@id`` / ``#channel``, and ``&amp;``-style escapes undone."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _LINK.sub(lambda match: match.group(2) or match.group(1).removeprefix("mailto:"), text)
    text = _CHANNEL.sub(lambda match: f"#{match.group(1)}", text)
    text = _USER.sub(lambda match: f"@{match.group(1)}", text)
    text = _SPECIAL.sub(lambda match: match.group(2) or f"@{match.group(1)}", text)
    text = html.unescape(text)
    return re.sub(r"[ \t]+", " ", text).strip()


def split_command(text: str, known_commands: Collection[str]) -> tuple[str, str]:
    """Split the text of ``/eser <text>`` into a command and its arguments.

    The first word names the command when it is a known command name; anything else is a question
    (``ask`` with the whole text); no text at all asks for help.

    Returns:
        ``(command, args)``.
    """
    text = text.strip()
    if not text:
        return "help", ""
    first, _, rest = text.partition(" ")
    name = first.lower().lstrip("/")
    if name in known_commands:
        return name, rest.strip()
    return "ask", text


def translate_event(
    event: Mapping[str, Any],
    *,
    event_id: str,
    identity: BotIdentity,
    known_commands: Collection[str],
) -> IncomingMessage | None:
    """Translate an ``app_mention`` or ``message`` event.

    Mentions are answered in their thread (a new one under the mention when it was not in one);
    DMs in the DM; channel messages go to the core with their thread so that it answers follow-ups
    in threads it already answered. A channel message that mentions the bot is skipped, because
    Slack sends the same words again as an ``app_mention``.

    Args:
        event: The ``event`` object of the ``event_callback``.
        event_id: The ``event_id`` of the ``event_callback`` (de-duplicates Slack's retries).
        identity: The bot's identity, to drop its own messages and strip its mention.
        known_commands: Command names; a DM that is exactly one of them runs that command.

    Returns:
        The message, or None when the event is not something a person said to the bot.
    """
    kind = event.get("type")
    if kind not in ("app_mention", "message") or is_from_bot(event, identity):
        return None
    subtype = event.get("subtype")
    user, channel = event.get("user"), event.get("channel")
    if (subtype is not None and subtype not in HUMAN_SUBTYPES) or not user or not channel:
        return None
    raw = str(event.get("text") or "")
    text = plain_text(raw, identity.user_id)
    base: dict[str, Any] = {"platform": "slack", "chat_id": channel, "user_id": user, "event_id": event_id}
    if kind == "app_mention":
        thread = event.get("thread_ts") or event.get("ts")
        return IncomingMessage(**base, thread_id=thread, text=text, mentioned=True)
    if event.get("channel_type") == "im":
        command = text.lower().lstrip("/")
        if command in known_commands:
            return IncomingMessage(
                **base, thread_id=event.get("thread_ts"), text=text, is_direct=True, command=command
            )
        return IncomingMessage(**base, thread_id=event.get("thread_ts"), text=text, is_direct=True)
    if identity.user_id and f"<@{identity.user_id}" in raw:
        return None
    return IncomingMessage(**base, thread_id=event.get("thread_ts"), text=text)


def translate_command(
    payload: Mapping[str, Any], *, known_commands: Collection[str], in_bot_dm: bool
) -> IncomingMessage:
    """Translate a ``/eser`` slash command (its form fields).

    Args:
        payload: The slash command payload.
        known_commands: Command names recognised as the first word.
        in_bot_dm: True when it was typed in the member's DM with the bot.

    Returns:
        The message; its ``event_id`` is the command's ``trigger_id``.
    """
    text = plain_text(str(payload.get("text") or ""))
    command, args = split_command(text, known_commands)
    return IncomingMessage(
        platform="slack",
        chat_id=str(payload.get("channel_id") or ""),
        user_id=str(payload.get("user_id") or ""),
        text=text,
        is_direct=in_bot_dm,
        mentioned=True,
        command=command,
        args=args,
        event_id=str(
            payload.get("trigger_id") or f"cmd:{payload.get('channel_id')}:{payload.get('user_id')}"
        ),
        user_name=payload.get("user_name"),
    )


def action_channel(payload: Mapping[str, Any]) -> str | None:
    """The channel of the message whose button was pressed."""
    channel = payload.get("channel") or {}
    container = payload.get("container") or {}
    return channel.get("id") or container.get("channel_id")


def translate_action(payload: Mapping[str, Any], action: Mapping[str, Any]) -> IncomingMessage | None:
    """Translate one pressed callback button of a ``block_actions`` payload.

    Returns:
        A message carrying the button's ``value`` as ``callback_data``, answered in the thread of
        the pressed message; None for link buttons and buttons outside a conversation.
    """
    value = action.get("value")
    channel = action_channel(payload)
    user = (payload.get("user") or {}).get("id")
    if not value or not channel or not user:
        return None
    message = payload.get("message") or {}
    container = payload.get("container") or {}
    trigger = payload.get("trigger_id") or f"act:{channel}:{action.get('action_ts')}"
    return IncomingMessage(
        platform="slack",
        chat_id=channel,
        user_id=user,
        thread_id=message.get("thread_ts") or container.get("thread_ts"),
        is_direct=channel.startswith("D"),
        mentioned=True,
        callback_data=str(value),
        event_id=str(trigger),
        user_name=(payload.get("user") or {}).get("username"),
    )


def joined_user(event: Mapping[str, Any], identity: BotIdentity) -> str | None:
    """The member to welcome for a ``team_join`` or ``member_joined_channel`` event.

    Returns:
        Their user id; None for the bot itself, for bots and deleted accounts (as far as the event
        tells), and for other events.
    """
    kind = event.get("type")
    user: Any = event.get("user")
    if kind == "team_join" and isinstance(user, Mapping):
        if user.get("is_bot") or user.get("deleted") or user.get("id") == "USLACKBOT":
            return None
        user = user.get("id")
    elif kind != "member_joined_channel":
        return None
    if not isinstance(user, str) or not user or user in (identity.user_id, "USLACKBOT"):
        return None
    return user


def welcome_message(
    user_id: str, dm_channel: str, event_id: str, language_hint: str | None
) -> IncomingMessage:
    """The ``start`` command the core's onboarding answers in the new member's DM."""
    return IncomingMessage(
        platform="slack",
        chat_id=dm_channel,
        user_id=user_id,
        is_direct=True,
        command="start",
        language_hint=language_hint,
        event_id=event_id,
    )
