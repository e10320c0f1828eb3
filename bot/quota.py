"""Per-member question quota: at most ``limit`` questions in any ``window`` (a sliding window).

The counts are shared by every process on one database (``bot.store.quota.DatabaseQuota``) or one
Redis server (``bot.redis_quota.RedisQuota``, when ``REDIS_URL`` is set), so N replicas give a member
one quota, not N. Both keep the same sliding log of question times and decide with ``take``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol


class Quota(Protocol):
    """What the question handlers need of a quota.

    Attributes:
        limit: Questions allowed per window.
        window: The window length.
    """

    limit: int
    window: timedelta

    async def try_take(self, member: str) -> float | None:
        """Count one question for ``member`` (``platform:user_id``).

        Returns:
            None when allowed; otherwise the seconds until the next question is allowed.
        """
        ...

    async def forget(self, member: str) -> None:
        """Drop what is known about ``member`` (``/forget``)."""
        ...


def take(asked: Sequence[float], now: float, limit: int, window: float) -> tuple[list[float], float | None]:
    """One question asked at ``now`` against the times of the member's earlier questions.

    Args:
        asked: The times (seconds since the epoch) of the member's earlier questions.
        now: The time of this question.
        limit: Questions allowed per window.
        window: The window length in seconds.

    Returns:
        The times to keep (only those still inside the window, this one added when allowed), and
        None when allowed or else the seconds until the oldest kept question leaves the window.
    """
    # Sorted: replicas' clocks may disagree by a little, and the oldest decides the wait.
    kept = sorted(moment for moment in asked if now - moment < window)
    if len(kept) >= limit:
        return kept, max(0.0, kept[0] + window - now)
    kept.append(now)
    return kept, None


def split_member(member: str) -> tuple[str, str]:
    """``platform:user_id`` as its two parts (a user id may itself hold colons)."""
    platform, _, user_id = member.partition(":")
    return platform, user_id


def minutes_to_wait(seconds: float) -> int:
    """Whole minutes, rounded up, at least 1 (what a member is told)."""
    return max(1, math.ceil(seconds / 60))
