"""Erasing everything stored about one member (``/forget``), table by table.

The tables come from ``bot.store.base.member_tables()``: every table holding member data declares its
member key columns, so a table added later is erased too without touching this module.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.base import member_tables
from bot.store.tables import Base  # imports every table module, so no member table is missed


async def count_member_rows(
    sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str
) -> dict[str, int]:
    """How many rows each member table holds about the member."""
    counts: dict[str, int] = {}
    async with sessions() as session:
        for name, (platform_column, user_column) in member_tables().items():
            table = Base.metadata.tables[name]
            where = and_(table.c[platform_column] == platform, table.c[user_column] == user_id)
            counts[name] = int(
                await session.scalar(select(func.count()).select_from(table).where(where)) or 0
            )
    return counts


async def erase_member(sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str) -> int:
    """Delete every row about the member from every member table, in one transaction.

    Dependent tables go first (``sorted_tables`` reversed), so foreign keys never block the erasure.

    Returns:
        How many rows were deleted (0 when nothing was stored: erasing twice is harmless).
    """
    keys = member_tables()
    removed = 0
    async with sessions.begin() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in keys:
                continue
            platform_column, user_column = keys[table.name]
            result = await session.execute(
                delete(table).where(table.c[platform_column] == platform, table.c[user_column] == user_id)
            )
            removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return removed
