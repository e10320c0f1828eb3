"""Events organisers add (CLI, ``.ics`` import, ``/newevent``): the database is their source of truth.

Events written as files in the knowledge base stay files; these rows are indexed beside them under the
source root ``db:events`` (see ``bot.events``). ``EventStore`` holds every query on the table and
speaks ``EventData``, so callers never see a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime
from knowledge.models import EventData


class EventRow(Base):
    """One event added by an organiser (times stored in UTC, ``timezone`` is the event's own zone)."""

    __tablename__ = "events"
    # ``created_by`` names the organiser (``telegram:123``): cleared when they ask to be forgotten.
    __table_args__ = {"info": {"member_refs": ("created_by",)}}  # noqa: RUF012 - read from the class

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    signup_url: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    region: Mapped[str] = mapped_column(String(8), default="EU")
    topics: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(96), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def event_of_row(row: EventRow) -> EventData:
    """The stored event."""
    return EventData(
        id=row.id,
        title=row.title,
        start=row.start_at,
        end=row.end_at,
        timezone=row.timezone,
        place=row.place,
        online_url=row.online_url,
        description=row.description,
        signup_url=row.signup_url,
        url=row.url,
        organiser=row.organiser,
        language=row.language,
        region=row.region,
        topics=tuple(topic for topic in row.topics.split(",") if topic),
    )


def fill_row(row: EventRow, event: EventData, now: datetime) -> None:
    """Copy ``event`` into ``row`` (times in UTC) and stamp it as changed at ``now``."""
    row.title = event.title
    row.start_at = event.start
    row.end_at = event.end
    row.timezone = event.timezone
    row.place = event.place
    row.online_url = event.online_url
    row.description = event.description
    row.signup_url = event.signup_url
    row.url = event.url
    row.organiser = event.organiser
    row.language = event.language
    row.region = event.region
    row.topics = ",".join(event.topics)
    row.updated_at = now


class EventStore:
    """The ``events`` table.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save(self, events: Sequence[EventData], *, created_by: str, now: datetime) -> None:
        """Store ``events`` in one transaction: new ids are added, known ids replaced.

        Args:
            events: The validated events.
            created_by: Who added them (kept only on new rows).
            now: Their ``updated_at`` (and ``created_at`` when new).
        """
        async with self._sessions.begin() as session:
            for event in events:
                row = await session.get(EventRow, event.id)
                if row is None:
                    row = EventRow(id=event.id, created_by=created_by, created_at=now)
                    session.add(row)
                fill_row(row, event, now)

    async def delete(self, event_id: str) -> bool:
        """Delete one event; False when there is none."""
        async with self._sessions.begin() as session:
            row = await session.get(EventRow, event_id)
            if row is None:
                return False
            await session.delete(row)
            return True

    async def get(self, event_id: str) -> EventData | None:
        """One stored event, or None."""
        async with self._sessions() as session:
            row = await session.get(EventRow, event_id)
            return event_of_row(row) if row is not None else None

    async def get_many(self, ids: Sequence[str]) -> list[EventData]:
        """The stored events among ``ids`` (in no particular order)."""
        async with self._sessions() as session:
            return [
                event_of_row(row)
                for row in await session.scalars(select(EventRow).where(EventRow.id.in_(ids)))
            ]

    async def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored."""
        async with self._sessions() as session:
            return set(await session.scalars(select(EventRow.id).where(EventRow.id.in_(ids))))

    async def listed(self, *, starting_from: datetime | None = None) -> list[EventData]:
        """Stored events, soonest first (ties by id): all, or those starting at ``starting_from`` or later."""
        query = select(EventRow).order_by(EventRow.start_at, EventRow.id)
        if starting_from is not None:
            query = query.where(EventRow.start_at >= starting_from)
        async with self._sessions() as session:
            return [event_of_row(row) for row in await session.scalars(query)]

    async def starting(self, after: datetime, before: datetime) -> list[EventData]:
        """Stored events starting in ``[after, before)`` (in no particular order)."""
        query = select(EventRow).where(EventRow.start_at >= after, EventRow.start_at < before)
        async with self._sessions() as session:
            return [event_of_row(row) for row in await session.scalars(query)]

    async def stamped(self) -> list[tuple[EventData, datetime]]:
        """Every stored event with the time it last changed (one read)."""
        async with self._sessions() as session:
            return [(event_of_row(row), row.updated_at) for row in await session.scalars(select(EventRow))]

    async def stamps(self) -> dict[str, datetime]:
        """Every stored event's id and the time it last changed: a cheap look for changes."""
        async with self._sessions() as session:
            return {
                row_id: stamp
                for row_id, stamp in await session.execute(select(EventRow.id, EventRow.updated_at))
            }
