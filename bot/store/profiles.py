"""Member profiles, the announcement consents they gave and the subscriptions those consents create.

A profile is what onboarding learned about a member; it shapes answers (``bot.onboarding.directory``)
and, through ``subscriptions``, which announcements a future broadcast feature may send them. Consents
are kept as a dated log: every yes or no is a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Boolean, Integer, String, UniqueConstraint, delete, select
from sqlalchemy import true as sa_true
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime
from bot.store.per_message import read_once
from bot.topics import ALL_TOPICS

MEMBER_KEYS = {"member_keys": ("platform", "user_id")}
ANNOUNCEMENTS = "announcements"
PROFILE_FIELDS = ("language", "organisation_type", "country", "region", "interests")
MEMBER_KIND = "member"
CHANNEL_KIND = "channel"


class ProfileRow(Base):
    """One member's profile."""

    __tablename__ = "member_profiles"
    __table_args__ = {"info": MEMBER_KEYS}  # noqa: RUF012 - SQLAlchemy reads it from the class

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    organisation_type: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(8))
    interests: Mapped[str] = mapped_column(String(200), default="")
    announcements: Mapped[bool | None] = mapped_column(Boolean)
    announcements_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentRow(Base):
    """A consent given or refused, with when and for what (a log: never updated, only added)."""

    __tablename__ = "member_consents"
    __table_args__ = {"info": MEMBER_KEYS}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool] = mapped_column(Boolean)
    topics: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str | None] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubscriptionRow(Base):
    """One topic a member agreed to hear about, for their region (or country), and where to send it."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("platform", "user_id", "topic"),
        {"info": MEMBER_KEYS},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(32), index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "member" (a person, chat_id is their DM) or "channel" (user_id and chat_id are the channel).
    kind: Mapped[str] = mapped_column(String(8), default=MEMBER_KIND, server_default=MEMBER_KIND)
    # Language of the announcements' own labels for a channel (members use their profile's).
    language: Mapped[str | None] = mapped_column(String(8))
    # False once the platform said the chat is gone (blocked, kicked, not found).
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MemberProfile(BaseModel, frozen=True):
    """A profile as handlers see it."""

    platform: str
    user_id: str
    chat_id: str
    language: str | None = None
    organisation_type: str | None = None
    country: str | None = None
    region: str | None = None
    interests: tuple[str, ...] = ()
    announcements: bool | None = None
    announcements_at: datetime | None = None

    @classmethod
    def from_row(cls, row: ProfileRow) -> MemberProfile:
        """Read a stored row."""
        return cls(
            platform=row.platform,
            user_id=row.user_id,
            chat_id=row.chat_id,
            language=row.language,
            organisation_type=row.organisation_type,
            country=row.country,
            region=row.region,
            interests=tuple(item for item in row.interests.split(",") if item),
            announcements=row.announcements,
            announcements_at=row.announcements_at,
        )


class Subscription(BaseModel, frozen=True):
    """A topic a member (or channel) subscribed to, where, and the chat to send announcements to."""

    topic: str
    country: str | None
    region: str | None
    chat_id: str
    kind: str = MEMBER_KIND
    language: str | None = None
    active: bool = True

    @classmethod
    def from_row(cls, row: SubscriptionRow) -> Subscription:
        """Read a stored row."""
        return cls(
            topic=row.topic,
            country=row.country,
            region=row.region,
            chat_id=row.chat_id,
            kind=row.kind,
            language=row.language,
            active=row.active,
        )


def announcements_consent(
    platform: str, user_id: str, *, granted: bool, topics: Sequence[str], area: str | None, now: datetime
) -> ConsentRow:
    """A consent-log row for a yes or no to announcements (about ``topics``, for ``area``)."""
    return ConsentRow(
        platform=platform,
        user_id=user_id,
        purpose=ANNOUNCEMENTS,
        granted=granted,
        topics=",".join(topics),
        area=area,
        recorded_at=now,
    )


class ProfileStore:
    """Reads and writes profiles, consents and subscriptions.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, platform: str, user_id: str) -> MemberProfile | None:
        """The member's profile, if one is stored (read once per message: ``bot.store.per_message``)."""
        return await read_once(("profile", platform, user_id), lambda: self._get(platform, user_id))

    async def _get(self, platform: str, user_id: str) -> MemberProfile | None:
        async with self._sessions() as session:
            row = await session.get(ProfileRow, (platform, user_id))
            return MemberProfile.from_row(row) if row else None

    async def update(
        self, platform: str, user_id: str, *, chat_id: str, now: datetime, **fields: object
    ) -> MemberProfile:
        """Create or update a profile with the given ``PROFILE_FIELDS`` (others are ignored).

        Args:
            platform: The member's platform.
            user_id: The member's platform user id.
            chat_id: The direct chat the bot talks to them in.
            now: The time of the change.
            **fields: Field values; ``interests`` as a sequence of topics, ``None`` clears a field.
        """
        async with self._sessions.begin() as session:
            row = await session.get(ProfileRow, (platform, user_id))
            if row is None:
                row = ProfileRow(platform=platform, user_id=user_id, interests="", created_at=now)
                session.add(row)
            row.chat_id = chat_id
            row.updated_at = now
            for name in PROFILE_FIELDS:
                if name not in fields:
                    continue
                value = fields[name]
                if name == "interests":
                    row.interests = ",".join(str(item) for item in value or ())  # type: ignore[attr-defined]
                else:
                    setattr(row, name, value)
            await session.flush()
            return MemberProfile.from_row(row)

    async def record_announcements(
        self,
        platform: str,
        user_id: str,
        *,
        chat_id: str,
        granted: bool,
        topics: Sequence[str],
        country: str | None,
        region: str | None,
        now: datetime,
    ) -> None:
        """Log a yes/no to announcements and make the subscriptions match it.

        A yes subscribes the member to each topic (``all`` when none was picked) for their region or
        country; a no removes every subscription.
        """
        async with self._sessions.begin() as session:
            session.add(
                announcements_consent(
                    platform, user_id, granted=granted, topics=topics, area=region or country, now=now
                )
            )
            row = await session.get(ProfileRow, (platform, user_id))
            language = row.language if row is not None else None
            if row is not None:
                row.announcements = granted
                row.announcements_at = now
                row.updated_at = now
            await session.execute(
                delete(SubscriptionRow).where(
                    SubscriptionRow.platform == platform, SubscriptionRow.user_id == user_id
                )
            )
            if granted:
                for topic in topics or (ALL_TOPICS,):
                    session.add(
                        SubscriptionRow(
                            platform=platform,
                            user_id=user_id,
                            chat_id=chat_id,
                            topic=topic,
                            country=country,
                            region=region,
                            created_at=now,
                            kind=MEMBER_KIND,
                            language=language,
                        )
                    )

    async def subscriptions(self, platform: str, user_id: str) -> list[Subscription]:
        """The member's subscriptions, by topic."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SubscriptionRow)
                .where(SubscriptionRow.platform == platform, SubscriptionRow.user_id == user_id)
                .order_by(SubscriptionRow.topic)
            )
            return [Subscription.from_row(row) for row in rows]

    async def consents(self, platform: str, user_id: str) -> list[tuple[str, bool, datetime]]:
        """The member's consent log, oldest first: (purpose, granted, when)."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(ConsentRow.purpose, ConsentRow.granted, ConsentRow.recorded_at)
                .where(ConsentRow.platform == platform, ConsentRow.user_id == user_id)
                .order_by(ConsentRow.id)
            )
            return [(row[0], row[1], row[2]) for row in rows.all()]
