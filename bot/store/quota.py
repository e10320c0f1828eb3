"""The question quota kept in the database, so every process on it counts one member's questions
together (``bot.quota`` has the rule; this module only stores it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import String, Text, delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.quota import split_member, take
from bot.store.base import Base, UTCDateTime


class QuotaRow(Base):
    """The times of one member's recent questions (at most the quota's limit of them)."""

    __tablename__ = "question_quota"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012 - read by SQLAlchemy

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # A JSON list of seconds since the epoch: one row per member keeps the check to one locked row.
    asked: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DatabaseQuota:
    """At most ``limit`` questions per member in any ``window``, counted in the database.

    Args:
        sessions: Sessions on the shared database.
        limit: Questions allowed per window.
        window: The window length.
        clock: Current UTC time.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limit: int,
        window: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.limit = limit
        self.window = window
        self._sessions = sessions
        self._clock = clock

    async def try_take(self, member: str) -> float | None:
        """Count one question for ``member`` (``platform:user_id``).

        One statement creates the member's row if missing, locks it and reads it (an upsert
        locks the row it conflicts with on PostgreSQL until the transaction ends; SQLite has one
        writer at a time, taken by the insert), a second one counts the question: two replicas taking
        the last question of a quota at the same moment cannot both get it.

        Returns:
            None when allowed; otherwise the seconds until the next question is allowed.
        """
        platform, user_id = split_member(member)
        now = self._clock()
        async with self._sessions.begin() as session:
            insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            upsert = insert(QuotaRow).values(platform=platform, user_id=user_id, asked="[]", updated_at=now)
            stored = await session.scalar(
                upsert.on_conflict_do_update(
                    index_elements=[QuotaRow.platform, QuotaRow.user_id],
                    set_={"updated_at": upsert.excluded.updated_at},
                ).returning(QuotaRow.asked)
            )
            asked, wait = take(
                json.loads(stored or "[]"), now.timestamp(), self.limit, self.window.total_seconds()
            )
            await session.execute(
                update(QuotaRow)
                .where(QuotaRow.platform == platform, QuotaRow.user_id == user_id)
                .values(asked=json.dumps(asked), updated_at=now)
            )
        return wait

    async def forget(self, member: str) -> None:
        """Nothing to do: the member's row is a member table's, erased by ``/forget`` with the rest."""

    async def purge(self) -> int:
        """Delete the rows of members whose last question left the window (the daily purge).

        Returns:
            How many rows were deleted.
        """
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(QuotaRow).where(QuotaRow.updated_at < self._clock() - self.window)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
