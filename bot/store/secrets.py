"""Secrets the application makes for itself and keeps in its database (shared by every instance).

Today one: the key that signs the payloads of the buttons the bot sends (``bot.callbacks``). It is
made at the first start and kept, so buttons sent before a restart still work after it.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime


class SecretRow(Base):
    """One named secret (hex text)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


async def app_secret(sessions: async_sessionmaker[AsyncSession], name: str, now: datetime) -> bytes:
    """The secret ``name``, made (32 random bytes) the first time it is asked for.

    Two instances starting at once agree: the second one's insert fails and it reads the first's.
    """
    async with sessions() as session:
        row = await session.get(SecretRow, name)
        if row is not None:
            return bytes.fromhex(row.value)
    try:
        async with sessions.begin() as session:
            session.add(SecretRow(name=name, value=secrets.token_hex(32), created_at=now))
    except IntegrityError:
        pass
    async with sessions() as session:
        row = await session.get(SecretRow, name)
        if row is None:  # pragma: no cover - just inserted or inserted by another instance
            raise LookupError(f"secret {name} vanished")
        return bytes.fromhex(row.value)
