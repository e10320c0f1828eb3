"""python-telegram-bot's update queue with the core's inbox in front of it.

PTB's ``Updater`` confirms updates to Telegram by asking for the next ones (``getUpdates`` with a
higher offset) right after it has put them on this queue, and the webhook server answers 200 once
``put`` returns. Admitting each update to the inbox inside ``put`` therefore records it durably
before Telegram forgets it; a repeat (an update answered already, or being answered) is dropped
here and never reaches the handlers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from telegram import Update

Admit = Callable[[Update], Awaitable[bool]]


class DurableUpdateQueue(asyncio.Queue[object]):
    """The ``Application``'s update queue (``ApplicationBuilder().update_queue(...)``).

    Attributes:
        admit: Records an update and says whether to handle it (set by the runner once it knows the
            bot's identity); PTB's own control objects pass through untouched.
    """

    admit: Admit | None = None

    async def put(self, item: object) -> None:
        """Queue ``item`` unless it is an update the inbox says was seen."""
        if isinstance(item, Update) and self.admit is not None and not await self.admit(item):
            return
        await super().put(item)

    async def put_admitted(self, update: Update) -> None:
        """Queue an update the inbox handed back (left unanswered by a stopped process)."""
        await super().put(update)
