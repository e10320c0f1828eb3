"""Leases on named roles shared by every replica (today one: ``delivery``, the replica that paces
and sends broadcasts and runs the periodic jobs).

A lease is one row: who holds the role and until when. Taking it and renewing it are the same single
``INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`` statement, so two replicas asking at the same
moment cannot both win: PostgreSQL locks the row, and the second statement re-reads it and sees the
first one's holder. Expiry is measured on the database's clock (``now()``), never on a replica's, so
clock drift between machines cannot make two holders.

PostgreSQL only: with SQLite there is one process, which is always the holder
(``bot.leadership.LeaderElection`` never asks).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, case, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime

DELIVERY = "delivery"


class LeaseRow(Base):
    """Who holds a role, since when, and until when (database time)."""

    __tablename__ = "leader_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeaseStore:
    """Database side of leader election.

    Args:
        sessions: Session factory of a PostgreSQL database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def acquire(self, name: str, holder: str, seconds: float) -> bool:
        """Take the role ``name`` for ``seconds``, or renew it when ``holder`` already has it.

        The role is taken only when nobody holds it or its lease has run out; one statement does
        it all, so of two replicas asking at once exactly one gets it.

        Args:
            name: The role.
            holder: This replica's id.
            seconds: How long the lease lasts from now (database time).

        Returns:
            True when ``holder`` holds the role until now + ``seconds``.
        """
        now = func.now()
        row = insert(LeaseRow).values(
            name=name, holder=holder, acquired_at=now, expires_at=now + timedelta(seconds=seconds)
        )
        asked = row.excluded
        taken_over = LeaseRow.holder != asked.holder
        statement = row.on_conflict_do_update(
            index_elements=[LeaseRow.name],
            set_={
                "holder": asked.holder,
                "expires_at": asked.expires_at,
                # A renewal keeps the start of the term; a takeover starts a new one.
                "acquired_at": case((taken_over, asked.acquired_at), else_=LeaseRow.acquired_at),
            },
            where=or_(LeaseRow.holder == asked.holder, LeaseRow.expires_at < now),
        ).returning(LeaseRow.holder)
        async with self._sessions.begin() as session:
            won = await session.scalar(statement)
        return won == holder

    async def release(self, name: str, holder: str) -> bool:
        """Give the role up at once (a replica stopping), if ``holder`` still has it.

        Returns:
            True when the lease was ``holder``'s and is gone.
        """
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def current(self, name: str) -> LeaseRow | None:
        """The lease of ``name`` as stored (it may have run out), or None when nobody ever took it."""
        async with self._sessions() as session:
            return await session.scalar(select(LeaseRow).where(LeaseRow.name == name))
