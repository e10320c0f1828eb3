"""The "typing…" indicator shown while an answer is being prepared."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.timing import stage

log = logging.getLogger(__name__)

TYPING_REFRESH_SECONDS = 4.5  # Telegram shows "typing…" for 5 s per sendChatAction
TYPING_FIRST_CALL_WAIT = 2.0


@contextlib.asynccontextmanager
async def typing_indicator(bot: Bot, update: Update, *, enabled: bool) -> AsyncIterator[None]:
    """Show "typing…" in the update's chat for as long as the block runs.

    Args:
        bot: The bot making the calls.
        update: The update being answered (its chat, and forum topic if any).
        enabled: False to do nothing (a button press, a message not for the bot).
    """
    chat = update.effective_chat
    if not enabled or chat is None:
        yield
        return
    first_call_done = asyncio.Event()
    thread = update.message.message_thread_id if update.message and update.message.is_topic_message else None

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat.id, ChatAction.TYPING, message_thread_id=thread)
            except TelegramError as error:
                log.debug("sendChatAction failed: %s", error)
            first_call_done.set()
            await asyncio.sleep(TYPING_REFRESH_SECONDS)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        # Let the first indicator land before the answer, so it cannot arrive after it.
        with contextlib.suppress(TimeoutError), stage("platform"):
            await asyncio.wait_for(first_call_done.wait(), TYPING_FIRST_CALL_WAIT)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
