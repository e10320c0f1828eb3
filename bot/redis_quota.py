"""The question quota kept in Redis (``REDIS_URL``): one sorted set of question times per member.

The same sliding window as ``bot.quota.take``, decided inside Redis by one Lua script, so that two
replicas taking a member's last question at the same moment cannot both get it. Each key expires one
window after the member's last question, so nothing outlives its use.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from redis.asyncio import Redis

KEY_PREFIX = "eser:quota:"
# KEYS[1]: the member's set. ARGV: now, window (seconds), limit, a unique name for this question.
# Returns nil when allowed, else the seconds to wait as text (Lua numbers come back as integers).
TAKE_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(math.max(0, tonumber(oldest[2]) + window - now))
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return false
"""


class RedisQuota:
    """At most ``limit`` questions per member in any ``window``, counted in Redis.

    Args:
        client: The Redis client (``redis.asyncio``).
        limit: Questions allowed per window.
        window: The window length.
        clock: Current UTC time.
        prefix: Prepended to every key (tests give each run its own).
    """

    def __init__(
        self,
        client: Redis,
        limit: int,
        window: timedelta,
        clock: Callable[[], datetime],
        *,
        prefix: str = KEY_PREFIX,
    ) -> None:
        self.limit = limit
        self.window = window
        self._client = client
        self._clock = clock
        self._prefix = prefix
        self._take = client.register_script(TAKE_SCRIPT)

    @classmethod
    def from_url(
        cls,
        url: str,
        limit: int,
        window: timedelta,
        clock: Callable[[], datetime],
        *,
        prefix: str = KEY_PREFIX,
    ) -> RedisQuota:
        """A quota on the Redis server at ``url`` (``redis://host:6379/0``); connects on first use."""
        return cls(Redis.from_url(url), limit, window, clock, prefix=prefix)

    async def try_take(self, member: str) -> float | None:
        """Count one question for ``member`` (``platform:user_id``).

        Returns:
            None when allowed; otherwise the seconds until the next question is allowed.
        """
        now = self._clock().timestamp()
        wait = await self._take(
            keys=[self._prefix + member],
            args=[repr(now), repr(self.window.total_seconds()), self.limit, uuid.uuid4().hex],
        )
        return None if wait is None else float(wait)

    async def forget(self, member: str) -> None:
        """Delete the member's question times (``/forget``) before the erasure is confirmed."""
        await self._client.delete(self._prefix + member)

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()
