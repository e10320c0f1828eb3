"""Announcements as organisers and the reminder job submit them, and as their reports read them.

Every query on the ``announcements`` table outside delivery itself (``bot.store.outbox``): storing a
confirmed announcement once per idempotency key, cancelling one still scheduled, reading them with
their delivery counts, counting an audience for a preview, and handing out the job of reporting a
finished one.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast.models import Audience, Draft, Submitted
from bot.store.audience import count_recipients
from bot.store.broadcasts import CANCELLED, DONE, SCHEDULED, AnnouncementRow, OutboxRow


class DeliveryCount(NamedTuple):
    """How many outbox rows of one announcement are in one state on one platform."""

    announcement_id: int
    platform: str
    state: str
    failure: str | None
    rows: int


class AnnouncementStore:
    """The ``announcements`` table (and the outbox counts read with it).

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(
        self,
        draft: Draft,
        *,
        idempotency_key: str,
        kind: str,
        created_by: str,
        report_to: str | None,
        now: datetime,
    ) -> Submitted:
        """Store a scheduled announcement, unless ``idempotency_key`` was used before.

        The key is unique in the table, so two submissions racing with one key store one
        announcement, whichever process makes them.

        Args:
            draft: What to send (its text stored as given), to whom, when (now when None).
            idempotency_key: The key; a second ``add`` with it returns the first announcement.
            kind: ``announcement`` or ``reminder``.
            created_by: Who sent it (``telegram:123``).
            report_to: Where its delivery report goes (``telegram:123``), if anywhere.
            now: Its creation time.
        """
        row = AnnouncementRow(
            idempotency_key=idempotency_key,
            kind=kind,
            text=draft.text,
            event_id=draft.event_id,
            topics=",".join(draft.audience.topics),
            region=draft.audience.region,
            language=draft.audience.language,
            notify_channel=draft.notify_channel,
            created_by=created_by,
            report_to=report_to,
            state=SCHEDULED,
            created_at=now,
            send_at=draft.send_at or now,
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
                await session.flush()
                return Submitted(announcement_id=row.id, created=True, send_at=row.send_at)
        except IntegrityError:
            async with self._sessions() as session:
                existing = await session.scalar(
                    select(AnnouncementRow).where(AnnouncementRow.idempotency_key == idempotency_key)
                )
            if existing is None:
                raise
            return Submitted(announcement_id=existing.id, created=False, send_at=existing.send_at)

    async def cancel(self, announcement_id: int, now: datetime) -> bool:
        """Cancel a scheduled announcement; False when there is none or it has started."""
        async with self._sessions.begin() as session:
            row = await session.get(AnnouncementRow, announcement_id)
            if row is None or row.state != SCHEDULED:
                return False
            row.state = CANCELLED
            row.finished_at = now
            return True

    async def get(self, announcement_id: int) -> AnnouncementRow | None:
        """One announcement."""
        async with self._sessions() as session:
            return await session.get(AnnouncementRow, announcement_id)

    async def with_deliveries(
        self, announcement_id: int | None, *, limit: int
    ) -> tuple[list[AnnouncementRow], list[DeliveryCount]]:
        """One announcement, or the latest ``limit`` newest first, with their outbox rows counted by
        platform, state and failure (both read in one transaction).
        """
        async with self._sessions() as session:
            query = select(AnnouncementRow).order_by(AnnouncementRow.id.desc())
            if announcement_id is not None:
                query = query.where(AnnouncementRow.id == announcement_id)
            rows = list((await session.scalars(query.limit(limit))).all())
            if not rows:
                return [], []
            counts = await session.execute(
                select(
                    OutboxRow.announcement_id,
                    OutboxRow.platform,
                    OutboxRow.state,
                    OutboxRow.failure,
                    func.count(),
                )
                .where(OutboxRow.announcement_id.in_([row.id for row in rows]))
                .group_by(OutboxRow.announcement_id, OutboxRow.platform, OutboxRow.state, OutboxRow.failure)
            )
            return rows, [DeliveryCount(*count) for count in counts.all()]

    async def count_recipients(self, audience: Audience) -> dict[str, int]:
        """Recipient chats per platform an announcement to ``audience`` would reach now."""
        async with self._sessions() as session:
            return await count_recipients(session, audience)

    async def unreported(self) -> list[AnnouncementRow]:
        """Finished announcements whose organiser has not had the delivery report yet."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(AnnouncementRow).where(
                    AnnouncementRow.state == DONE,
                    AnnouncementRow.reported_at.is_(None),
                    AnnouncementRow.report_to.is_not(None),
                )
            )
            return list(rows)

    async def claim_report(self, announcement_id: int, now: datetime) -> bool:
        """Take the job of sending an announcement's report; False when another worker took it.

        One conditional UPDATE decides, so several instances never send the organiser two reports.
        """
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(AnnouncementRow)
                .where(AnnouncementRow.id == announcement_id, AnnouncementRow.reported_at.is_(None))
                .values(reported_at=now)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release_report(self, announcement_id: int) -> None:
        """Give the report back (it could not be sent): it is tried again at the next tick."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(AnnouncementRow).where(AnnouncementRow.id == announcement_id).values(reported_at=None)
            )
