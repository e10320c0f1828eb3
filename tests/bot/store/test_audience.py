"""Audience matching: topics, places, languages, inactive chats, and one row per chat."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast.models import Audience
from bot.store.audience import count_recipients, enqueue_recipients
from bot.store.broadcasts import SENDING, AnnouncementRow, OutboxRow
from bot.store.profiles import SubscriptionRow
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import FIXED_NOW


async def _chats(sessions: async_sessionmaker[AsyncSession], audience: Audience) -> set[str]:
    """Who an announcement to ``audience`` would reach: its outbox rows, rolled back afterwards."""
    async with sessions() as session:
        announcement = AnnouncementRow(
            idempotency_key="probe",
            text="t",
            created_by="test:1",
            state=SENDING,
            created_at=FIXED_NOW,
            send_at=FIXED_NOW,
        )
        session.add(announcement)
        await session.flush()
        await enqueue_recipients(session, announcement.id, audience, FIXED_NOW)
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.announcement_id == announcement.id))
        chats = {f"{row.platform}:{row.chat_id}" for row in rows}
        await session.rollback()
    return chats


async def _world(sessions: async_sessionmaker[AsyncSession]) -> None:
    await add_subscribers(
        sessions, "telegram", ["1"], now=FIXED_NOW, topic="funding", country="ES", region="ES-CT"
    )
    await add_subscribers(sessions, "telegram", ["2"], now=FIXED_NOW, topic="events", country="ES")
    await add_subscribers(
        sessions, "telegram", ["3"], now=FIXED_NOW, topic="all", country="FR", profile_language="fr"
    )
    await add_subscribers(sessions, "telegram", ["4"], now=FIXED_NOW, topic="policy")  # no place: everywhere
    await add_subscribers(
        sessions, "slack", ["C1"], now=FIXED_NOW, topic="events", kind="channel", language="es"
    )


async def test_topics_match_the_topic_or_all(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _world(sessions)
    assert await _chats(sessions, Audience(topics=("events",))) == {"telegram:2", "telegram:3", "slack:C1"}
    assert await _chats(sessions, Audience()) == {
        "telegram:1",
        "telegram:2",
        "telegram:3",
        "telegram:4",
        "slack:C1",
    }


async def test_places_nest_and_no_place_means_everywhere(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _world(sessions)
    assert await _chats(sessions, Audience(region="ES")) == {
        "telegram:1",
        "telegram:2",
        "telegram:4",
        "slack:C1",
    }
    # A region reaches that region, members who gave only the country, and those with no place.
    assert await _chats(sessions, Audience(region="ES-CT")) == {
        "telegram:1",
        "telegram:2",
        "telegram:4",
        "slack:C1",
    }
    assert await _chats(sessions, Audience(region="ES-AN")) == {"telegram:2", "telegram:4", "slack:C1"}
    assert await _chats(sessions, Audience(region="FR")) == {"telegram:3", "telegram:4", "slack:C1"}


async def test_language_uses_the_profile_then_the_subscription(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _world(sessions)
    assert await _chats(sessions, Audience(language="fr")) == {"telegram:3"}
    assert await _chats(sessions, Audience(language="es")) == {"slack:C1"}
    # No language known: English.
    assert await _chats(sessions, Audience(language="en")) == {"telegram:1", "telegram:2", "telegram:4"}


async def test_a_chat_counts_once_and_inactive_chats_not_at_all(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_subscribers(sessions, "telegram", ["7", "8"], now=FIXED_NOW, topic="events")
    await add_subscribers(sessions, "telegram", ["7", "8"], now=FIXED_NOW, topic="funding")
    async with sessions.begin() as session:
        row = await session.scalar(select(SubscriptionRow).where(SubscriptionRow.chat_id == "8").limit(1))
        assert row is not None
        for sub in await session.scalars(select(SubscriptionRow).where(SubscriptionRow.chat_id == "8")):
            sub.active = False
    async with sessions() as session:
        assert await count_recipients(session, Audience()) == {"telegram": 1}
    assert await _chats(sessions, Audience()) == {"telegram:7"}


async def test_enqueue_writes_one_pending_row_per_chat(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _world(sessions)
    await add_subscribers(sessions, "telegram", ["2"], now=FIXED_NOW, topic="funding", country="ES")
    async with sessions.begin() as session:
        announcement = AnnouncementRow(
            idempotency_key="k",
            text="t",
            created_by="telegram:1",
            state=SENDING,
            created_at=FIXED_NOW,
            send_at=FIXED_NOW,
        )
        session.add(announcement)
        await session.flush()
        written = await enqueue_recipients(session, announcement.id, Audience(region="ES"), FIXED_NOW)
    async with sessions() as session:
        rows = list(await session.scalars(select(OutboxRow).order_by(OutboxRow.platform, OutboxRow.chat_id)))
        total = await session.scalar(select(func.count()).select_from(OutboxRow))
    assert written == total == 4
    assert [(r.platform, r.chat_id, r.kind, r.language, r.country, r.state) for r in rows] == [
        ("slack", "C1", "channel", "es", None, "pending"),
        ("telegram", "1", "member", "en", "ES", "pending"),
        ("telegram", "2", "member", "en", "ES", "pending"),
        ("telegram", "4", "member", "en", None, "pending"),
    ]
