"""Delivery records lose their recipients once the announcement is older than the retention; the
delivery counts stay."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.app import App
from bot.broadcast.models import Draft
from bot.models import Target
from bot.store.broadcasts import DONE, FAILED, FAILURE_GONE, SENT, AnnouncementRow, OutboxRow
from bot.store.erasure import count_member_rows
from bot.store.outbox import OutboxStore
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import Clock

ORGANISER = Target(platform="telegram", chat_id="777")


async def _finished_announcement(app: App, clock: Clock) -> int:
    sessions = app.services.sessions
    await app.services.organisers.store.grant("telegram", "777", granted_by="test", now=clock())
    await add_subscribers(sessions, "telegram", ["1001", "1002", "1003"], now=clock())
    submitted = await app.services.broadcasts.submit(Draft(text="Hello"), organiser=ORGANISER, report_to=None)
    await OutboxStore(sessions).start_due(clock())
    async with sessions.begin() as session:
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.chat_id != "1003")
            .values(state=SENT, sent_at=clock(), message_id="9")
        )
        await session.execute(
            update(OutboxRow).where(OutboxRow.chat_id == "1003").values(state=FAILED, failure=FAILURE_GONE)
        )
        await session.execute(
            update(AnnouncementRow)
            .where(AnnouncementRow.id == submitted.announcement_id)
            .values(state=DONE, finished_at=clock())
        )
    return submitted.announcement_id


async def test_old_deliveries_keep_their_counts_and_lose_their_recipients(app: App, clock: Clock) -> None:
    announcement = await _finished_announcement(app, clock)
    [before] = await app.services.broadcasts.status(announcement)
    clock.advance(days=29)
    await app.purge_expired()
    assert (await count_member_rows(app.services.sessions, "telegram", "u1001"))["outbox"] == 1  # not yet

    clock.advance(days=2)
    await app.purge_expired()
    async with app.services.sessions() as session:
        rows = (await session.scalars(select(OutboxRow))).all()
    assert len(rows) == 3
    assert all(row.user_id == "" and row.sent_at is None and row.message_id is None for row in rows)
    assert {row.chat_id for row in rows} == {f"#{row.id}" for row in rows}
    for member in ("u1001", "u1002", "u1003"):
        assert (await count_member_rows(app.services.sessions, "telegram", member))["outbox"] == 0
    [after] = await app.services.broadcasts.status(announcement)
    assert after.platforms == before.platforms and after.platforms["telegram"].sent == 2
    assert await app.purge_expired() == 0  # already anonymous: nothing more to do
