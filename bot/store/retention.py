"""Retention of delivery records: who got which announcement, and when.

An outbox row names its recipient (chat and member ids, country) and when it reached them. Once the
announcement has been finished for ``ESER_DELIVERY_RETENTION_DAYS``, its rows keep only what the
delivery counts need (platform, state, why it failed) and lose everything about the recipient, so
``eser-bot broadcast status`` still shows how an old announcement went.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.broadcasts import CANCELLED, DONE, AnnouncementRow, OutboxRow

ANONYMOUS = ""  # an anonymised row's user id: matches no member, so /forget leaves it alone


async def anonymise_deliveries(sessions: async_sessionmaker[AsyncSession], finished_before: datetime) -> int:
    """Strip recipients and send times from the outbox rows of announcements finished (or
    cancelled) before ``finished_before``.

    Returns:
        How many rows were anonymised (rows already anonymised are not counted again).
    """
    old = select(AnnouncementRow.id).where(
        AnnouncementRow.state.in_((DONE, CANCELLED)),
        func.coalesce(AnnouncementRow.finished_at, AnnouncementRow.created_at) < finished_before,
    )
    async with sessions.begin() as session:
        result = await session.execute(
            update(OutboxRow)
            .where(OutboxRow.announcement_id.in_(old), OutboxRow.user_id != ANONYMOUS)
            # The chat id is part of the row's unique key: the row's own id stands in for it.
            .values(
                user_id=ANONYMOUS,
                chat_id=literal("#") + cast(OutboxRow.id, String),
                country=None,
                sent_at=None,
                next_attempt_at=finished_before,
                claimed_until=None,
                message_id=None,
                last_error=None,
            )
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
