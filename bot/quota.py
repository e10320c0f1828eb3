"""Per-member question quota: a sliding window of recent question times."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime, timedelta


class QuestionQuota:
    """At most ``limit`` questions per member in any ``window``.

    Kept in memory: a restart forgives everyone, which is the friendly failure mode for a quota whose
    job is to stop a runaway script, not to bill anyone.

    Args:
        limit: Questions allowed per window.
        window: The window length.
        clock: Current UTC time.
    """

    def __init__(self, limit: int, window: timedelta, clock: Callable[[], datetime]) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._asked: dict[str, deque[datetime]] = defaultdict(deque)

    def try_take(self, member: str) -> float | None:
        """Count one question for ``member``.

        Returns:
            None when allowed; otherwise the seconds until the next question is allowed.
        """
        now = self._clock()
        asked = self._asked[member]
        while asked and now - asked[0] >= self.window:
            asked.popleft()
        if len(asked) >= self.limit:
            return max(0.0, (asked[0] + self.window - now).total_seconds())
        asked.append(now)
        return None

    def forget(self, member: str) -> None:
        """Drop what is known about ``member`` (``/forget``)."""
        self._asked.pop(member, None)


def minutes_to_wait(seconds: float) -> int:
    """Whole minutes, rounded up, at least 1 (what a member is told)."""
    return max(1, math.ceil(seconds / 60))
