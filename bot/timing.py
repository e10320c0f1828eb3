"""Where the time of each message goes: stages and database round trips, per platform event.

Off by default and then nearly free (one context-variable read per stage). The benchmarks switch it
on (``Timings.enabled``) and read one ``RequestTiming`` per event: seconds per stage (de-duplication,
routing, member, answer, recording, rendering, platform) and the statements sent to the database.

A request is keyed by the event's inbox key, so the adapter's admission, the core's answer and the
adapter's sends, which run in different tasks, add up on one record. Stages are exclusive: a stage
entered inside another pauses the outer one, so the stages of a message add up to its time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# Stage names, in the order a message meets them (what the benchmarks print).
STAGES = ("inbox", "routing", "queue", "member", "answer", "recording", "rendering", "platform")


@dataclass
class RequestTiming:
    """The measured cost of one event.

    Attributes:
        seconds: Time spent per stage.
        statements: SQL statements sent to the database while handling it.
    """

    seconds: dict[str, float] = field(default_factory=dict)
    statements: int = 0
    _open: list[tuple[str, float]] = field(default_factory=list)

    def enter(self, stage: str) -> None:
        """Start ``stage``, pausing the one in progress."""
        now = time.perf_counter()
        if self._open:
            self._charge(self._open[-1][0], now - self._open[-1][1])
        self._open.append((stage, now))

    def leave(self) -> None:
        """End the innermost stage and resume the one it paused."""
        now = time.perf_counter()
        stage, since = self._open.pop()
        self._charge(stage, now - since)
        if self._open:
            self._open[-1] = (self._open[-1][0], now)

    def _charge(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


_current: ContextVar[RequestTiming | None] = ContextVar("eser_request_timing", default=None)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Charge the time of the ``with`` block to stage ``name`` of the event being measured (nothing
    when none is)."""
    timing = _current.get()
    if timing is None:
        yield
        return
    timing.enter(name)
    try:
        yield
    finally:
        timing.leave()


class Timings:
    """The per-event records of one app (kept only while ``enabled``)."""

    def __init__(self) -> None:
        self.enabled = False
        self.requests: dict[str, RequestTiming] = {}

    @contextmanager
    def request(self, key: str) -> Iterator[None]:
        """Measure the ``with`` block as part of event ``key`` (nested use for the same key is one)."""
        if not self.enabled or not key:
            yield
            return
        timing = self.requests.setdefault(key, RequestTiming())
        if _current.get() is timing:
            yield
            return
        token = _current.set(timing)
        try:
            yield
        finally:
            _current.reset(token)

    def count_statements(self, engine: AsyncEngine) -> None:
        """Count every statement ``engine`` sends against the event being measured."""

        def counted(*_: Any) -> None:
            timing = _current.get()
            if timing is not None:
                timing.statements += 1

        event.listen(engine.sync_engine, "before_cursor_execute", counted)
