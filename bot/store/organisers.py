"""The organiser role stored in the database (beside the ``ESER_ORGANISERS`` setting)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime


class OrganiserRow(Base):
    """A member who may add events and broadcast announcements."""

    __tablename__ = "organisers"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    granted_by: Mapped[str] = mapped_column(String(96), default="")
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrganiserStore:
    """Reads and writes the organiser role.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def has_role(self, platform: str, user_id: str) -> bool:
        """True when the member holds the organiser role in the database."""
        async with self._sessions() as session:
            return await session.get(OrganiserRow, (platform, user_id)) is not None

    async def grant(self, platform: str, user_id: str, *, granted_by: str, now: datetime) -> bool:
        """Give the role; returns False when the member already had it."""
        async with self._sessions.begin() as session:
            if await session.get(OrganiserRow, (platform, user_id)) is not None:
                return False
            session.add(
                OrganiserRow(platform=platform, user_id=user_id, granted_by=granted_by, granted_at=now)
            )
            return True

    async def revoke(self, platform: str, user_id: str) -> bool:
        """Take the role away; returns False when the member did not have it."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(OrganiserRow).where(OrganiserRow.platform == platform, OrganiserRow.user_id == user_id)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def all(self) -> list[tuple[str, str, str, datetime]]:
        """Every stored organiser: (platform, user id, granted by, granted at)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(OrganiserRow).order_by(OrganiserRow.platform, OrganiserRow.user_id)
            )
            return [(row.platform, row.user_id, row.granted_by, row.granted_at) for row in rows]
