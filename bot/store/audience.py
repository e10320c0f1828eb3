"""Which chats an announcement reaches: active subscriptions matching its topics, place and language.

One query serves the organiser's preview (counts per platform) and the outbox (one row per chat): a
member subscribed to three matching topics, or a member and the channel they sit in, are separate
chats counted once each. Matching rules:

- topics: a subscription to any of the announcement's topics, or to ``all``; no topics = everyone;
- region: a subscription without a place hears from everywhere; a country code (``ES``) reaches that
  country and its regions; a region (``ES-CT``) reaches that region and members who gave only the
  country;
- language: the member's profile language (else the subscription's), compared exactly when set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast.models import Audience
from bot.store.broadcasts import PENDING, AnnouncementRow, OutboxRow
from bot.store.profiles import ProfileRow, SubscriptionRow
from bot.store.sqlite_inline import off_the_loop
from bot.topics import ALL_TOPICS

DEFAULT_LANGUAGE = "en"
AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])


def audience_of(row: AnnouncementRow) -> Audience:
    """The audience stored with an announcement."""
    return Audience(
        topics=tuple(topic for topic in row.topics.split(",") if topic),
        region=row.region,
        language=row.language,
    )


def _conditions(audience: Audience, language: ColumnElement[str]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [SubscriptionRow.active.is_(True)]
    if audience.topics:
        conditions.append(SubscriptionRow.topic.in_([*audience.topics, ALL_TOPICS]))
    if audience.region:
        region = audience.region.upper()
        nowhere = and_(SubscriptionRow.country.is_(None), SubscriptionRow.region.is_(None))
        if "-" in region:
            country = region.split("-", 1)[0]
            place = or_(
                SubscriptionRow.region == region,
                and_(SubscriptionRow.region.is_(None), SubscriptionRow.country == country),
            )
        else:
            place = or_(SubscriptionRow.country == region, SubscriptionRow.region.like(f"{region}-%"))
        conditions.append(or_(nowhere, place))
    if audience.language:
        conditions.append(language == audience.language)
    return conditions


def _language_column() -> ColumnElement[str]:
    return func.coalesce(ProfileRow.language, SubscriptionRow.language, literal(DEFAULT_LANGUAGE))


def _matching(audience: Audience) -> Select[str, str, str, str, str, str | None]:
    """Matching chats, one row per (platform, chat): platform, chat, user id, kind, language, country."""
    language = _language_column()
    return _matching_subscriptions(
        select(
            SubscriptionRow.platform,
            SubscriptionRow.chat_id,
            func.min(SubscriptionRow.user_id),
            func.min(SubscriptionRow.kind),
            func.min(language),
            func.min(func.coalesce(ProfileRow.country, SubscriptionRow.country)),
        ),
        audience,
    ).group_by(SubscriptionRow.platform, SubscriptionRow.chat_id)


def _matching_subscriptions(query: AnySelect, audience: Audience) -> AnySelect:
    """``query`` over the audience's active subscriptions, each with its member's profile (if any)."""
    return (
        query.select_from(SubscriptionRow)
        .outerjoin(
            ProfileRow,
            and_(
                ProfileRow.platform == SubscriptionRow.platform, ProfileRow.user_id == SubscriptionRow.user_id
            ),
        )
        .where(*_conditions(audience, _language_column()))
    )


async def count_recipients(session: AsyncSession, audience: Audience) -> dict[str, int]:
    """Recipient chats per platform (platforms with none are absent), read in ``session``."""
    query = _matching_subscriptions(
        select(SubscriptionRow.platform, func.count(func.distinct(SubscriptionRow.chat_id))), audience
    ).group_by(SubscriptionRow.platform)
    with off_the_loop():  # 0.1 s on SQLite with 100,000 subscribers
        rows = (await session.execute(query)).all()
    return {platform: int(count) for platform, count in rows}


async def enqueue_recipients(
    session: AsyncSession, announcement_id: int, audience: Audience, now: datetime
) -> int:
    """Write one ``pending`` outbox row per recipient chat, in one statement; returns how many.

    Runs inside the caller's transaction, so the rows appear together with the announcement's change
    of state or not at all.
    """
    matching = _matching(audience).subquery()
    source = select(
        literal(announcement_id),
        matching.c[0],
        matching.c[1],
        matching.c[2],
        matching.c[3],
        matching.c[4],
        matching.c[5],
        literal(PENDING),
        literal(0),
        literal(now, OutboxRow.next_attempt_at.type),
    )
    columns = [
        "announcement_id",
        "platform",
        "chat_id",
        "user_id",
        "kind",
        "language",
        "country",
        "state",
        "attempts",
        "next_attempt_at",
    ]
    with off_the_loop():  # 0.4 s on SQLite for 100,000 recipients
        result = await session.execute(insert(OutboxRow).from_select(columns, source))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
