"""Time for pacing: a real clock, or a scaled one that runs N times faster (tests, benchmarks).

Pacing only ever asks "how long since?" and "wait this long", so a clock that runs ``scale`` times
faster than the wall clock lets a test check hours of platform limits in seconds, with the fake
platform servers enforcing the limits on the same clock.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class PacingClock(Protocol):
    """Monotonic seconds and sleeping, in the clock's own time."""

    def monotonic(self) -> float:
        """Seconds since an arbitrary start, in this clock's time."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""
        ...


class WallClock:
    """The real clock."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep``."""
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock:
    """A clock running ``scale`` times faster than the wall clock.

    Args:
        scale: How many clock seconds pass per real second (10 = ten times faster).
    """

    def __init__(self, scale: float) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self._start = time.monotonic()

    def monotonic(self) -> float:
        """Clock seconds since this clock was made."""
        return (time.monotonic() - self._start) * self.scale

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of clock time (``seconds / scale`` real seconds)."""
        await asyncio.sleep(max(0.0, seconds) / self.scale)
