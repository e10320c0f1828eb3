"""The inbox as the adapters use it: admit an event before acknowledging it, mark it done once its
reply is sent, and answer after a restart what a crashed process left unanswered.

Each adapter admits every event under a key scoped by its bot or workspace (``telegram:<bot id>:
<update id>``, ``slack:<team id>:<event id>``) with the platform payload needed to handle it again,
and registers a ``Replay`` for its key prefix. ``run`` (started by ``eser-bot serve``) renews this
process's holds on the events it is answering and hands the events whose holder died to their
adapter's replay. An event is answered once: a process that dies before the reply leaves has its
event answered by the next one; the only repeat left is a reply the platform received just before
the kill (the event was not yet marked done).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.store.database import is_unavailable, one_line
from bot.store.inbox import Abandoned, Admission, InboxStore
from bot.timing import Timings, stage

log = logging.getLogger(__name__)

Replay = Callable[[Abandoned], Awaitable[None]]
# An event whose handling killed the process this many times is given up (and logged), so that one
# poisonous message cannot crash every restart.
MAX_ATTEMPTS = 3


class Inbox:
    """Durable receipt of platform events.

    Args:
        store: The inbox table.
        clock: Current UTC time.
        lease: How long a hold lasts without renewal.
        timings: Where admissions and completions are measured (``bot.timing``).
    """

    def __init__(
        self,
        store: InboxStore,
        clock: Callable[[], datetime],
        lease: timedelta,
        timings: Timings | None = None,
    ) -> None:
        self.store = store
        self.timings = timings or Timings()
        self.lease = lease
        self._clock = clock
        self._working: set[str] = set()
        self._replays: dict[str, Replay] = {}

    async def admit(self, key: str, *, platform: str, user_id: str, payload: str) -> bool:
        """Record an arriving event before it is acknowledged.

        Args:
            key: The event's scoped key.
            platform: Where it came from.
            user_id: Who acted.
            payload: What the adapter needs to handle it again (platform JSON).

        Returns:
            True to handle it now; False for a repeat of an event answered (or being answered).

        Raises:
            Exception: When the database cannot record it; the caller answers without the guarantee.
        """
        now = self._clock()
        with self.timings.request(key), stage("inbox"):
            admission = await self.store.admit(
                key, platform=platform, user_id=user_id, payload=payload, now=now, hold_until=now + self.lease
            )
        if admission is Admission.DUPLICATE:
            log.info("duplicate event %s ignored", key)
            return False
        if admission is Admission.RESUMED:
            log.warning("event %s arrived again after its first handler stopped; answering it now", key)
        self._working.add(key)
        return True

    def resume(self, key: str) -> None:
        """Hold ``key`` while a replayed event is handled (``take_abandoned`` took it already)."""
        self._working.add(key)

    async def done(self, key: str) -> None:
        """The event's replies were sent (or it needed none). Database trouble is logged, not raised:
        the member has their answer."""
        self._working.discard(key)
        try:
            with self.timings.request(key), stage("inbox"):
                await self.store.finish(key, self._clock())
        except Exception as error:
            if not is_unavailable(error):
                raise
            log.warning(
                "inbox: could not mark event %s done (database unreachable: %s)", key, one_line(error)
            )

    def serve(self, prefix: str, replay: Replay) -> None:
        """Let ``replay`` handle abandoned events whose key starts with ``prefix``."""
        self._replays[prefix] = replay

    def withdraw(self, prefix: str) -> None:
        """Stop replaying events of ``prefix`` (the adapter stopped)."""
        self._replays.pop(prefix, None)

    async def tick(self) -> int:
        """Renew the holds of the events in hand and replay abandoned ones; returns how many."""
        now = self._clock()
        await self.store.renew(set(self._working), now + self.lease)
        if not self._replays:
            return 0
        taken = await self.store.take_abandoned(list(self._replays), now=now, hold_until=now + self.lease)
        for item in taken:
            if item.attempts > MAX_ATTEMPTS:
                log.error("event %s given up after %d attempts to answer it", item.key, item.attempts - 1)
                await self.store.finish(item.key, now)
                continue
            replay = next(fn for prefix, fn in self._replays.items() if item.key.startswith(prefix))
            log.warning("answering event %s left unanswered by a stopped process", item.key)
            self.resume(item.key)
            try:
                await replay(item)
            except Exception:
                self._working.discard(item.key)
                log.exception("replaying event %s failed; it will be tried again", item.key)
        return len(taken)

    async def run(self, stop: asyncio.Event, *, interval: float | None = None) -> None:
        """Tick until ``stop`` is set (every third of the lease by default)."""
        every = interval or max(0.2, self.lease.total_seconds() / 3)
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("inbox: renewing holds or taking over abandoned events failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
