"""Where an organiser is in a guided chat dialogue (``/newevent``, ``/announce``), saved after every
step so that a restart of the bot loses nothing. One dialogue per member at a time."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import String, Text, delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime


class DialogueStateRow(Base):
    """A member's open dialogue: which one, and its state as JSON."""

    __tablename__ = "dialogue_states"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoredDialogue(BaseModel, frozen=True):
    """An open dialogue as its handler sees it.

    Attributes:
        kind: ``newevent`` or ``announce``.
        state: The dialogue's state as JSON.
    """

    platform: str
    user_id: str
    chat_id: str
    kind: str
    state: str
    updated_at: datetime


class DialogueStore:
    """Reads and writes ``dialogue_states``.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, platform: str, user_id: str) -> StoredDialogue | None:
        """The member's open dialogue, if any."""
        async with self._sessions() as session:
            row = await session.get(DialogueStateRow, (platform, user_id))
            if row is None:
                return None
            return StoredDialogue(
                platform=row.platform,
                user_id=row.user_id,
                chat_id=row.chat_id,
                kind=row.kind,
                state=row.state,
                updated_at=row.updated_at,
            )

    async def save(
        self, platform: str, user_id: str, *, chat_id: str, kind: str, state: str, now: datetime
    ) -> None:
        """Create or replace the member's dialogue."""
        async with self._sessions.begin() as session:
            row = await session.get(DialogueStateRow, (platform, user_id))
            if row is None or row.kind != kind:
                if row is not None:
                    await session.delete(row)
                    await session.flush()
                row = DialogueStateRow(platform=platform, user_id=user_id, kind=kind, started_at=now)
                session.add(row)
            row.chat_id = chat_id
            row.state = state
            row.updated_at = now

    async def end(self, platform: str, user_id: str) -> bool:
        """Forget the member's dialogue; True when there was one."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(DialogueStateRow).where(
                    DialogueStateRow.platform == platform, DialogueStateRow.user_id == user_id
                )
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]
