"""Per-event timings (``bot.timing``): exclusive stages, events kept apart, nothing when off, and
the database statements counted on a real SQLite engine."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.timing import Timings, stage


def test_a_stage_inside_another_pauses_it() -> None:
    timings = Timings()
    timings.enabled = True
    with timings.request("event-1"), stage("routing"):
        time.sleep(0.02)
        with stage("queue"):
            time.sleep(0.05)
        time.sleep(0.02)
    seconds = timings.requests["event-1"].seconds
    assert 0.05 <= seconds["queue"] < 0.09
    assert 0.04 <= seconds["routing"] < 0.07  # the wait in the queue is not routing's


def test_two_parts_of_one_event_add_up_and_other_events_stay_apart() -> None:
    timings = Timings()
    timings.enabled = True
    for _ in range(2):  # the adapter's part and the core's part of one event
        with timings.request("event-1"), stage("platform"):
            time.sleep(0.01)
    with timings.request("event-2"), stage("platform"):
        pass
    assert timings.requests["event-1"].seconds["platform"] >= 0.02
    assert timings.requests["event-2"].seconds["platform"] < 0.01


def test_nothing_is_kept_unless_enabled() -> None:
    timings = Timings()
    with timings.request("event-1"), stage("routing"):
        pass
    assert timings.requests == {}


async def test_statements_are_counted_per_event(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    timings = Timings()
    timings.enabled = True
    timings.count_statements(engine)
    try:
        async with engine.connect() as connection:
            with timings.request("event-1"):
                for _ in range(3):
                    await connection.execute(text("SELECT 1"))
            await connection.execute(text("SELECT 1"))  # outside any event: not counted
    finally:
        await engine.dispose()
    assert timings.requests["event-1"].statements == 3
