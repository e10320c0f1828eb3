"""Writing many subscribers quickly (one bulk insert) for broadcast tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.profiles import ProfileRow, SubscriptionRow


async def add_subscribers(
    sessions: async_sessionmaker[AsyncSession],
    platform: str,
    chats: Iterable[str],
    *,
    now: datetime,
    topic: str = "all",
    country: str | None = None,
    region: str | None = None,
    kind: str = "member",
    language: str | None = None,
    profile_language: str | None = None,
) -> int:
    """Subscribe each chat (a member whose DM is that chat, or a channel) to ``topic``."""
    chats = list(chats)
    subscriptions = [
        {
            "platform": platform,
            "user_id": chat if kind == "channel" else f"u{chat}",
            "chat_id": chat,
            "topic": topic,
            "country": country,
            "region": region,
            "created_at": now,
            "kind": kind,
            "language": language,
            "active": True,
        }
        for chat in chats
    ]
    async with sessions.begin() as session:
        for start in range(0, len(subscriptions), 5000):
            await session.execute(insert(SubscriptionRow), subscriptions[start : start + 5000])
        if profile_language and kind == "member":
            profiles = [
                {
                    "platform": platform,
                    "user_id": f"u{chat}",
                    "chat_id": chat,
                    "language": profile_language,
                    "interests": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for chat in chats
            ]
            for start in range(0, len(profiles), 5000):
                await session.execute(insert(ProfileRow), profiles[start : start + 5000])
    return len(chats)
