"""Out-of-band delivery contract: what the core needs from a platform to send on its own initiative.

Adapters implement ``Sender``; the broadcast outbox and onboarding DMs use it. Platform errors are
translated into the ``DeliveryError`` family below so the core never sees an SDK exception.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from bot.models import Reply, Target


class SentMessage(BaseModel, frozen=True):
    """Where a message landed (for later edits and threading)."""

    target: Target
    message_id: str


class DeliveryError(Exception):
    """A message could not be delivered."""


class RateLimited(DeliveryError):
    """The platform said 429; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class RecipientGone(DeliveryError):
    """Blocked, kicked, deactivated or chat not found: stop sending to this target."""


class ChatMigrated(DeliveryError):
    """A Telegram group became a supergroup with a new id."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class TransientDeliveryError(DeliveryError):
    """Network trouble or a 5xx: worth retrying with backoff."""


class PermanentDeliveryError(DeliveryError):
    """The platform refused the message for good (bad request other than formatting)."""


class Sender(Protocol):
    """Sends a rendered ``Reply`` to a ``Target`` on one platform."""

    platform: str

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        """Send ``reply`` to ``target``.

        Raises:
            DeliveryError: One of its subclasses, describing what went wrong.
        """
        ...
