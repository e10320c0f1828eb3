"""The outbox: atomic start, exclusive claims with leases, recovery, and every kind of outcome."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.announcements import AnnouncementStore
from bot.store.broadcasts import DONE, SCHEDULED, SENDING, AnnouncementRow, OutboxRow
from bot.store.outbox import OutboxStore, Outcome
from bot.store.profiles import SubscriptionRow
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import FIXED_NOW

LEASE = timedelta(seconds=30)


async def _announce(sessions: async_sessionmaker[AsyncSession], key: str = "a", *, later: int = 0) -> int:
    async with sessions.begin() as session:
        row = AnnouncementRow(
            idempotency_key=key,
            text="hello",
            created_by="telegram:1",
            report_to="telegram:1",
            state=SCHEDULED,
            created_at=FIXED_NOW,
            send_at=FIXED_NOW + timedelta(minutes=later),
        )
        session.add(row)
        await session.flush()
        return row.id


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> dict[str, OutboxRow]:
    async with sessions() as session:
        return {row.chat_id: row for row in await session.scalars(select(OutboxRow))}


async def test_due_announcements_start_with_their_rows_and_later_ones_wait(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_subscribers(sessions, "telegram", ["1", "2", "3"], now=FIXED_NOW)
    store = OutboxStore(sessions)
    now_id = await _announce(sessions, "now")
    later_id = await _announce(sessions, "later", later=60)
    assert await store.start_due(FIXED_NOW) == [now_id]
    assert await store.start_due(FIXED_NOW) == []  # started once
    async with sessions() as session:
        states = {row.id: row.state for row in await session.scalars(select(AnnouncementRow))}
    assert states == {now_id: SENDING, later_id: SCHEDULED}
    assert len(await _rows(sessions)) == 3
    assert await store.start_due(FIXED_NOW + timedelta(hours=1)) == [later_id]


async def test_claims_are_exclusive_and_expire(sessions: async_sessionmaker[AsyncSession]) -> None:
    await add_subscribers(sessions, "telegram", [str(n) for n in range(10)], now=FIXED_NOW)
    await add_subscribers(sessions, "slack", ["C1"], now=FIXED_NOW, kind="channel")
    store = OutboxStore(sessions)
    await _announce(sessions)
    await store.start_due(FIXED_NOW)
    first = await store.claim("telegram", FIXED_NOW, limit=6, lease=LEASE)
    second = await store.claim("telegram", FIXED_NOW, limit=6, lease=LEASE)
    assert len(first) == 6 and len(second) == 4
    assert not {i.id for i in first} & {i.id for i in second}
    assert await store.claim("telegram", FIXED_NOW, limit=6, lease=LEASE) == []
    assert [i.chat_id for i in await store.claim("slack", FIXED_NOW, limit=6, lease=LEASE)] == ["C1"]
    # A worker that died: nothing comes back before the lease ends, everything after.
    assert await store.recover(FIXED_NOW + LEASE - timedelta(seconds=1)) == 0
    assert await store.recover(FIXED_NOW + LEASE + timedelta(seconds=1)) == 11
    again = await store.claim("telegram", FIXED_NOW + LEASE, limit=20, lease=LEASE)
    assert len(again) == 10 and all(item.attempts == 2 for item in again)
    # A worker that stops hands back what it has not started: claimable at once, attempt not counted.
    await store.release([item.id for item in again[:4]])
    back = await store.claim("telegram", FIXED_NOW + LEASE, limit=20, lease=LEASE)
    assert sorted(i.id for i in back) == sorted(i.id for i in again[:4]) and {i.attempts for i in back} == {2}


async def test_outcomes_are_recorded_and_the_announcement_closes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_subscribers(sessions, "telegram", ["1", "2", "3", "-100", "5"], now=FIXED_NOW)
    store = OutboxStore(sessions)
    announcement = await _announce(sessions)
    await store.start_due(FIXED_NOW)
    items = {item.chat_id: item for item in await store.claim("telegram", FIXED_NOW, limit=10, lease=LEASE)}
    retry_at = FIXED_NOW + timedelta(seconds=4)
    await store.record(
        [
            Outcome(item=items["1"], kind="sent", message_id="m1"),
            Outcome(item=items["2"], kind="gone", error="Forbidden: bot was blocked by the user"),
            Outcome(item=items["3"], kind="failed", error="Bad Request: message is too long"),
            Outcome(item=items["-100"], kind="migrated", new_chat_id="-1009"),
            Outcome(item=items["5"], kind="retry", retry_at=retry_at, error="HTTP 502"),
        ],
        FIXED_NOW,
    )
    rows = await _rows(sessions)
    assert (rows["1"].state, rows["1"].message_id) == ("sent", "m1")
    assert (rows["2"].state, rows["2"].failure) == ("failed", "gone")
    assert (rows["3"].state, rows["3"].failure) == ("failed", "error")
    assert rows["-1009"].state == "pending" and "-100" not in rows
    assert rows["5"].state == "pending" and rows["5"].next_attempt_at == retry_at
    async with sessions() as session:
        subs = {s.chat_id: s for s in await session.scalars(select(SubscriptionRow))}
    assert subs["2"].active is False and subs["2"].deactivated_at == FIXED_NOW
    assert subs["1"].active is True
    assert "-1009" in subs and "-100" not in subs  # the group's subscription moved with it
    assert await store.finish_complete(FIXED_NOW) == []

    # The migrated group is sent once more; migrating again fails it rather than looping.
    [moved] = await store.claim("telegram", FIXED_NOW, limit=10, lease=LEASE)
    assert moved.chat_id == "-1009" and moved.migrated
    await store.record([Outcome(item=moved, kind="migrated", new_chat_id="-1010")], FIXED_NOW)
    assert (await _rows(sessions))["-1009"].state == "failed"
    [late] = await store.claim("telegram", retry_at, limit=10, lease=LEASE)
    await store.record([Outcome(item=late, kind="sent", message_id="m5")], retry_at)
    assert await store.finish_complete(retry_at) == [announcement]
    row = await AnnouncementStore(sessions).get(announcement)
    assert row is not None and row.state == DONE and row.finished_at == retry_at


async def test_a_renewed_claim_outlives_its_first_lease_and_a_lost_one_is_said_so(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_subscribers(sessions, "telegram", ["1", "2", "3"], now=FIXED_NOW)
    store = OutboxStore(sessions)
    await _announce(sessions)
    await store.start_due(FIXED_NOW)
    held = await store.claim("telegram", FIXED_NOW, limit=3, lease=LEASE)
    ids = [item.id for item in held]
    await store.record([Outcome(item=held[2], kind="sent", message_id="9")], FIXED_NOW)
    # Renewed halfway through: still held when the first lease would have run out.
    renewed_at = FIXED_NOW + LEASE / 2
    assert await store.extend(ids, renewed_at, lease=LEASE) == set(ids[:2])  # the sent one is final
    assert await store.recover(FIXED_NOW + LEASE + timedelta(seconds=1)) == 0
    assert await store.recover(renewed_at + LEASE + timedelta(seconds=1)) == 2
    # Back in the outbox: a renewal no longer holds them.
    assert await store.extend(ids, renewed_at + LEASE, lease=LEASE) == set()


async def test_the_backlog_counts_rows_not_final_and_ages_the_oldest_due_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_subscribers(sessions, "telegram", ["1", "2", "3"], now=FIXED_NOW)
    await add_subscribers(sessions, "slack", ["C1"], now=FIXED_NOW, kind="channel")
    store = OutboxStore(sessions)
    assert await store.backlog(FIXED_NOW) == {}
    await _announce(sessions)
    await store.start_due(FIXED_NOW)
    later = FIXED_NOW + timedelta(minutes=2)
    [first] = await store.claim("telegram", FIXED_NOW, limit=1, lease=LEASE)
    await store.record([Outcome(item=first, kind="sent", message_id="1")], FIXED_NOW)
    [second] = await store.claim("telegram", FIXED_NOW, limit=1, lease=LEASE)
    # A retry not due yet does not count as waiting: only the third row has waited two minutes.
    await store.record([Outcome(item=second, kind="retry", retry_at=later + LEASE, error="x")], FIXED_NOW)
    backlog = await store.backlog(later)
    assert (backlog["telegram"].rows, backlog["telegram"].oldest_seconds) == (2, 120.0)
    assert (backlog["slack"].rows, backlog["slack"].oldest_seconds) == (1, 120.0)
