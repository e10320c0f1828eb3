"""Announcements: stored once per idempotency key, cancelled only before they start, read with their
delivery counts, and reported by exactly one worker; on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast.models import Audience, Draft
from bot.store.announcements import AnnouncementStore
from bot.store.outbox import OutboxStore
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import FIXED_NOW

LATER = FIXED_NOW + timedelta(hours=1)


async def _add(
    store: AnnouncementStore, key: str, *, send_at: object = None, report_to: str | None = None
) -> int:
    draft = Draft.model_validate({"text": f"news {key}", "send_at": send_at})
    submitted = await store.add(
        draft,
        idempotency_key=key,
        kind="announcement",
        created_by="telegram:1",
        report_to=report_to,
        now=FIXED_NOW,
    )
    return submitted.announcement_id


async def test_one_key_stores_one_announcement(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = AnnouncementStore(sessions)
    draft = Draft(text="hello", audience=Audience(topics=("events",), region="ES"), send_at=LATER)
    first = await store.add(
        draft,
        idempotency_key="k",
        kind="announcement",
        created_by="telegram:1",
        report_to=None,
        now=FIXED_NOW,
    )
    again = await store.add(
        draft.model_copy(update={"send_at": None}),
        idempotency_key="k",
        kind="announcement",
        created_by="telegram:1",
        report_to=None,
        now=FIXED_NOW,
    )
    assert first.created and not again.created
    assert again.announcement_id == first.announcement_id and again.send_at == LATER
    row = await store.get(first.announcement_id)
    assert row is not None and (row.text, row.state, row.topics, row.region) == (
        "hello",
        "scheduled",
        "events",
        "ES",
    )
    other = await _add(store, "other")
    assert other != first.announcement_id
    at_once = await store.get(other)
    assert at_once is not None and at_once.send_at == FIXED_NOW  # no time given: at once


async def test_only_a_scheduled_announcement_can_be_cancelled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = AnnouncementStore(sessions)
    waiting = await _add(store, "waiting", send_at=LATER)
    started = await _add(store, "started")
    await OutboxStore(sessions).start_due(FIXED_NOW)
    assert await store.cancel(waiting, FIXED_NOW)
    assert not await store.cancel(waiting, FIXED_NOW)
    assert not await store.cancel(started, FIXED_NOW)
    assert not await store.cancel(9999, FIXED_NOW)
    assert await OutboxStore(sessions).start_due(LATER) == []  # the cancelled one never goes out


async def test_announcements_are_read_newest_first_with_their_deliveries(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_subscribers(sessions, "telegram", ["1", "2"], now=FIXED_NOW)
    await add_subscribers(sessions, "slack", ["C1"], now=FIXED_NOW, kind="channel")
    store = AnnouncementStore(sessions)
    assert await store.count_recipients(Audience()) == {"telegram": 2, "slack": 1}
    first = await _add(store, "first")
    second = await _add(store, "second", send_at=LATER)
    await OutboxStore(sessions).start_due(FIXED_NOW)

    rows, counts = await store.with_deliveries(None, limit=10)
    assert [row.id for row in rows] == [second, first]
    assert sorted(counts) == [(first, "slack", "pending", None, 1), (first, "telegram", "pending", None, 2)]
    rows, _ = await store.with_deliveries(None, limit=1)
    assert [row.id for row in rows] == [second]
    rows, counts = await store.with_deliveries(second, limit=10)
    assert [row.id for row in rows] == [second] and counts == []
    assert await store.with_deliveries(9999, limit=10) == ([], [])


async def test_a_finished_announcement_is_reported_by_one_worker(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store, outbox = AnnouncementStore(sessions), OutboxStore(sessions)
    reported = await _add(store, "reported", report_to="telegram:1")
    await _add(store, "silent")  # nobody to report to
    await outbox.start_due(FIXED_NOW)
    assert await store.unreported() == []  # not finished yet
    await outbox.finish_complete(FIXED_NOW)  # no recipients: done at once
    assert [row.id for row in await store.unreported()] == [reported]
    assert await store.claim_report(reported, FIXED_NOW)
    assert not await store.claim_report(reported, FIXED_NOW)  # one report, whatever the workers
    assert await store.unreported() == []
    await store.release_report(reported)  # sending failed: it comes back
    assert [row.id for row in await store.unreported()] == [reported]
