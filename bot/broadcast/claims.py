"""The outbox rows one delivery worker holds, kept claimed for as long as it holds them.

A claim lasts ``lease``; after that any worker's ``OutboxStore.recover`` hands the row out again. A
worker may hold a row longer than that without any fault of its own: a batch waits for the pacer
(a 429 pause, a slow platform), or the process is short of CPU. Were the claim left to run out, the
row would be claimed a second time while the first holder still meant to send it — one member
would get the message twice. So the worker renews the claims of every row it holds, from the claim
until its outcome is written, every third of the lease; and before each send it checks that the
claim is still its own with time to spare. A claim it could not renew in time (the process stalled,
the database away) is given up: the row is not sent by this worker, and goes back to the outbox
when the claim runs out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from bot.store.outbox import OutboxStore

log = logging.getLogger(__name__)
# Renewals per lease; and the share of the lease that must be left for a send to start.
RENEWALS_PER_LEASE = 3
SEND_MARGIN_SHARE = 1 / 3
LOST = float("-inf")


class HeldClaims:
    """The rows a worker claimed and has not recorded yet, with when each claim may run out.

    Args:
        store: The outbox.
        lease: How long a claim (or renewal) holds a row.
        clock: Current UTC time (for the database).
    """

    def __init__(self, store: OutboxStore, lease: timedelta, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._lease = lease
        self._seconds = lease.total_seconds()
        self._clock = clock
        # Row id -> monotonic time by which its claim may have run out (LOST: it may have already).
        self._until: dict[int, float] = {}

    def started(self) -> float:
        """The monotonic time to take just before a claim statement (its rows' deadline base)."""
        return time.monotonic()

    def take(self, ids: Iterable[int], started: float) -> list[int]:
        """Hold rows claimed by a statement started at ``started``; returns those newly held.

        A row this worker already holds can be claimed again only after its claim ran out while the
        worker was stalled: the first hold goes on with it, the second is dropped.
        """
        fresh = [row for row in ids if row not in self._until]
        for row in fresh:
            self._until[row] = started + self._seconds
        return fresh

    def may_send(self, row: int) -> bool:
        """True while the claim on ``row`` has enough time left for a send to start and be recorded."""
        until = self._until.get(row, LOST)
        return time.monotonic() < until - self._seconds * SEND_MARGIN_SHARE

    def drop(self, ids: Iterable[int]) -> None:
        """Stop holding rows: their outcome is written, they were released or given up."""
        for row in ids:
            self._until.pop(row, None)

    def __len__(self) -> int:
        return len(self._until)

    async def renew(self) -> None:
        """Renew the claims of every row held whose claim has not run out; give up the others."""
        started = time.monotonic()
        alive = [row for row, until in self._until.items() if until > started]
        for row, until in self._until.items():
            if until <= started:
                self._until[row] = LOST  # never renewed again: another worker may hold it now
        if not alive:
            return
        kept = await self._store.extend(alive, self._clock(), lease=self._lease)
        lost = 0
        for row in alive:
            if row not in self._until:
                continue  # recorded meanwhile
            if row in kept:
                self._until[row] = started + self._seconds
            else:
                self._until[row] = LOST
                lost += 1
        if lost:
            log.warning("outbox: %d claimed rows were no longer held by this worker", lost)

    async def renew_regularly(self) -> None:
        """Renew every third of the lease until cancelled (failures are logged and retried)."""
        while True:
            await asyncio.sleep(self._seconds / RENEWALS_PER_LEASE)
            try:
                await self.renew()
            except Exception:
                log.exception("outbox: renewing the claims failed; trying again")
