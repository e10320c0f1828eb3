"""Concurrent update processing that keeps each member's updates in order.

python-telegram-bot processes updates one by one unless told otherwise; answering takes retrieval
time, so members are served concurrently. Two quick messages from the same member in the same chat
must still be answered in the order they were written, hence one lock per (chat, member).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerMemberUpdateProcessor(BaseUpdateProcessor):
    """Processes updates of different members concurrently and one member's updates in order.

    Args:
        max_concurrent_updates: Updates processed at the same time, at most.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._holders: dict[tuple[int, int], int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` once the member's earlier updates are done."""
        key = member_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            # Forget the lock once nobody holds or waits for it, so the table stays small.
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def member_key(update: object) -> tuple[int, int] | None:
    """(chat id, user id) of an update, when it has both."""
    if not isinstance(update, Update) or update.effective_user is None or update.effective_chat is None:
        return None
    return update.effective_chat.id, update.effective_user.id
