"""Subscriptions to announcements: members (by ``/subscribe`` or onboarding) and channels (by a manager).

A subscriber is a member (``kind="member"``: ``user_id`` is the person, ``chat_id`` their direct chat)
or a channel (``kind="channel"``: ``user_id`` and ``chat_id`` are the channel). It has one row per
topic (``all`` covers every topic) and one place for all of them: no place, a country (``ES``) or a
region (``ES-CT``, stored with its country). A row is ``active`` until the platform says the chat is
gone (``deactivate_chat``); subscribing again reactivates it.

Members' changes are also written to their consent log and keep their profile's ``announcements`` flag
true while any subscription is left, false once none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.profiles import (
    CHANNEL_KIND,
    MEMBER_KIND,
    ProfileRow,
    Subscription,
    SubscriptionRow,
    announcements_consent,
)
from bot.topics import ALL_TOPICS, TOPICS

__all__ = ["CHANNEL_KIND", "MEMBER_KIND", "SubscriptionStore", "merged_topics", "remaining_topics"]


def merged_topics(current: Sequence[str], added: Sequence[str]) -> list[str]:
    """The topics after subscribing to ``added`` (nothing at all means ``all``, which absorbs every
    other topic)."""
    wanted = {*current, *added}
    return [ALL_TOPICS] if not wanted or ALL_TOPICS in wanted else _ordered(wanted)


def remaining_topics(current: Sequence[str], removed: Sequence[str]) -> list[str]:
    """The topics after unsubscribing from ``removed`` (nothing or ``all`` removes everything).

    Leaving one topic of an ``all`` subscription keeps every other topic.
    """
    if not removed or ALL_TOPICS in removed:
        return []
    have = set(TOPICS) if ALL_TOPICS in current else set(current)
    return _ordered(have - set(removed))


def _ordered(topics: set[str]) -> list[str]:
    known = [topic for topic in (ALL_TOPICS, *TOPICS) if topic in topics]
    return known + sorted(topics - set(known))


class SubscriptionStore:
    """Reads and changes subscriptions.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def subscriptions(self, platform: str, user_id: str) -> list[Subscription]:
        """The subscriber's subscriptions (active or not), in topic order (``all`` first)."""
        async with self._sessions() as session:
            rows = await self._rows(session, platform, user_id)
            return [Subscription.from_row(row) for row in rows]

    async def subscribe(
        self,
        platform: str,
        user_id: str,
        *,
        chat_id: str,
        topics: Sequence[str],
        country: str | None,
        region: str | None,
        language: str | None,
        now: datetime,
        kind: str = MEMBER_KIND,
    ) -> list[Subscription]:
        """Add ``topics`` (none means ``all``) and set the subscriber's place, chat and language.

        Existing rows move to the given place and chat and are reactivated. For a member whose topics,
        place or active state change, the consent is logged and the profile's ``announcements`` flag
        set (a profile is created if there is none); subscribing again to the same changes nothing.

        Returns:
            Every subscription the subscriber now has.
        """
        if kind not in (MEMBER_KIND, CHANNEL_KIND):
            raise ValueError(f"unknown subscriber kind {kind!r}")
        async with self._sessions.begin() as session:
            rows = {row.topic: row for row in await self._rows(session, platform, user_id)}
            wanted = merged_topics(list(rows), list(topics) or [ALL_TOPICS])
            # What a consent is about: the topics, the place, and being active at all. Pressing
            # "Done" again, or subscribing to what one has, changes none of them.
            before = ({*rows}, {(row.country, row.region, row.active) for row in rows.values()})
            after = ({*wanted}, {(country, region, True)})
            for topic, row in rows.items():
                if topic not in wanted:
                    await session.delete(row)
            for topic in wanted:
                row = rows.get(topic) or SubscriptionRow(
                    platform=platform, user_id=user_id, topic=topic, created_at=now
                )
                row.chat_id, row.kind, row.language = chat_id, kind, language
                row.country, row.region = country, region
                row.active, row.deactivated_at = True, None
                session.add(row)
            if kind == MEMBER_KIND and before != after:
                await self._log_consent(
                    session, platform, user_id, granted=True, topics=wanted, area=region or country, now=now
                )
                await self._flag(session, platform, user_id, True, now, chat_id=chat_id)
            await session.flush()
            return [Subscription.from_row(row) for row in await self._rows(session, platform, user_id)]

    async def unsubscribe(
        self, platform: str, user_id: str, *, topics: Sequence[str] = (), now: datetime
    ) -> list[Subscription]:
        """Remove ``topics`` (none, or ``all``, removes everything). Harmless when there is nothing
        to remove: then nothing is logged either.

        Returns:
            The subscriptions left.
        """
        async with self._sessions.begin() as session:
            rows = await self._rows(session, platform, user_id)
            current = [row.topic for row in rows]
            left = remaining_topics(current, topics)
            if set(left) == set(current):
                return [Subscription.from_row(row) for row in rows]
            template = rows[0]
            kind = template.kind
            for row in rows:
                if row.topic not in left:
                    await session.delete(row)
            for topic in set(left) - set(current):  # leaving one topic of "all" keeps the others
                session.add(
                    SubscriptionRow(
                        platform=platform,
                        user_id=user_id,
                        chat_id=template.chat_id,
                        topic=topic,
                        country=template.country,
                        region=template.region,
                        kind=kind,
                        language=template.language,
                        active=template.active,
                        deactivated_at=template.deactivated_at,
                        created_at=now,
                    )
                )
            if kind == MEMBER_KIND:
                gone = [topic for topic in current if topic not in left]
                area = template.region or template.country
                await self._log_consent(
                    session, platform, user_id, granted=False, topics=gone, area=area, now=now
                )
                if not left:
                    await self._flag(session, platform, user_id, False, now)
            await session.flush()
            return [Subscription.from_row(row) for row in await self._rows(session, platform, user_id)]

    async def deactivate_chat(self, platform: str, chat_id: str, now: datetime) -> int:
        """Stop sending to a chat the platform says is gone (blocked, kicked, not found).

        Returns:
            How many active subscriptions were deactivated.
        """
        async with self._sessions.begin() as session:
            return await deactivate_chat_rows(session, platform, chat_id, now)

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """Follow a chat to its new id (a Telegram group migrated to a supergroup).

        Returns:
            How many subscriptions now point at the new chat instead of the old one.
        """
        async with self._sessions.begin() as session:
            return await move_chat_rows(session, platform, old_chat_id, new_chat_id)

    # --- helpers --------------------------------------------------------------------------------
    async def _rows(self, session: AsyncSession, platform: str, user_id: str) -> list[SubscriptionRow]:
        rows = await session.scalars(
            select(SubscriptionRow).where(
                SubscriptionRow.platform == platform, SubscriptionRow.user_id == user_id
            )
        )
        order = {topic: index for index, topic in enumerate((ALL_TOPICS, *TOPICS))}
        return sorted(rows.all(), key=lambda row: (order.get(row.topic, len(order)), row.topic))

    async def _log_consent(
        self,
        session: AsyncSession,
        platform: str,
        user_id: str,
        *,
        granted: bool,
        topics: Sequence[str],
        area: str | None,
        now: datetime,
    ) -> None:
        session.add(
            announcements_consent(platform, user_id, granted=granted, topics=topics, area=area, now=now)
        )

    async def _flag(
        self,
        session: AsyncSession,
        platform: str,
        user_id: str,
        granted: bool,
        now: datetime,
        *,
        chat_id: str | None = None,
    ) -> None:
        profile = await session.get(ProfileRow, (platform, user_id))
        if profile is None:
            if chat_id is None:
                return
            # Only to hold the consent flag: the language stays unchosen (the row keeps the one used).
            profile = ProfileRow(
                platform=platform, user_id=user_id, chat_id=chat_id, interests="", created_at=now
            )
            session.add(profile)
        profile.announcements = granted
        profile.announcements_at = now
        profile.updated_at = now


async def deactivate_chat_rows(session: AsyncSession, platform: str, chat_id: str, now: datetime) -> int:
    """In the caller's transaction: deactivate every active subscription of a gone chat.

    The broadcast outbox calls it in the same transaction that records the failed delivery.

    Returns:
        How many active subscriptions were deactivated.
    """
    result = await session.execute(
        update(SubscriptionRow)
        .where(
            SubscriptionRow.platform == platform,
            SubscriptionRow.chat_id == chat_id,
            SubscriptionRow.active.is_(True),
        )
        .values(active=False, deactivated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def move_chat_rows(session: AsyncSession, platform: str, old_chat_id: str, new_chat_id: str) -> int:
    """In the caller's transaction: point a migrated chat's subscriptions at its new id.

    A channel's subscriptions move with their ``user_id``; where the new chat already has a topic,
    the old row is dropped.

    Returns:
        How many subscriptions now point at the new chat instead of the old one.
    """
    rows = (
        await session.scalars(
            select(SubscriptionRow).where(
                SubscriptionRow.platform == platform, SubscriptionRow.chat_id == old_chat_id
            )
        )
    ).all()
    taken = set(
        (
            await session.execute(
                select(SubscriptionRow.user_id, SubscriptionRow.topic).where(
                    SubscriptionRow.platform == platform, SubscriptionRow.user_id == new_chat_id
                )
            )
        ).all()
    )
    moved = 0
    for row in rows:
        new_user = new_chat_id if row.kind == CHANNEL_KIND else row.user_id
        if (new_user, row.topic) in taken:
            await session.delete(row)
            continue
        row.chat_id, row.user_id = new_chat_id, new_user
        moved += 1
    return moved
