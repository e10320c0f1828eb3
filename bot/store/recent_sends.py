"""What a platform was sent lately, read back from the outbox: a new delivering replica seeds its
pacer with it (``bot.broadcast.runner``), so a leader switch does not reset the per-chat and
per-group limits (Telegram: one message per second per chat, 20 per minute per group) that the old
leader's pacer was keeping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.broadcasts import SENDING, SENT, OutboxRow


async def recent_sends(
    sessions: async_sessionmaker[AsyncSession], platform: str, since: datetime
) -> dict[str, datetime | None]:
    """The last send to each chat of ``platform`` since ``since``.

    Args:
        sessions: The database.
        platform: The platform whose chats to read.
        since: How far back to look (older sends no longer hold any chat up).

    Returns:
        By chat id, when its last message was recorded as sent; None for a chat with a row still
        ``sending`` (claimed by a replica that may have sent it a moment ago: count it as just sent).
    """
    async with sessions() as session:
        sent = await session.execute(
            select(OutboxRow.chat_id, func.max(OutboxRow.sent_at))
            .where(OutboxRow.platform == platform, OutboxRow.state == SENT, OutboxRow.sent_at >= since)
            .group_by(OutboxRow.chat_id)
        )
        sends: dict[str, datetime | None] = {chat: at for chat, at in sent.all()}
        in_flight = await session.scalars(
            select(OutboxRow.chat_id)
            .where(OutboxRow.platform == platform, OutboxRow.state == SENDING)
            .distinct()
        )
        sends.update(dict.fromkeys(in_flight))
    return sends
