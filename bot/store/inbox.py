"""The durable inbox: every platform event the bot takes, recorded before it is acknowledged.

A row is ``pending`` from the moment the event arrives until its reply has been sent, then ``done``
(and its payload, which holds the member's words, is emptied). A process working on a row holds it
until ``claimed_until`` and renews the hold while it works; a row whose hold ran out belonged to a
process that died, and is handed to the next one that asks (``take_abandoned``) — so a restart
answers what was in flight. ``done`` rows stay for a while as the de-duplication record: a platform
that delivers the same event again (Slack's retries, Telegram's redelivery) gets no second answer.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime

PENDING = "pending"
DONE = "done"


class InboxRow(Base):
    """One platform event: its de-duplication key, who sent it and, until answered, its payload."""

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_due", "state", "claimed_until"),
        {"info": {"member_keys": ("platform", "user_id")}},
    )

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(8))
    payload: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Admission(enum.Enum):
    """What to do with an arriving event."""

    NEW = "new"  # first seen: handle it
    RESUMED = "resumed"  # seen before, but its handler died: handle it now
    DUPLICATE = "duplicate"  # answered already, or being answered by a live process


@dataclass(frozen=True)
class Abandoned:
    """A pending event taken over from a process that stopped holding it."""

    key: str
    platform: str
    payload: str
    attempts: int


class InboxStore:
    """Reads and writes the inbox.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def admit(
        self, key: str, *, platform: str, user_id: str, payload: str, now: datetime, hold_until: datetime
    ) -> Admission:
        """Record an arriving event, or tell it is a repeat.

        Args:
            key: The event's de-duplication key (scoped by bot or workspace).
            platform: Where it came from.
            user_id: The member who acted (for ``/forget``).
            payload: What is needed to handle it again after a restart (platform JSON).
            now: The current time.
            hold_until: When this process's hold on it runs out unless renewed.
        """
        try:
            async with self._sessions.begin() as session:
                session.add(
                    InboxRow(
                        key=key,
                        platform=platform,
                        user_id=user_id,
                        state=PENDING,
                        payload=payload,
                        attempts=1,
                        received_at=now,
                        claimed_until=hold_until,
                    )
                )
        except IntegrityError:
            return await self._readmit(key, payload, now, hold_until)
        return Admission.NEW

    async def _readmit(self, key: str, payload: str, now: datetime, hold_until: datetime) -> Admission:
        async with self._sessions.begin() as session:
            taken = await session.execute(
                update(InboxRow)
                .where(InboxRow.key == key, InboxRow.state == PENDING, InboxRow.claimed_until <= now)
                .values(
                    claimed_until=hold_until,
                    attempts=InboxRow.attempts + 1,
                    # A row emptied by an erasure or never filled gets the payload of this delivery.
                    payload=payload,
                )
            )
        return Admission.RESUMED if taken.rowcount else Admission.DUPLICATE  # type: ignore[attr-defined]

    async def finish(self, key: str, now: datetime) -> None:
        """The event's reply was sent (or it needs none): mark it done and drop its payload."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.key == key)
                .values(state=DONE, payload="", finished_at=now, claimed_until=now)
            )

    async def renew(self, keys: Collection[str], hold_until: datetime) -> None:
        """Extend this process's hold on ``keys`` (events it is still working on)."""
        if not keys:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.key.in_(list(keys)), InboxRow.state == PENDING)
                .values(claimed_until=hold_until)
            )

    async def take_abandoned(
        self, prefixes: Collection[str], *, now: datetime, hold_until: datetime, limit: int = 20
    ) -> list[Abandoned]:
        """Take over pending events whose hold ran out, for the platforms this process serves.

        Each row is taken by one conditional ``UPDATE``, so two processes never take the same row.

        Args:
            prefixes: Key prefixes served here (``telegram:123456:``, ``slack:T0123:``).
            now: The current time.
            hold_until: The new hold.
            limit: Most rows taken at once.
        """
        if not prefixes:
            return []
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(InboxRow.key, InboxRow.platform, InboxRow.payload, InboxRow.attempts)
                    .where(
                        InboxRow.state == PENDING,
                        InboxRow.claimed_until <= now,
                        InboxRow.payload != "",
                        or_(*(InboxRow.key.startswith(prefix, autoescape=True) for prefix in prefixes)),
                    )
                    .order_by(InboxRow.received_at)
                    .limit(limit)
                )
            ).all()
        taken: list[Abandoned] = []
        for key, platform, payload, attempts in rows:
            async with self._sessions.begin() as session:
                result = await session.execute(
                    update(InboxRow)
                    .where(InboxRow.key == key, InboxRow.state == PENDING, InboxRow.claimed_until <= now)
                    .values(claimed_until=hold_until, attempts=InboxRow.attempts + 1)
                )
            if result.rowcount:  # type: ignore[attr-defined]
                taken.append(Abandoned(key, platform, payload, attempts + 1))
        return taken

    async def purge(self, *, done_before: datetime, received_before: datetime) -> int:
        """Forget answered events older than the de-duplication window, and events never answered
        that are older than the retention.

        Returns:
            How many rows went.
        """
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(InboxRow).where(
                    or_(
                        (InboxRow.state == DONE) & (InboxRow.finished_at < done_before),
                        InboxRow.received_at < received_before,
                    )
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
