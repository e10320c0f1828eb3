"""Events organisers add (CLI, ``.ics`` import, ``/newevent``): the database is their source of truth.

Events written as files in the knowledge base stay files; these rows are indexed beside them under the
source root ``db:events`` (see ``bot.events``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime


class EventRow(Base):
    """One event added by an organiser (times stored in UTC, ``timezone`` is the event's own zone)."""

    __tablename__ = "events"
    # ``created_by`` names the organiser (``telegram:123``): cleared when they ask to be forgotten.
    __table_args__ = {"info": {"member_refs": ("created_by",)}}  # noqa: RUF012 - read from the class

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    signup_url: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    region: Mapped[str] = mapped_column(String(8), default="EU")
    topics: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(96), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
