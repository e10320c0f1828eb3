"""Signed button payloads: a pressed button is only believed if the bot made it.

Telegram lets any client send any ``callback_data`` for a bot's message, so a payload is data from
the member, not from the bot. Every callback payload the bot sends on a platform carries a short
HMAC of the payload and the platform (``sub:ok:a:ES~Xf3k9Qa1``); a press whose tag does not match
is refused before any handler sees it. The key lives in the database (``bot.store.secrets``), so
every instance agrees and buttons outlive restarts. Handlers still check what they parse: the tag
proves the bot offered the payload, not that the one pressing may use it.

Keeping our own 48-bit tag rather than python-telegram-bot's ``arbitrary_callback_data`` (an
in-memory cache) keeps buttons working across restarts and instances, and covers Slack the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from bot.delivery import Sender as DeliverySender
from bot.delivery import SentMessage
from bot.models import Reply, Target

SEPARATOR = "~"
TAG_LENGTH = 8  # base64 characters: 48 bits
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit (Slack allows 2,000)
PAYLOAD_LIMIT = CALLBACK_DATA_LIMIT - len(SEPARATOR) - TAG_LENGTH  # what a payload may use


class CallbackSigner:
    """Signs and checks button payloads.

    Args:
        key: The secret key (32 random bytes from the database).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _tag(self, platform: str, data: str) -> str:
        digest = hmac.new(self._key, f"{platform}\n{data}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:6]).decode()

    def sign(self, platform: str, data: str) -> str:
        """``data`` with its tag for ``platform``."""
        return f"{data}{SEPARATOR}{self._tag(platform, data)}"

    def verify(self, platform: str, signed: str) -> str | None:
        """The payload of ``signed`` when its tag is right for ``platform``, else None."""
        data, separator, tag = signed.rpartition(SEPARATOR)
        if not separator or len(tag) != TAG_LENGTH:
            return None
        return data if hmac.compare_digest(tag, self._tag(platform, data)) else None

    def sign_reply(self, platform: str, reply: Reply) -> Reply:
        """A copy of ``reply`` whose callback buttons carry their tags for ``platform``."""
        if not any(button.callback_data for row in reply.buttons for button in row):
            return reply
        rows = [
            [
                button.model_copy(update={"callback_data": self.sign(platform, button.callback_data)})
                if button.callback_data
                else button
                for button in row
            ]
            for row in reply.buttons
        ]
        return reply.model_copy(update={"buttons": rows})


class SigningSender:
    """A platform ``Sender`` whose replies' buttons are signed for the target's platform.

    Args:
        sender: The adapter's sender.
        signer: The signer.
    """

    def __init__(self, sender: DeliverySender, signer: CallbackSigner) -> None:
        self.platform = sender.platform
        self.inner = sender
        self._signer = signer

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        """Send ``reply`` to ``target`` with signed buttons (see ``bot.delivery.Sender.send``)."""
        return await self.inner.send(target, self._signer.sign_reply(target.platform, reply))
