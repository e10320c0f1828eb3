"""One platform's delivery worker: claims outbox rows, sends them at the pace the platform allows,
and records each outcome.

Outcomes are written in small batches (every ``flush_seconds`` or ``flush_size`` results): a crash
between a send and its batch leaves those rows ``sending`` until their lease ends, and they count
among the messages in flight that may go out twice. While the worker lives, the claims of the rows
it holds are renewed (``bot.broadcast.claims``): a row waiting long for its turn is never handed to
another worker — nor to this one again — while this one still means to send it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.broadcast.claims import HeldClaims
from bot.broadcast.pacing import Pacer
from bot.delivery import (
    ChatMigrated,
    DeliveryError,
    RateLimited,
    RecipientGone,
    Sender,
    TransientDeliveryError,
)
from bot.models import Reply, Target
from bot.store.outbox import OutboxItem, OutboxStore, Outcome

log = logging.getLogger(__name__)

# 429s in a row for one message before it goes back to the outbox for later.
RATE_LIMIT_RETRIES = 5
MAX_BACKOFF_SECONDS = 600.0

MessageFor = Callable[[OutboxItem], Awaitable[Reply]]


@dataclass(frozen=True)
class DispatchTuning:
    """How a worker batches and retries.

    Attributes:
        batch: Rows claimed at a time.
        lease: How long a claim holds a row before another worker may take it (renewed every third
            of it while the worker holds the row).
        concurrency: Sends in progress at once.
        max_attempts: Tries before a row fails for good (network and server errors).
        backoff_seconds: First retry delay; doubles each attempt.
        flush_seconds: Longest an outcome waits before it is written.
        flush_size: Outcomes written together.
        idle_seconds: Wait between empty claims.
    """

    batch: int = 50
    lease: timedelta = timedelta(seconds=60)
    concurrency: int = 16
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    flush_seconds: float = 0.25
    flush_size: int = 64
    idle_seconds: float = 1.0


class PlatformDispatcher:
    """Delivers one platform's outbox rows.

    Args:
        sender: The platform's sender.
        store: The outbox.
        pacer: The platform's pacer.
        message_for: Builds the reply a row's recipient gets.
        clock: Current UTC time (for the database).
        tuning: Batching and retry settings.
    """

    def __init__(
        self,
        sender: Sender,
        store: OutboxStore,
        pacer: Pacer,
        message_for: MessageFor,
        clock: Callable[[], datetime],
        tuning: DispatchTuning,
    ) -> None:
        self.platform = sender.platform
        self._sender = sender
        self._store = store
        self._pacer = pacer
        self._message_for = message_for
        self._clock = clock
        self._tuning = tuning
        self._results: list[Outcome] = []
        self._held = HeldClaims(store, tuning.lease, clock)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set, then finish the sends in progress and write their outcomes."""
        slots = asyncio.Semaphore(self._tuning.concurrency)
        sends: set[asyncio.Task[None]] = set()
        background = [
            asyncio.create_task(self._flush_regularly()),
            asyncio.create_task(self._held.renew_regularly()),
        ]
        try:
            while not stop.is_set():
                started = self._held.started()
                try:
                    items = await self._store.claim(
                        self.platform, self._clock(), limit=self._tuning.batch, lease=self._tuning.lease
                    )
                except Exception:  # the database is away for a moment: the worker must live on
                    log.exception("%s outbox: claiming rows failed; trying again", self.platform)
                    items = []
                if not items:
                    await self._wait(stop, self._tuning.idle_seconds)
                    continue
                fresh = set(self._held.take((item.id for item in items), started))
                items = [item for item in items if item.id in fresh]
                for index, item in enumerate(items):
                    await slots.acquire()
                    if stop.is_set():  # hand back what was claimed but not started
                        slots.release()
                        left = [row.id for row in items[index:]]
                        await self._store.release(left)
                        self._held.drop(left)
                        break
                    task = asyncio.create_task(self._deliver(item, slots))
                    sends.add(task)
                    task.add_done_callback(sends.discard)
        finally:
            if sends:
                await asyncio.gather(*sends, return_exceptions=True)
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.flush()

    async def flush(self) -> None:
        """Write the outcomes collected so far."""
        results, self._results = self._results, []
        if not results:
            return
        try:
            await self._store.record(results, self._clock())
        except Exception:
            self._results = results + self._results  # keep them for the next flush
            raise
        self._held.drop(result.item.id for result in results)

    async def _flush_regularly(self) -> None:
        while True:
            await asyncio.sleep(self._tuning.flush_seconds)
            try:
                await self.flush()
            except Exception:
                log.exception("%s outbox: writing outcomes failed; they will be retried", self.platform)

    async def _wait(self, stop: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)

    async def _deliver(self, item: OutboxItem, slots: asyncio.Semaphore) -> None:
        try:
            outcome = await self._send(item)
        except Exception as error:  # a bug must not kill the worker or lose the row
            log.exception("%s outbox: row %d failed unexpectedly", self.platform, item.id)
            outcome = self._retry_or_fail(item, f"{type(error).__name__}: {error}")
        finally:
            slots.release()
        if outcome is None:  # its claim ran out: not this worker's row any more
            self._held.drop([item.id])
            return
        self._results.append(outcome)
        if len(self._results) >= self._tuning.flush_size:
            await self.flush()

    async def _send(self, item: OutboxItem) -> Outcome | None:
        """Send ``item`` and say what became of it; None when it was not sent because its claim
        could not be kept (another worker may hold the row by now)."""
        reply = await self._message_for(item)
        target = Target.parse(f"{item.platform}:{item.chat_id}")
        for _ in range(RATE_LIMIT_RETRIES):
            await self._pacer.acquire(item.chat_id)
            if not self._held.may_send(item.id):
                log.warning("%s outbox: the claim on row %d ran out before its send", self.platform, item.id)
                return None
            try:
                sent = await self._sender.send(target, reply)
            except RateLimited as error:
                log.warning(
                    "%s said 429 for chat %s: pausing %.1fs", self.platform, item.chat_id, error.retry_after
                )
                self._pacer.rate_limited(item.chat_id, error.retry_after)
                continue
            except RecipientGone as error:
                log.info(
                    "%s chat %s is gone (%s): subscriptions deactivated", self.platform, item.chat_id, error
                )
                return Outcome(item=item, kind="gone", error=str(error))
            except ChatMigrated as error:
                return Outcome(item=item, kind="migrated", new_chat_id=error.new_chat_id, error=str(error))
            except TransientDeliveryError as error:
                return self._retry_or_fail(item, str(error))
            except DeliveryError as error:
                log.warning("%s refused a message to %s: %s", self.platform, item.chat_id, error)
                return Outcome(item=item, kind="failed", error=str(error))
            return Outcome(item=item, kind="sent", message_id=sent.message_id)
        return Outcome(item=item, kind="retry", retry_at=self._clock(), error="rate limited")

    def _retry_or_fail(self, item: OutboxItem, error: str) -> Outcome:
        if item.attempts >= self._tuning.max_attempts:
            log.warning("%s chat %s failed %d times: %s", self.platform, item.chat_id, item.attempts, error)
            return Outcome(item=item, kind="failed", error=error)
        delay = min(MAX_BACKOFF_SECONDS, self._tuning.backoff_seconds * 2 ** (item.attempts - 1))
        return Outcome(
            item=item, kind="retry", retry_at=self._clock() + timedelta(seconds=delay), error=error
        )
