"""Reading the outbox as the broadcast tests judge it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.broadcasts import SENDING, OutboxRow


async def rows_in_flight(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Outbox rows a sender started and has not recorded as sent: each may have reached its chat,
    and be sent again by whoever takes over (delivery is at least once)."""
    async with sessions() as session:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.state == SENDING)
        return int(await session.scalar(query) or 0)
