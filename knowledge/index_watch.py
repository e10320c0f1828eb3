"""Noticing, within seconds, that another process changed the index, and reloading in the background.

Replicas share one Chroma server while ``eser-bot ingest`` (or another replica adding an event)
writes to it. ``IndexWatch.poll`` is cheap enough to call on every question: at most once per
interval it starts a background check of the version token (``knowledge.index_version``), and a
changed token reloads the index's in-memory side there. The question that polled is answered from
the state loaded so far, so no member waits for a reload; the answerer's caches follow
``index.version`` on the next question.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable

from knowledge.index import VectorIndex

log = logging.getLogger(__name__)


class IndexWatch:
    """Throttled, non-blocking checks of one index's version.

    Args:
        index: The index to keep current.
        interval: Least seconds between two checks (0: every poll checks).
        monotonic: The clock of the throttle (a monotonic one: wall-clock jumps must not matter).

    Attributes:
        after_reload: Called (on the checking thread) after each reload; ``serve`` sets it to keep
            the new index away from the garbage collector (``bot.long_lived``).
    """

    def __init__(
        self, index: VectorIndex, interval: float = 2.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.index = index
        self.interval = interval
        self._monotonic = monotonic
        self._next_check = monotonic() + interval  # the index was loaded just now
        self._lock = threading.Lock()
        self._running: threading.Thread | None = None
        self.after_reload: Callable[[], object] | None = None

    def poll(self) -> threading.Thread | None:
        """Start a background check when one is due and none runs.

        Returns:
            The thread started, or None when no check was due (tests wait on the thread).
        """
        now = self._monotonic()
        with self._lock:
            if now < self._next_check or (self._running is not None and self._running.is_alive()):
                return None
            self._next_check = now + self.interval
            self._running = threading.Thread(target=self.check, name="index-watch", daemon=True)
            self._running.start()
            return self._running

    def check(self) -> bool:
        """Check now, reloading when the version changed (blocking).

        Returns:
            Whether the index was reloaded. A store that cannot be reached is logged and retried at
            the next check: answers go on from the state loaded last.
        """
        try:
            reloaded = self.index.refresh_if_changed()
        except Exception as error:  # the next poll tries again; serving must go on
            log.warning("index version check failed (%s): %s", type(error).__name__, error)
            return False
        if reloaded and self.after_reload is not None:
            self.after_reload()
        return reloaded

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every ``interval`` until ``stop`` is set, so an idle replica is current before its
        next question rather than during it (``serve`` runs this)."""
        while not stop.is_set():
            self.poll()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(self.interval, 0.1))
