"""Leader election among replicas: one of them at a time does the work only one should do
(pacing and sending broadcasts, the periodic jobs), and another takes over when it dies.

The replica that holds the ``delivery`` lease (``bot.store.leases``) is the leader. It renews the
lease every third of ``lease_seconds``; a renewal that fails (the database away) is tried again
until two thirds of the lease are gone, and then, or as soon as another replica holds the lease, the
leader stops its work, leaving the last third for the sends in flight to finish before the lease
can run out. Followers ask for the lease every sixth of it, so one takes over at most that long
after the lease has run out (at once after a leader that stopped cleanly gave it up).

A new leader waits ``settle_seconds`` before it starts: the old one's last sends still count in the
platforms' one-second windows, and the two pacers do not know of each other.

Two leaders for a moment (a stalled leader that wakes up late) cannot send a message twice: the
outbox hands each row to one worker with one ``UPDATE … RETURNING`` (``OutboxStore.claim``), so the
worst an overlap does is share a second of the platforms' rate between two pacers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from bot.store.database import is_unavailable, one_line
from bot.store.leases import DELIVERY, LeaseStore

log = logging.getLogger(__name__)

Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
# Share of the lease between renewals (leader) and between attempts to take it (followers).
RENEW_SHARE = 1 / 3
POLL_SHARE = 1 / 6
# Share of the lease kept for the work to stop after the last failed renewal.
STOP_SHARE = 1 / 3
RETRY_SECONDS = 0.5


def replica_id() -> str:
    """An id for this process, unique across machines and restarts (host, pid and a random part)."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaderElection:
    """Runs ``work`` in this replica only while it holds the lease.

    Args:
        leases: The lease table; None when this process is the only one (SQLite): it always leads.
        lease_seconds: How long a lease lasts without renewal (``ESER_LEADER_LEASE_SECONDS``).
        holder: This replica's id (``replica_id()`` when empty).
        name: The role.
        settle_seconds: Wait between winning the lease and starting the work.
    """

    def __init__(
        self,
        leases: LeaseStore | None,
        *,
        lease_seconds: float,
        holder: str = "",
        name: str = DELIVERY,
        settle_seconds: float = 1.0,
    ) -> None:
        if lease_seconds <= 0:
            raise ValueError("lease_seconds must be positive")
        self.leases = leases
        self.lease_seconds = lease_seconds
        self.holder = holder or replica_id()
        self.name = name
        self.settle_seconds = settle_seconds
        self.is_leader = False
        self.terms = 0  # how many times this replica became the leader (tests, metrics)
        self._expires = 0.0  # loop time by which the lease may have run out

    async def run(self, work: Work, stop: asyncio.Event) -> None:
        """Lead whenever possible until ``stop`` is set; then stop the work and give the lease up.

        ``work(term_stop)`` is started at each term and must return soon after ``term_stop`` is set.
        Cancelling this coroutine stops the work too but keeps the lease until it runs out (as a
        crash would).

        Args:
            work: What only the leader does.
            stop: Set it to end the election for this replica.
        """
        if self.leases is None:
            await self._lead(work, stop, renew=False)
            return
        while not stop.is_set():
            if await self._try_acquire():
                await self._lead(work, stop, renew=True)
            else:
                await _wait(stop, self.lease_seconds * POLL_SHARE)
        with contextlib.suppress(Exception):
            if await asyncio.wait_for(self.leases.release(self.name, self.holder), self.lease_seconds):
                log.info("gave up the delivering role (%s)", self.holder)

    async def _lead(self, work: Work, stop: asyncio.Event, *, renew: bool) -> None:
        loop = asyncio.get_running_loop()
        self.is_leader = True
        self.terms += 1
        log.info("became the delivering replica (%s)", self.holder)
        interval = self.lease_seconds * RENEW_SHARE
        # Alone on SQLite there is no other pacer to make room for.
        start_at = loop.time() + (self.settle_seconds if renew else 0.0)
        renew_at = self._expires - self.lease_seconds + interval
        term_stop = asyncio.Event()
        task: asyncio.Task[None] | None = None
        try:
            while not stop.is_set():
                if task is None and loop.time() >= start_at:
                    task = asyncio.create_task(work(term_stop), name=f"leader-{self.name}")
                wake_at = renew_at if renew else None
                if task is None:
                    wake_at = start_at if wake_at is None else min(wake_at, start_at)
                await _wait_any(stop, task, None if wake_at is None else wake_at - loop.time())
                if task is not None and task.done():
                    _log_ended(task)
                    return
                if renew and not stop.is_set() and loop.time() >= renew_at:
                    if not await self._renew():
                        return
                    renew_at = self._expires - self.lease_seconds + interval
        finally:
            term_stop.set()
            if task is not None:
                # The work finishes its sends in flight and records them (also when cancelled).
                await asyncio.gather(task, return_exceptions=True)
            self.is_leader = False
            log.info("stopped delivering (%s)", self.holder)

    async def _try_acquire(self) -> bool:
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert self.leases is not None
        wait = self.lease_seconds * POLL_SHARE
        try:
            won = await asyncio.wait_for(
                self.leases.acquire(self.name, self.holder, self.lease_seconds), wait
            )
        except TimeoutError:
            # A busy or locked database, not an unreachable one: said as such (the error has no text).
            log.warning(
                "taking the delivering role took longer than %.1f s (a busy database); trying again", wait
            )
            return False
        except Exception as error:
            _log_failure("taking the delivering role", error)
            return False
        if won:
            # Measured from before the statement: the database's expiry is never earlier than this.
            self._expires = started + self.lease_seconds
        return won

    async def _renew(self) -> bool:
        """Renew the lease, retrying failures while time is left; False when the leader must stop."""
        assert self.leases is not None
        loop = asyncio.get_running_loop()
        give_up_at = self._expires - self.lease_seconds * STOP_SHARE
        while (remaining := give_up_at - loop.time()) > 0:
            started = loop.time()
            try:
                held = await asyncio.wait_for(
                    self.leases.acquire(self.name, self.holder, self.lease_seconds), remaining
                )
            except TimeoutError:
                break
            except Exception as error:
                _log_failure("renewing the delivering role", error)
                await asyncio.sleep(min(RETRY_SECONDS, max(0.0, give_up_at - loop.time())))
                continue
            if held:
                self._expires = started + self.lease_seconds
                return True
            log.warning("another replica holds the delivering role: this one stops delivering")
            return False
        log.warning("the delivering role could not be renewed in time: this one stops delivering")
        return False


def _log_failure(what: str, error: Exception) -> None:
    if is_unavailable(error):
        log.warning("%s failed: the database is out of reach (%s)", what, one_line(error))
    else:
        log.error("%s failed", what, exc_info=error)


def _log_ended(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        log.error("the delivering work was cancelled")
    elif (error := task.exception()) is not None:
        log.error("the delivering work failed", exc_info=error)
    else:
        log.error("the delivering work ended by itself")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))


async def _wait_any(stop: asyncio.Event, task: asyncio.Task[None] | None, seconds: float | None) -> None:
    """Wait until ``stop`` is set, ``task`` ends or ``seconds`` have passed."""
    stopped = asyncio.ensure_future(stop.wait())
    waiting: set[asyncio.Future[Any]] = {stopped} if task is None else {stopped, task}
    try:
        await asyncio.wait(
            waiting,
            timeout=None if seconds is None else max(0.0, seconds),
            return_when=asyncio.FIRST_COMPLETED,
        )
    finally:
        stopped.cancel()
