"""Announcements and their durable outbox: one row per (announcement, recipient) with its state.

An announcement is ``scheduled`` until its send time, then ``sending`` once its outbox rows exist
(they are written in the same transaction that changes the state, so a crash never leaves half an
audience), then ``done`` when every row is ``sent`` or ``failed``. An outbox row is ``pending``,
``sending`` while a worker holds it (until ``claimed_until``), then ``sent`` or ``failed``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime

SCHEDULED = "scheduled"
SENDING = "sending"
DONE = "done"
CANCELLED = "cancelled"

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
# Why a row failed: the recipient blocked the bot / left / vanished, or delivery kept failing.
FAILURE_GONE = "gone"
FAILURE_ERROR = "error"


class AnnouncementRow(Base):
    """An announcement an organiser confirmed (or a reminder the bot made for an event)."""

    __tablename__ = "announcements"
    # Who sent it and who gets its report (``telegram:123``): cleared when they ask to be forgotten.
    __table_args__ = {"info": {"member_refs": ("created_by", "report_to")}}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="announcement")
    text: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(64))
    topics: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(8))
    notify_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(96))
    report_to: Mapped[str | None] = mapped_column(String(96))
    state: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """One announcement for one recipient chat, and what became of it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("announcement_id", "platform", "chat_id"),
        Index("ix_outbox_due", "state", "platform", "next_attempt_at"),
        {"info": {"member_keys": ("platform", "user_id")}},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8), default="member")
    language: Mapped[str] = mapped_column(String(8), default="en")
    # The recipient's country (their time zone for dates), when known.
    country: Mapped[str | None] = mapped_column(String(2))
    state: Mapped[str] = mapped_column(String(16))
    failure: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))
