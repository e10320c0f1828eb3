"""Telegram ``Update`` -> ``IncomingMessage``: a pure function, tested on recorded payloads.

Who the bot is (its id and username) is passed in, so that mentions of the bot, replies to its
messages and ``/command@BotName`` can be recognised without any network call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import CallbackQuery, Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.models import IncomingMessage

COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)
# Left behind when a leading or inner mention is cut out: "@Bot, what is" -> "what is".
SPACES = re.compile(r"[ \t]{2,}")
LEADING_PUNCTUATION = " \t\n,:;"


@dataclass(frozen=True)
class BotIdentity:
    """The bot's own account, as ``getMe`` reported it."""

    id: int
    username: str


def event_id(update_id: int, bot_id: int) -> str:
    """The de-duplication key of an update: Telegram redelivers the same ``update_id``, and update
    ids are counted per bot (a new token starts again), so the bot's id is part of the key."""
    return f"telegram:{bot_id}:{update_id}"


def translate(update: Update, bot: BotIdentity) -> IncomingMessage | None:
    """Translate one update into what the core understands.

    Private chats: every message is for the bot. Groups: ``mentioned`` is set when the bot is
    @mentioned (or text-mentioned), when the message replies to one of the bot's messages, or for a
    command; the bot's mention is removed from the text. Callback queries (button presses) carry
    their ``callback_data``.

    Args:
        update: The update as python-telegram-bot parsed it.
        bot: The bot's identity.

    Returns:
        The message, or None for what the bot ignores: edited messages, channel posts, service
        messages without text, messages from bots (itself included) and commands addressed to
        another bot.
    """
    if update.callback_query is not None:
        return _from_callback(update.update_id, update.callback_query, bot)
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text if message.text is not None else message.caption
    if not text:
        return None
    entities = message.entities if message.text is not None else message.caption_entities
    is_direct = message.chat.type == ChatType.PRIVATE
    mentioned, text = _strip_bot_mentions(text, entities, bot)
    mentioned = mentioned or _replies_to_bot(message, bot)

    command: str | None = None
    args = ""
    match = COMMAND.match(text) if text.startswith("/") else None
    if match:
        name, addressee, rest = match.groups()
        if addressee and addressee.lower() != bot.username.lower():
            return None  # "/help@OtherBot" in a group belongs to another bot
        command, args = name.lower(), (rest or "").strip()
        text = f"/{command} {args}".strip()
        mentioned = mentioned or not is_direct

    user = message.from_user
    return IncomingMessage(
        platform="telegram",
        chat_id=str(message.chat.id),
        user_id=str(user.id),
        # In groups the answer goes as a reply to the member's message, so that it is clear whom it
        # answers; in a private chat there is only one person to answer.
        thread_id=None if is_direct else str(message.message_id),
        text=text,
        is_direct=is_direct,
        mentioned=mentioned,
        command=command,
        args=args,
        language_hint=user.language_code,
        event_id=event_id(update.update_id, bot.id),
        user_name=user.full_name or user.username,
    )


def _from_callback(update_id: int, query: CallbackQuery, bot: BotIdentity) -> IncomingMessage | None:
    if query.data is None or query.from_user.is_bot:
        return None
    chat = query.message.chat if query.message is not None else None
    user = query.from_user
    return IncomingMessage(
        platform="telegram",
        chat_id=str(chat.id) if chat is not None else str(user.id),
        user_id=str(user.id),
        is_direct=chat is None or chat.type == ChatType.PRIVATE,
        mentioned=True,  # a press on the bot's own button is always meant for the bot
        callback_data=query.data,
        language_hint=user.language_code,
        event_id=event_id(update_id, bot.id),
        user_name=user.full_name or user.username,
    )


def _is_bot_mention(entity: MessageEntity, entity_text: str, bot: BotIdentity) -> bool:
    if entity.type == MessageEntity.MENTION:
        return entity_text.lower() == f"@{bot.username.lower()}"
    if entity.type == MessageEntity.TEXT_MENTION:
        return entity.user is not None and entity.user.id == bot.id
    return False


def _strip_bot_mentions(text: str, entities: tuple[MessageEntity, ...], bot: BotIdentity) -> tuple[bool, str]:
    """Whether the bot is mentioned, and the text without its mentions.

    Telegram counts entity offsets in UTF-16 code units, so the cutting happens on UTF-16 data. A
    lone surrogate (which a client can send) is one unit there too: ``surrogatepass`` keeps the
    offsets right, and the core removes it afterwards (``bot.safety.clean_message``).
    """
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    cuts: list[tuple[int, int]] = []
    for entity in entities:
        start, end = entity.offset * 2, (entity.offset + entity.length) * 2
        if _is_bot_mention(entity, encoded[start:end].decode("utf-16-le", errors="surrogatepass"), bot):
            cuts.append((start, end))
    if not cuts:
        return False, text.strip()
    kept = bytearray()
    position = 0
    for start, end in sorted(cuts):
        kept += encoded[position:start]
        position = end
    kept += encoded[position:]
    cleaned = SPACES.sub(" ", kept.decode("utf-16-le", errors="surrogatepass"))
    return True, cleaned.strip().lstrip(LEADING_PUNCTUATION).strip()


def _replies_to_bot(message: Message, bot: BotIdentity) -> bool:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None:
        return False
    # In forum topics every message "replies" to the topic's creation message; that is no reply.
    if replied.forum_topic_created is not None:
        return False
    return replied.from_user.id == bot.id
