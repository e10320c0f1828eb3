"""Pacing sends within a platform's limits, so that a broadcast never earns a 429 by itself.

Telegram allows about 30 messages per second overall, one per second to a chat and 20 per minute to
a group; Slack one per second to a channel. The pacer keeps a margin under each (``SAFETY``): the
fake platform servers in the tests enforce the exact limits, and timing jitter must not cross them.
When the platform answers 429 anyway, ``pause`` holds the whole platform or one chat for the
``retry_after`` it asked for.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.broadcast.clock import PacingClock

# Share of each limit the pacer uses.
SAFETY = 0.95
# Chat entries older than this are dropped (a chat is ready again long before).
FORGET_AFTER = 120.0


@dataclass(frozen=True)
class PlatformLimits:
    """A platform's sending limits.

    Attributes:
        messages_per_second: Overall rate; None when only per-chat limits apply.
        chat_interval: Seconds between two messages to one chat.
        group_interval: Seconds between two messages to one group (Telegram: 20 per minute);
            None when groups are like other chats.
    """

    messages_per_second: float | None
    chat_interval: float
    group_interval: float | None = None


def telegram_limits(messages_per_second: float = 30.0) -> PlatformLimits:
    """Telegram's limits (30 messages/s overall unless raised, 1/s per chat, 20/min per group)."""
    return PlatformLimits(messages_per_second=messages_per_second, chat_interval=1.0, group_interval=3.0)


def slack_limits() -> PlatformLimits:
    """Slack's ``chat.postMessage`` limit: one message per second per channel."""
    return PlatformLimits(messages_per_second=None, chat_interval=1.0)


def is_group(platform: str, chat_id: str) -> bool:
    """Telegram groups and supergroups have negative ids."""
    return platform == "telegram" and chat_id.startswith("-")


class Pacer:
    """Hands out send slots within ``limits``.

    Args:
        platform: Whose limits these are (group detection).
        limits: The limits.
        clock: The clock limits are measured on.
    """

    def __init__(self, platform: str, limits: PlatformLimits, clock: PacingClock) -> None:
        self.platform = platform
        self.limits = limits
        self.clock = clock
        self._interval = 1.0 / (limits.messages_per_second * SAFETY) if limits.messages_per_second else 0.0
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def _chat_spacing(self, chat_id: str) -> float:
        spacing = self.limits.chat_interval
        if self.limits.group_interval and is_group(self.platform, chat_id):
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

    def pause(self, seconds: float, chat_id: str | None = None) -> None:
        """Hold one chat (or, with no chat, the whole platform) for ``seconds``."""
        until = self.clock.monotonic() + max(0.0, seconds)
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)

    def _forget(self, now: float) -> None:
        self._chat_next = {chat: t for chat, t in self._chat_next.items() if t > now - FORGET_AFTER}
