"""Rate-limit arithmetic for the fake platform servers, judged on a ``PacingClock``.

Three shapes cover what Telegram and Slack enforce on broadcasts: a token bucket (Telegram's
"about 30 messages per second" overall), a minimum spacing per key (one message per second per
chat or channel) and a sliding window per key (20 messages per minute per Telegram group). Each
answers "how long until this may go?" (0 when it may go now) and is told when something went, so
a server can check every limit before it records a delivery. Every operation is O(1) amortised, so
tens of thousands of recipients cost nothing.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Hashable

from bot.broadcast.clock import PacingClock

# Waits shorter than this are rounding noise of float clock arithmetic, not a limit being hit.
EPSILON = 1e-9


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``rate`` per second; each message takes one.

    Args:
        rate: Tokens added per second of ``clock`` time.
        capacity: Most tokens the bucket holds (the largest burst); it starts full.
        clock: Judges time.
    """

    def __init__(self, rate: float, capacity: float, clock: PacingClock) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("a token bucket needs a positive rate and room for one token")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._updated = clock.monotonic()

    def take(self) -> float:
        """Take a token if there is one.

        Returns:
            0.0 when a token was taken, else the seconds until one will be there (none is taken).
        """
        now = self._clock.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1 - EPSILON:
            self._tokens = max(0.0, self._tokens - 1)
            return 0.0
        return (1 - self._tokens) / self.rate


class Spacing:
    """At least ``interval`` seconds between two accepted events of the same key.

    Args:
        interval: Seconds of ``clock`` time.
        clock: Judges time.
    """

    def __init__(self, interval: float, clock: PacingClock) -> None:
        self.interval = interval
        self._clock = clock
        self._last: dict[Hashable, float] = {}

    def wait(self, key: Hashable) -> float:
        """Seconds until ``key`` may go again (0.0 when it may go now)."""
        last = self._last.get(key)
        if last is None:
            return 0.0
        return _wait(last + self.interval - self._clock.monotonic())

    def mark(self, key: Hashable) -> None:
        """Record that an event of ``key`` went now."""
        self._last[key] = self._clock.monotonic()


class SlidingWindow:
    """At most ``limit`` accepted events of the same key in any ``window`` seconds.

    Args:
        limit: Events allowed per window.
        window: Seconds of ``clock`` time.
        clock: Judges time.
    """

    def __init__(self, limit: int, window: float, clock: PacingClock) -> None:
        if limit < 1:
            raise ValueError("a sliding window must allow at least one event")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}

    def wait(self, key: Hashable) -> float:
        """Seconds until ``key`` may go again (0.0 when it may go now)."""
        events = self._events.get(key)
        if not events:
            return 0.0
        now = self._clock.monotonic()
        while events and events[0] <= now - self.window + EPSILON:
            events.popleft()
        if len(events) < self.limit:
            return 0.0
        return _wait(events[0] + self.window - now)

    def mark(self, key: Hashable) -> None:
        """Record that an event of ``key`` went now."""
        self._events.setdefault(key, deque()).append(self._clock.monotonic())


def whole_seconds(wait: float) -> int:
    """``wait`` rounded up to whole seconds, at least 1: what Telegram and Slack put in a 429."""
    return max(1, math.ceil(wait - EPSILON))


def _wait(seconds: float) -> float:
    return seconds if seconds > EPSILON else 0.0


class ManualClock:
    """A ``PacingClock`` that moves only when told: exact limit tests, whatever the machine's load.

    ``sleep`` moves the clock forward by the time slept (and yields to the event loop once), so a
    single sender pacing itself on this clock runs instantly; concurrent sleepers each add their
    own time, so use it for one sender at a time.

    Args:
        start: The first reading.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def monotonic(self) -> float:
        """The current reading."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Move forward ``seconds`` and let other tasks run."""
        self.advance(seconds)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move forward ``seconds`` (never backwards)."""
        self.now += max(0.0, seconds)
