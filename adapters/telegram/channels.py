"""Who manages a Telegram group, for the core's channel subscriptions (``bot.channels.ChannelAuthority``):
its creator and its administrators, as ``getChatMember`` reports them at the moment of the check.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

log = logging.getLogger(__name__)

MANAGERS = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


class TelegramChannelAuthority:
    """Group managers on Telegram.

    Args:
        bot: The bot making the calls.
    """

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def can_manage(self, chat_id: str, user_id: str) -> bool:
        """True when ``user_id`` is the creator or an administrator of group ``chat_id``."""
        try:
            member = await self._bot.get_chat_member(chat_id=int(chat_id), user_id=int(user_id))
        except (TelegramError, ValueError) as error:
            log.warning("telegram chat member check of %s in %s failed: %s", user_id, chat_id, error)
            return False
        return member.status in MANAGERS
