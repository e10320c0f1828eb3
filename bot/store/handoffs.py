"""Hand-offs (a member's question handed to the organisers), the regions each organiser covers, and
the answer cards organisers keep from their answers.

A hand-off is one row from the member's question to its end: ``open`` (waiting for an organiser),
``answered``, ``closed`` (by an organiser, without an answer or after one) or ``withdrawn`` (by the
member). It names the member (erased by ``/forget``) and is purged once finished for the question
retention. Organisers' card drafts are the network's knowledge, not member data: they stay.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from sqlalchemy import String, Text, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime

HandoffState = Literal["open", "answered", "closed", "withdrawn"]
FINISHED: tuple[HandoffState, ...] = ("answered", "closed", "withdrawn")
CardStatus = Literal["draft", "published"]


class HandoffRow(Base):
    """A member's question handed to the organisers."""

    __tablename__ = "handoffs"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    question: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    bot_answer: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    organisation_type: Mapped[str] = mapped_column(String(32), default="")
    country: Mapped[str] = mapped_column(String(8), default="")
    state: Mapped[str] = mapped_column(String(16), index=True, default="open")
    # Organisers it was sent to, and those who said "not for us" ("platform:user_id", JSON lists).
    assignees: Mapped[str] = mapped_column(Text, default="[]")
    passed_by: Mapped[str] = mapped_column(Text, default="[]")
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_language: Mapped[str] = mapped_column(String(8), default="")
    answered_by: Mapped[str] = mapped_column(String(96), default="")
    card_id: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OrganiserRegionRow(Base):
    """The countries (ISO 3166-1 alpha-2) one organiser answers hand-offs for."""

    __tablename__ = "organiser_regions"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    countries: Mapped[str] = mapped_column(Text, default="")  # "BE,FR"


class OrganiserCardRow(Base):
    """An answer card kept from an organiser's answer: a draft until an organiser publishes it."""

    __tablename__ = "organiser_cards"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="draft")
    questions: Mapped[str] = mapped_column(Text)  # JSON {language: [phrasing, ...]}
    answers: Mapped[str] = mapped_column(Text)  # JSON {language: answer}
    source_url: Mapped[str] = mapped_column(Text, default="")
    handoff_id: Mapped[str] = mapped_column(String(16), default="")
    created_by: Mapped[str] = mapped_column(String(96), default="")
    published_by: Mapped[str] = mapped_column(String(96), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def members(value: str) -> list[str]:
    """A JSON list column as a list."""
    return list(json.loads(value or "[]"))


class HandoffStore:
    """Reads and writes hand-offs, organisers' regions and organisers' cards.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # --- hand-offs ------------------------------------------------------------------------------
    async def add(self, row: HandoffRow) -> None:
        """Store a new hand-off."""
        async with self._sessions.begin() as session:
            session.add(row)

    async def get(self, handoff_id: str) -> HandoffRow | None:
        """One hand-off, or None."""
        async with self._sessions() as session:
            return await session.get(HandoffRow, handoff_id)

    async def update(self, handoff_id: str, *, only_if: tuple[str, ...] = (), **values: object) -> bool:
        """Change a hand-off's columns; with ``only_if``, only while its state is one of those (two
        organisers pressing at once: the first one wins). Returns False when nothing changed."""
        async with self._sessions.begin() as session:
            row = await session.get(HandoffRow, handoff_id, with_for_update=True)
            if row is None or (only_if and row.state not in only_if):
                return False
            for name, value in values.items():
                setattr(row, name, value)
            return True

    async def count_member(
        self, platform: str, user_id: str, *, since: datetime | None = None, state: str | None = None
    ) -> int:
        """How many hand-offs the member made (since ``since``, in ``state``)."""
        where = [HandoffRow.platform == platform, HandoffRow.user_id == user_id]
        if since is not None:
            where.append(HandoffRow.created_at >= since)
        if state is not None:
            where.append(HandoffRow.state == state)
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(HandoffRow).where(*where)) or 0)

    async def of_member(self, platform: str, user_id: str) -> list[HandoffRow]:
        """The member's hand-offs, newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(HandoffRow)
                .where(HandoffRow.platform == platform, HandoffRow.user_id == user_id)
                .order_by(HandoffRow.created_at.desc())
            )
            return list(rows)

    async def listed(self, states: tuple[str, ...] = ("open",), limit: int = 200) -> list[HandoffRow]:
        """Hand-offs in ``states``, oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(HandoffRow)
                .where(HandoffRow.state.in_(states))
                .order_by(HandoffRow.created_at)
                .limit(limit)
            )
            return list(rows)

    async def due(self, reminder_before: datetime, escalation_before: datetime) -> list[HandoffRow]:
        """Open hand-offs due a reminder (older than ``reminder_before``, not reminded) or an
        escalation (older than ``escalation_before``, not escalated), oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(HandoffRow)
                .where(
                    HandoffRow.state == "open",
                    or_(
                        and_(HandoffRow.created_at <= reminder_before, HandoffRow.reminded_at.is_(None)),
                        and_(HandoffRow.created_at <= escalation_before, HandoffRow.escalated_at.is_(None)),
                    ),
                )
                .order_by(HandoffRow.created_at)
            )
            return list(rows)

    async def purge(self, finished_before: datetime) -> int:
        """Delete hand-offs finished (answered, closed, withdrawn) before ``finished_before``, and
        open ones asked before it; returns how many went."""
        async with self._sessions.begin() as session:
            result = await session.execute(delete(HandoffRow).where(HandoffRow.updated_at < finished_before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- organisers' regions ----------------------------------------------------------------------
    async def set_regions(self, platform: str, user_id: str, countries: list[str]) -> None:
        """Set the countries an organiser covers (an empty list: every country)."""
        async with self._sessions.begin() as session:
            row = await session.get(OrganiserRegionRow, (platform, user_id))
            if not countries:
                if row is not None:
                    await session.delete(row)
                return
            value = ",".join(sorted({code.upper() for code in countries}))
            if row is None:
                session.add(OrganiserRegionRow(platform=platform, user_id=user_id, countries=value))
            else:
                row.countries = value

    async def regions(self) -> dict[tuple[str, str], list[str]]:
        """Every organiser with regions set: (platform, user id) -> country codes."""
        async with self._sessions() as session:
            rows = await session.scalars(select(OrganiserRegionRow))
            return {(r.platform, r.user_id): [c for c in r.countries.split(",") if c] for r in rows}

    # --- organisers' cards ------------------------------------------------------------------------
    async def add_card(self, row: OrganiserCardRow) -> None:
        """Store a new card draft."""
        async with self._sessions.begin() as session:
            session.add(row)

    async def card(self, card_id: str) -> OrganiserCardRow | None:
        """One organiser card, or None."""
        async with self._sessions() as session:
            return await session.get(OrganiserCardRow, card_id)

    async def update_card(self, card_id: str, **values: object) -> OrganiserCardRow | None:
        """Change a card's columns; returns the changed row (None when there is no such card)."""
        async with self._sessions.begin() as session:
            row = await session.get(OrganiserCardRow, card_id, with_for_update=True)
            if row is None:
                return None
            for name, value in values.items():
                setattr(row, name, value)
            return row

    async def cards(self, status: str | None = None) -> list[OrganiserCardRow]:
        """Organiser cards (of ``status``), oldest first."""
        query = select(OrganiserCardRow).order_by(OrganiserCardRow.created_at)
        if status is not None:
            query = query.where(OrganiserCardRow.status == status)
        async with self._sessions() as session:
            return list(await session.scalars(query))

    async def card_stamps(self) -> dict[str, datetime]:
        """Published cards' ids with their last change (what a replica compares with its index)."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(OrganiserCardRow.id, OrganiserCardRow.updated_at).where(
                    OrganiserCardRow.status == "published"
                )
            )
            return {row[0]: row[1] for row in rows.all()}

    async def delete_card(self, card_id: str) -> bool:
        """Delete a card; False when there was none."""
        async with self._sessions.begin() as session:
            result = await session.execute(delete(OrganiserCardRow).where(OrganiserCardRow.id == card_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]
