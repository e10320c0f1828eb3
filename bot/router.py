"""Routes each ``IncomingMessage`` to the first handler that takes it; one error hook for all.

A handler returns a list of replies when it took the message, or ``None`` to let the next one try
(the python-telegram-bot ``check_update``/``handle_update`` idea folded into one call).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from bot.models import IncomingMessage, Reply

log = logging.getLogger(__name__)


class Handler(Protocol):
    """One capability of the bot (ask, onboarding, events...)."""

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Answer ``message``, or return None when this handler does not take it."""
        ...


ErrorReply = Callable[[IncomingMessage, str, Exception], Awaitable[Reply]]


class Router:
    """Ordered handlers and the one place errors are caught.

    Args:
        handlers: Tried in order; the first that returns replies wins.
        error_reply: Builds the apology sent when a handler fails, from the message, a reference id
            (written in the log line) and the error.
    """

    def __init__(self, handlers: Sequence[Handler], error_reply: ErrorReply) -> None:
        self._handlers = list(handlers)
        self._error_reply = error_reply

    async def route(self, message: IncomingMessage) -> list[Reply]:
        """Run the handlers on ``message``.

        Returns:
            The replies to render, possibly none (a group message not meant for the bot).
        """
        try:
            for handler in self._handlers:
                replies = await handler.handle(message)
                if replies is not None:
                    return replies
        except Exception as error:
            reference = uuid.uuid4().hex[:8]
            log.exception(
                "handler failed (ref %s) on %s message %s", reference, message.platform, message.event_id
            )
            return [await self._error_reply(message, reference, error)]
        return []
