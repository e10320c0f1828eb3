"""``bot.delivery.Sender`` for Telegram: messages the bot sends on its own initiative.

Broadcasts and onboarding DMs go through here. It renders like an answer (same ``ReplyPoster``)
but does not retry: it turns python-telegram-bot errors into the ``DeliveryError`` family so that
the caller (the broadcast outbox) decides when to try again and when to give a recipient up.
"""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.error import ChatMigrated as TelegramChatMigrated

from adapters.telegram.posting import ReplyPoster, RetryPolicy, is_recipient_error, retry_after_seconds
from bot.delivery import (
    ChatMigrated,
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    RecipientGone,
    SentMessage,
    TransientDeliveryError,
)
from bot.i18n import Catalogue
from bot.models import Reply, Target


class TelegramSender:
    """Sends a ``Reply`` to a ``telegram:<chat id>`` target.

    Args:
        bot: The bot making the calls.
        catalogue: For the "Sources" heading in the reply's language.
    """

    platform = "telegram"

    def __init__(self, bot: Bot, catalogue: Catalogue) -> None:
        self._poster = ReplyPoster(bot, catalogue, RetryPolicy.none())

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        """Send ``reply`` to ``target`` (an ephemeral reply is sent as a normal message).

        Returns:
            Where the first message of the reply landed.

        Raises:
            DeliveryError: ``RateLimited``, ``RecipientGone``, ``ChatMigrated``,
                ``TransientDeliveryError`` or ``PermanentDeliveryError``.
        """
        if target.platform != self.platform:
            raise PermanentDeliveryError(f"not a Telegram target: {target}")
        try:
            messages = await self._poster.post(target.chat_id, reply)
        except TelegramError as error:
            raise delivery_error(error) from error
        if not messages:
            raise PermanentDeliveryError(f"nothing to send to {target}: the reply is empty")
        return SentMessage(target=target, message_id=str(messages[0].message_id))


def delivery_error(error: TelegramError) -> DeliveryError:
    """The platform-neutral ``DeliveryError`` for a python-telegram-bot error."""
    if isinstance(error, RetryAfter):
        return RateLimited(retry_after_seconds(error))
    if isinstance(error, TelegramChatMigrated):
        return ChatMigrated(str(error.new_chat_id))
    if isinstance(error, Forbidden):
        return RecipientGone(error.message)
    if isinstance(error, BadRequest):
        if is_recipient_error(error):
            return RecipientGone(error.message)
        return PermanentDeliveryError(error.message)
    if isinstance(error, NetworkError):  # timeouts and 5xx
        return TransientDeliveryError(error.message)
    return PermanentDeliveryError(error.message)
