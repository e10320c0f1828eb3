"""Where each member is in the onboarding flow, written after every step so a restart loses nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import String, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime

FlowStatus = Literal["active", "paused", "stopped", "done"]


class OnboardingStateRow(Base):
    """A member's flow: its status and the engine's state as JSON."""

    __tablename__ = "onboarding_states"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class StoredFlow(BaseModel, frozen=True):
    """A stored flow as the onboarding handler sees it.

    Attributes:
        status: ``active`` (the flow owns the member's direct messages), ``paused`` (timed out; the
            next message offers to resume), ``stopped`` (cancelled or not now), ``done``.
        state: The engine's ``FlowState`` as JSON.
        hint: The platform's language for the member when the flow started.
    """

    platform: str
    user_id: str
    chat_id: str
    status: FlowStatus
    state: str
    hint: str
    updated_at: datetime


class FlowStateStore:
    """Reads and writes ``onboarding_states``.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, platform: str, user_id: str) -> StoredFlow | None:
        """The member's flow, if any."""
        async with self._sessions() as session:
            row = await session.get(OnboardingStateRow, (platform, user_id))
            return _stored(row) if row else None

    async def save(
        self,
        platform: str,
        user_id: str,
        *,
        chat_id: str,
        status: FlowStatus,
        state: str,
        hint: str,
        now: datetime,
    ) -> None:
        """Create or replace the member's flow."""
        async with self._sessions.begin() as session:
            row = await session.get(OnboardingStateRow, (platform, user_id))
            if row is None:
                row = OnboardingStateRow(platform=platform, user_id=user_id, started_at=now)
                session.add(row)
            row.chat_id = chat_id
            row.status = status
            row.state = state
            row.hint = hint
            row.updated_at = now

    async def set_status(self, platform: str, user_id: str, status: FlowStatus, now: datetime) -> None:
        """Change a flow's status only."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(OnboardingStateRow)
                .where(OnboardingStateRow.platform == platform, OnboardingStateRow.user_id == user_id)
                .values(status=status, updated_at=now)
            )

    async def idle(self, before: datetime) -> Sequence[StoredFlow]:
        """Active flows whose last step was before ``before``."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(OnboardingStateRow).where(
                    OnboardingStateRow.status == "active", OnboardingStateRow.updated_at < before
                )
            )
            return [_stored(row) for row in rows]

    async def pause_if_idle(self, platform: str, user_id: str, before: datetime, now: datetime) -> bool:
        """Pause the flow unless the member acted meanwhile; True when this call paused it.

        The check and the change are one statement, so two workers sweeping at once pause (and
        notify) a member only once.
        """
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OnboardingStateRow)
                .where(
                    OnboardingStateRow.platform == platform,
                    OnboardingStateRow.user_id == user_id,
                    OnboardingStateRow.status == "active",
                    OnboardingStateRow.updated_at < before,
                )
                .values(status="paused", updated_at=now)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def purge_unfinished(self, before: datetime) -> int:
        """Delete flows that were left unfinished (paused or stopped) and untouched since ``before``."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(OnboardingStateRow).where(
                    OnboardingStateRow.status.in_(("paused", "stopped")),
                    OnboardingStateRow.updated_at < before,
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _stored(row: OnboardingStateRow) -> StoredFlow:
    return StoredFlow(
        platform=row.platform,
        user_id=row.user_id,
        chat_id=row.chat_id,
        status=row.status,
        state=row.state,
        hint=row.hint,
        updated_at=row.updated_at,
    )
