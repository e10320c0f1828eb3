"""Pacing sends within a platform's limits, so that a broadcast never earns a 429 by itself.

The limits, what a group chat is and what a 429 holds up are the platform's declaration
(``bot.platforms.PlatformCapabilities``, one per adapter). The pacer keeps a margin under each limit
(``SAFETY``): the fake platform servers in the tests enforce the exact limits, and timing jitter must
not cross them. When the platform answers 429 anyway, ``rate_limited`` holds the whole platform or
one chat, as the platform declared, for the ``retry_after`` it asked for.
"""

from __future__ import annotations

import asyncio

from bot.broadcast.clock import PacingClock
from bot.platforms import PlatformCapabilities

# Share of each limit the pacer uses.
SAFETY = 0.95
# Chat entries older than this are dropped (a chat is ready again long before).
FORGET_AFTER = 120.0


class Pacer:
    """Hands out send slots within a platform's limits.

    Args:
        platform: The platform's declaration (limits, group chats, what a 429 holds up).
        clock: The clock limits are measured on.

    Raises:
        ValueError: When the platform declares no limits (it takes no broadcasts).
    """

    def __init__(self, platform: PlatformCapabilities, clock: PacingClock) -> None:
        if platform.limits is None:
            raise ValueError(f"{platform.name} takes no broadcasts: it declares no sending limits")
        self.platform = platform
        self.limits = limits = platform.limits
        self.clock = clock
        self._interval = 1.0 / (limits.messages_per_second * SAFETY) if limits.messages_per_second else 0.0
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def _chat_spacing(self, chat_id: str) -> float:
        spacing = self.limits.chat_interval
        if self.limits.group_interval and self.platform.is_group(chat_id):
            spacing = max(spacing, self.limits.group_interval)
        return spacing / SAFETY

    async def acquire(self, chat_id: str) -> None:
        """Wait for a slot to send one message to ``chat_id`` and take it."""
        async with self._lock:
            now = self.clock.monotonic()
            # The overall slot is taken at once, so a chat that must wait does not hold up others.
            overall = max(now, self._next_slot, self._paused_until)
            self._next_slot = overall + self._interval
            slot = max(overall, self._chat_next.get(chat_id, 0.0))
            self._chat_next[chat_id] = slot + self._chat_spacing(chat_id)
            if len(self._chat_next) > 50_000:
                self._forget(now)
        await self.clock.sleep(slot - self.clock.monotonic())

    def seed(self, seconds_ago: dict[str, float]) -> None:
        """Take in sends made before this pacer existed (by another replica, the previous leader).

        Each chat is held as if its last message went ``seconds_ago[chat]`` of this clock's
        seconds ago, so its spacing (and a group's per-minute limit) carries on across the switch.
        """
        now = self.clock.monotonic()
        for chat_id, ago in seconds_ago.items():
            ready = now - max(0.0, ago) + self._chat_spacing(chat_id)
            if ready > now:
                self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), ready)

    def rate_limited(self, chat_id: str, seconds: float) -> None:
        """The platform said 429 for ``chat_id``: hold that chat, or every send when the
        platform's limit is per bot (``rate_limit_scope``), for ``seconds``."""
        self.pause(seconds, None if self.platform.rate_limit_scope == "platform" else chat_id)

    def pause(self, seconds: float, chat_id: str | None = None) -> None:
        """Hold one chat (or, with no chat, the whole platform) for ``seconds``."""
        until = self.clock.monotonic() + max(0.0, seconds)
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)

    def _forget(self, now: float) -> None:
        self._chat_next = {chat: t for chat, t in self._chat_next.items() if t > now - FORGET_AFTER}
