"""The inbox table: admission, repeats, holds, take-over of abandoned events, purge (SQLite and
PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.inbox import DONE, Admission, InboxRow, InboxStore
from tests.conftest import FIXED_NOW

NOW = FIXED_NOW
HOLD = NOW + timedelta(seconds=30)


async def _row(sessions: async_sessionmaker[AsyncSession], key: str) -> InboxRow | None:
    async with sessions() as session:
        return await session.get(InboxRow, key)


async def test_an_event_is_new_once_then_a_duplicate(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = InboxStore(sessions)
    admit = dict(platform="telegram", user_id="42", payload='{"update_id": 7}', now=NOW, hold_until=HOLD)
    assert await store.admit("telegram:1:7", **admit) is Admission.NEW  # type: ignore[arg-type]
    # Delivered again while the first is being answered: not answered twice.
    assert await store.admit("telegram:1:7", **admit) is Admission.DUPLICATE  # type: ignore[arg-type]
    await store.finish("telegram:1:7", NOW)
    row = await _row(sessions, "telegram:1:7")
    assert row is not None and row.state == DONE and row.payload == ""  # the member's words are gone
    later = dict(admit, now=NOW + timedelta(hours=1), hold_until=NOW + timedelta(hours=2))
    assert await store.admit("telegram:1:7", **later) is Admission.DUPLICATE  # type: ignore[arg-type]
    # Another bot's update 7 is another event.
    assert await store.admit("telegram:2:7", **admit) is Admission.NEW  # type: ignore[arg-type]


async def test_a_retry_after_the_holder_died_is_answered(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = InboxStore(sessions)
    await store.admit("slack:T1:Ev1", platform="slack", user_id="U1", payload="{}", now=NOW, hold_until=HOLD)
    # Slack retries after the first process died (its hold ran out): answer it now.
    retry_at = HOLD + timedelta(seconds=1)
    admission = await store.admit(
        "slack:T1:Ev1",
        platform="slack",
        user_id="U1",
        payload="{}",
        now=retry_at,
        hold_until=retry_at + timedelta(seconds=30),
    )
    assert admission is Admission.RESUMED
    row = await _row(sessions, "slack:T1:Ev1")
    assert row is not None and row.attempts == 2


async def test_abandoned_events_are_taken_over_once_per_prefix(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = InboxStore(sessions)
    for key in ("telegram:1:1", "telegram:1:2", "slack:T1:Ev1"):
        await store.admit(
            key, platform=key.split(":")[0], user_id="u", payload=f'"{key}"', now=NOW, hold_until=HOLD
        )
    await store.finish("telegram:1:2", NOW)
    renewed = HOLD + timedelta(minutes=5)
    await store.renew({"telegram:1:1"}, renewed)  # still being answered by a live process
    assert (
        await store.take_abandoned(["telegram:1:"], now=HOLD, hold_until=HOLD + timedelta(seconds=30)) == []
    )

    later = renewed + timedelta(seconds=1)
    takers = [
        store.take_abandoned(["telegram:1:"], now=later, hold_until=later + timedelta(seconds=30))
        for _ in range(3)
    ]
    taken = [item for batch in await asyncio.gather(*takers) for item in batch]
    assert [(item.key, item.payload, item.attempts) for item in taken] == [
        ("telegram:1:1", '"telegram:1:1"', 2)
    ]


async def test_purge_keeps_recent_records(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = InboxStore(sessions)
    for key in ("a", "b", "c"):
        await store.admit(key, platform="telegram", user_id="u", payload="{}", now=NOW, hold_until=HOLD)
    await store.finish("a", NOW)
    await store.finish("b", NOW + timedelta(days=3))
    removed = await store.purge(done_before=NOW + timedelta(days=1), received_before=NOW - timedelta(days=30))
    assert removed == 1
    async with sessions() as session:
        keys = set((await session.scalars(select(InboxRow.key))).all())
    assert keys == {"b", "c"}
    # An event never answered goes once it is older than the retention.
    assert await store.purge(done_before=NOW, received_before=NOW + timedelta(seconds=1)) == 2
