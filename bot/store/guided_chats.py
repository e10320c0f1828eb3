"""Where each member is in each guided chat (onboarding, ``/newevent``, ``/announce``), written after
every step so that a restart of the bot loses nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import ColumnElement, String, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime
from bot.store.per_message import read_once

ChatStatus = Literal["active", "paused", "stopped", "done"]


class GuidedChatRow(Base):
    """A member's run of one flow: its status and the engine's state as JSON."""

    __tablename__ = "guided_chats"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class StoredChat(BaseModel, frozen=True):
    """A stored run as the guided-chat handler sees it.

    Attributes:
        flow: The flow's id.
        chat_id: The chat it runs in.
        status: ``active`` (it takes the member's messages), ``paused`` (timed out; the next message
            offers to resume), ``stopped`` (cancelled or "not now"), ``done``.
        state: The engine's ``GuidedState`` as JSON.
        hint: The member's language when the run began (the platform's, or their profile's).
    """

    platform: str
    user_id: str
    flow: str
    chat_id: str
    status: ChatStatus
    state: str
    hint: str
    updated_at: datetime


class GuidedChatStore:
    """Reads and writes ``guided_chats``.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, platform: str, user_id: str, flow: str) -> StoredChat | None:
        """The member's run of ``flow``, if any."""
        return next((run for run in await self.runs(platform, user_id) if run.flow == flow), None)

    async def active(self, platform: str, user_id: str) -> list[StoredChat]:
        """The member's active runs, the one answered last first."""
        return [run for run in await self.runs(platform, user_id) if run.status == "active"]

    async def runs(self, platform: str, user_id: str) -> tuple[StoredChat, ...]:
        """All the member's runs, the one answered last first: one read per message
        (``bot.store.per_message``), whichever handlers look at them."""
        return await read_once(("guided_chats", platform, user_id), lambda: self._runs(platform, user_id))

    async def _runs(self, platform: str, user_id: str) -> tuple[StoredChat, ...]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(GuidedChatRow)
                .where(GuidedChatRow.platform == platform, GuidedChatRow.user_id == user_id)
                .order_by(GuidedChatRow.updated_at.desc())
            )
            return tuple(_stored(row) for row in rows)

    async def save(
        self,
        platform: str,
        user_id: str,
        flow: str,
        *,
        chat_id: str,
        status: ChatStatus,
        state: str,
        hint: str,
        now: datetime,
    ) -> None:
        """Create or replace the member's run of ``flow``."""
        async with self._sessions.begin() as session:
            row = await session.get(GuidedChatRow, (platform, user_id, flow))
            if row is None:
                row = GuidedChatRow(platform=platform, user_id=user_id, flow=flow, started_at=now)
                session.add(row)
            row.chat_id = chat_id
            row.status = status
            row.state = state
            row.hint = hint
            row.updated_at = now

    async def set_status(
        self, platform: str, user_id: str, flow: str, status: ChatStatus, now: datetime
    ) -> None:
        """Change a run's status only."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(GuidedChatRow)
                .where(*_key(platform, user_id, flow))
                .values(status=status, updated_at=now)
            )

    async def end(self, platform: str, user_id: str, flow: str) -> bool:
        """Forget the member's run of ``flow``; True when there was one."""
        async with self._sessions.begin() as session:
            result = await session.execute(delete(GuidedChatRow).where(*_key(platform, user_id, flow)))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def idle(self, flows: Sequence[str], before: datetime) -> Sequence[StoredChat]:
        """Active runs of ``flows`` whose last step was before ``before``."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(GuidedChatRow).where(
                    GuidedChatRow.flow.in_(flows),
                    GuidedChatRow.status == "active",
                    GuidedChatRow.updated_at < before,
                )
            )
            return [_stored(row) for row in rows]

    async def pause_if_idle(self, chat: StoredChat, before: datetime, now: datetime) -> bool:
        """Pause the run unless the member acted meanwhile; True when this call paused it.

        The check and the change are one statement, so two workers sweeping at once pause (and
        notify) a member only once.
        """
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(GuidedChatRow)
                .where(
                    *_key(chat.platform, chat.user_id, chat.flow),
                    GuidedChatRow.status == "active",
                    GuidedChatRow.updated_at < before,
                )
                .values(status="paused", updated_at=now)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def purge_unfinished(self, before: datetime) -> int:
        """Delete runs left unfinished (paused or stopped) and untouched since ``before``."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(GuidedChatRow).where(
                    GuidedChatRow.status.in_(("paused", "stopped")),
                    GuidedChatRow.updated_at < before,
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _key(platform: str, user_id: str, flow: str) -> tuple[ColumnElement[bool], ...]:
    return (GuidedChatRow.platform == platform, GuidedChatRow.user_id == user_id, GuidedChatRow.flow == flow)


def _stored(row: GuidedChatRow) -> StoredChat:
    return StoredChat(
        platform=row.platform,
        user_id=row.user_id,
        flow=row.flow,
        chat_id=row.chat_id,
        status=row.status,
        state=row.state,
        hint=row.hint,
        updated_at=row.updated_at,
    )
