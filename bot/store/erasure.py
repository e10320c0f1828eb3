"""Erasing everything stored about one member (``/forget``), table by table.

The tables come from ``bot.store.base.member_tables()``: every table holding member data declares its
member key columns, so a table added later is erased too without touching this module. Rows that are
not the member's but name them (an organiser's announcements and events) keep existing for everyone
else, with the member's name cleared (``member_reference_tables()``).
"""

from __future__ import annotations

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.base import member_reference_tables, member_tables
from bot.store.inbox import InboxRow
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
        reference = f"{platform}:{user_id}"
        for name, columns in member_reference_tables().items():
            table = Base.metadata.tables[name]
            where = or_(*(table.c[column] == reference for column in columns))
            counts[name] = counts.get(name, 0) + int(
                await session.scalar(select(func.count()).select_from(table).where(where)) or 0
            )
    return counts


async def erase_member(
    sessions: async_sessionmaker[AsyncSession], platform: str, user_id: str, *, current_event: str = ""
) -> int:
    """Delete every row about the member from every member table, and clear their name where other
    rows mention them, in one transaction.

    Dependent tables go first (``sorted_tables`` reversed), so foreign keys never block the erasure.
    The inbox record of ``current_event`` (the request to be forgotten) stays, no longer naming the
    member, so that a redelivery of it is still recognised; it is not counted.

    Returns:
        How many rows were deleted or cleared (0 when nothing was stored: erasing twice is harmless).
    """
    keys = member_tables()
    removed = 0
    async with sessions.begin() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in keys:
                continue
            platform_column, user_column = keys[table.name]
            where = and_(table.c[platform_column] == platform, table.c[user_column] == user_id)
            if table.name == InboxRow.__tablename__ and current_event:
                await session.execute(
                    update(table).where(where, table.c.key == current_event).values(user_id="", payload="")
                )
            result = await session.execute(delete(table).where(where))
            removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
        reference = f"{platform}:{user_id}"
        for name, columns in member_reference_tables().items():
            table = Base.metadata.tables[name]
            for column in columns:
                # Nullable columns lose the value; required ones keep an empty name.
                blank = None if table.c[column].nullable else ""
                result = await session.execute(
                    update(table).where(table.c[column] == reference).values({column: blank})
                )
                removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return removed
