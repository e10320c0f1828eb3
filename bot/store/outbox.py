"""The durable outbox: starting due announcements, claiming rows, recording what became of them,
closing finished announcements. Every query of delivery lives here; the workers only call it.

Every state change is a database write, so a process killed at any point loses nothing: rows it had
claimed go back to ``pending`` when their lease runs out (those few may go out twice: they were in
flight), and every other row is either still ``pending`` or already final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import and_, case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.audience import audience_of, enqueue_recipients
from bot.store.broadcasts import (
    DONE,
    FAILED,
    FAILURE_ERROR,
    FAILURE_GONE,
    PENDING,
    SCHEDULED,
    SENDING,
    SENT,
    AnnouncementRow,
    OutboxRow,
)
from bot.store.subscriptions import deactivate_chat_rows, move_chat_rows

MIGRATED_MARK = "migrated"
ERROR_LIMIT = 300


class OutboxItem(BaseModel, frozen=True):
    """A claimed outbox row: one announcement for one chat."""

    id: int
    announcement_id: int
    platform: str
    chat_id: str
    user_id: str
    kind: str
    language: str
    country: str | None
    attempts: int
    migrated: bool = False


OutcomeKind = Literal["sent", "gone", "failed", "retry", "migrated"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed row.

    Attributes:
        item: The row.
        kind: ``sent``; ``gone`` (blocked, kicked, not found: the chat's subscriptions end);
            ``failed`` (for good); ``retry`` (at ``retry_at``); ``migrated`` (to ``new_chat_id``).
        message_id: The platform's id of the sent message.
        error: What went wrong, for the record.
        retry_at: When to try again.
        new_chat_id: A migrated group's new id.
    """

    item: OutboxItem
    kind: OutcomeKind
    message_id: str | None = None
    error: str | None = None
    retry_at: datetime | None = None
    new_chat_id: str | None = None


@dataclass(frozen=True)
class Backlog:
    """One platform's broadcast rows not yet final.

    Attributes:
        rows: Rows waiting or in flight.
        oldest_seconds: How long the row due longest ago has been waiting (0 when none is due).
    """

    rows: int
    oldest_seconds: float


def _aware(moment: datetime | str) -> datetime:
    """A time read back from an aggregate: SQLite hands ``MIN`` over as text, without its type."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class OutboxStore:
    """Database side of delivery.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def start_due(self, now: datetime) -> list[int]:
        """Turn every scheduled announcement whose time has come into outbox rows.

        Each announcement changes state in the same transaction that writes its rows, so a crash
        leaves it either scheduled with no rows or sending with all of them.

        Returns:
            The ids of the announcements started.
        """
        started: list[int] = []
        async with self._sessions() as session:
            due = list(
                await session.scalars(
                    select(AnnouncementRow.id)
                    .where(AnnouncementRow.state == SCHEDULED, AnnouncementRow.send_at <= now)
                    .order_by(AnnouncementRow.send_at, AnnouncementRow.id)
                )
            )
        for announcement_id in due:
            async with self._sessions.begin() as session:
                row = await session.get(AnnouncementRow, announcement_id, with_for_update=True)
                if row is None or row.state != SCHEDULED:
                    continue  # another worker started it
                await enqueue_recipients(session, row.id, audience_of(row), now)
                row.state = SENDING
                row.started_at = now
                started.append(row.id)
        return started

    async def backlog(self, now: datetime) -> dict[str, Backlog]:
        """Rows waiting or in flight, and how long the oldest due one has waited, by platform (for
        the metrics: one aggregate over the ``state`` index)."""
        due = case((OutboxRow.next_attempt_at <= now, OutboxRow.next_attempt_at))
        async with self._sessions() as session:
            rows = await session.execute(
                select(OutboxRow.platform, func.count(), func.min(due))
                .where(OutboxRow.state.in_((PENDING, SENDING)))
                .group_by(OutboxRow.platform)
            )
            return {
                str(platform): Backlog(
                    rows=int(count),
                    oldest_seconds=max(0.0, (now - _aware(oldest)).total_seconds()) if oldest else 0.0,
                )
                for platform, count, oldest in rows.all()
            }

    async def recover(self, now: datetime) -> int:
        """Put rows whose claim expired (their worker died) back to ``pending``; returns how many.

        A live worker renews the claims of the rows it holds (``extend``), so only a dead or
        stalled worker's rows come back.
        """
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(OutboxRow.state == SENDING, OutboxRow.claimed_until < now)
                .values(state=PENDING, claimed_until=None)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def release(self, ids: list[int]) -> None:
        """Give claimed rows back unsent (a worker stopping), so that any worker may take them now."""
        if not ids:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.state == SENDING)
                .values(state=PENDING, claimed_until=None, attempts=OutboxRow.attempts - 1)
            )

    async def extend(self, ids: list[int], now: datetime, *, lease: timedelta) -> set[int]:
        """Renew the claims on rows a worker still holds for another ``lease`` from ``now``.

        Returns:
            The ids still claimed (``sending``); the others went back to the outbox or are final.
        """
        if not ids:
            return set()
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.state == SENDING)
                .values(claimed_until=now + lease)
                .returning(OutboxRow.id)
            )
            return {int(row) for row in result.scalars()}

    async def claim(self, platform: str, now: datetime, *, limit: int, lease: timedelta) -> list[OutboxItem]:
        """Claim up to ``limit`` due rows of ``platform`` for ``lease`` (oldest announcement first).

        One UPDATE statement takes them, so two workers never hold the same row: when two run it at
        once, PostgreSQL makes the second wait for the first's row locks and then re-checks
        ``state == PENDING`` on the rows as the first left them, so it skips those. This is what
        makes a moment with two delivering replicas (``bot.leadership``: an old leader finishing
        its sends in flight while the new one starts) safe: each row still goes to one of them.
        """
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.state == PENDING, OutboxRow.platform == platform, OutboxRow.next_attempt_at <= now
            )
            .order_by(OutboxRow.announcement_id, OutboxRow.id)
            .limit(limit)
            .scalar_subquery()
        )
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(due), OutboxRow.state == PENDING)
                .values(state=SENDING, claimed_until=now + lease, attempts=OutboxRow.attempts + 1)
                .returning(
                    OutboxRow.id,
                    OutboxRow.announcement_id,
                    OutboxRow.platform,
                    OutboxRow.chat_id,
                    OutboxRow.user_id,
                    OutboxRow.kind,
                    OutboxRow.language,
                    OutboxRow.country,
                    OutboxRow.attempts,
                    OutboxRow.last_error,
                )
            )
            rows = result.all()
        items = [
            OutboxItem(
                id=r[0],
                announcement_id=r[1],
                platform=r[2],
                chat_id=r[3],
                user_id=r[4],
                kind=r[5],
                language=r[6],
                country=r[7],
                attempts=r[8],
                migrated=(r[9] or "").startswith(MIGRATED_MARK),
            )
            for r in rows
        ]
        return sorted(items, key=lambda item: (item.announcement_id, item.id))

    async def record(self, outcomes: list[Outcome], now: datetime) -> None:
        """Store a batch of outcomes in one transaction.

        ``gone`` also deactivates every subscription of that chat; ``migrated`` moves the chat's
        subscriptions and the row to the new id and sends once more.
        """
        if not outcomes:
            return
        async with self._sessions.begin() as session:
            sent = [
                {
                    "id": o.item.id,
                    "state": SENT,
                    "sent_at": now,
                    "message_id": o.message_id,
                    "claimed_until": None,
                }
                for o in outcomes
                if o.kind == "sent"
            ]
            if sent:  # one executemany (ORM bulk update by primary key)
                await session.execute(update(OutboxRow), sent)
            for outcome in outcomes:
                if outcome.kind == "sent":
                    continue
                await self._record_other(session, outcome, now)

    async def _record_other(self, session: AsyncSession, outcome: Outcome, now: datetime) -> None:
        item = outcome.item
        error = (outcome.error or "")[:ERROR_LIMIT] or None
        row = update(OutboxRow).where(OutboxRow.id == item.id)
        if outcome.kind == "gone":
            await session.execute(
                row.values(state=FAILED, failure=FAILURE_GONE, last_error=error, claimed_until=None)
            )
            await deactivate_chat_rows(session, item.platform, item.chat_id, now)
        elif outcome.kind == "retry" and outcome.retry_at is not None:
            await session.execute(
                row.values(
                    state=PENDING, next_attempt_at=outcome.retry_at, last_error=error, claimed_until=None
                )
            )
        elif outcome.kind == "migrated" and outcome.new_chat_id and not item.migrated:
            new_id = outcome.new_chat_id
            await move_chat_rows(session, item.platform, item.chat_id, new_id)
            taken = await session.scalar(
                select(
                    exists().where(
                        OutboxRow.announcement_id == item.announcement_id,
                        OutboxRow.platform == item.platform,
                        OutboxRow.chat_id == new_id,
                    )
                )
            )
            if taken:  # the new chat is already a recipient of this announcement
                await session.execute(
                    row.values(state=FAILED, failure=FAILURE_ERROR, last_error=f"{MIGRATED_MARK} to {new_id}")
                )
            else:
                await session.execute(
                    row.values(
                        state=PENDING,
                        chat_id=new_id,
                        next_attempt_at=now,
                        last_error=f"{MIGRATED_MARK} from {item.chat_id}",
                        claimed_until=None,
                    )
                )
        else:
            await session.execute(
                row.values(state=FAILED, failure=FAILURE_ERROR, last_error=error, claimed_until=None)
            )

    async def finish_complete(self, now: datetime) -> list[int]:
        """Mark ``done`` every sending announcement with no row left to send; returns their ids."""
        open_rows = exists().where(
            and_(OutboxRow.announcement_id == AnnouncementRow.id, OutboxRow.state.in_((PENDING, SENDING)))
        )
        async with self._sessions.begin() as session:
            ids = list(
                await session.scalars(
                    select(AnnouncementRow.id).where(AnnouncementRow.state == SENDING, ~open_rows)
                )
            )
            if ids:
                await session.execute(
                    update(AnnouncementRow)
                    .where(AnnouncementRow.id.in_(ids))
                    .values(state=DONE, finished_at=now)
                )
        return ids
