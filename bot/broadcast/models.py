"""What an organiser composes (``Draft``), whom it reaches (``Audience``) and what they see first
(``Preview``), independent of where it was composed (chat, CLI)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bot.models import Platform, Reply


class Audience(BaseModel, frozen=True):
    """Who an announcement is for.

    Attributes:
        topics: Subscribers to any of these topics (``bot.topics.TOPICS``); empty means everyone
            subscribed. A subscription to ``all`` matches every topic.
        region: ISO 3166 country (``ES``) or subdivision (``ES-CT``); None means everywhere. A
            subscription with no place matches every region.
        language: Only members (and channels) using this language; None means any.
    """

    topics: tuple[str, ...] = ()
    region: str | None = None
    language: str | None = None


class Draft(BaseModel, frozen=True):
    """An announcement before it is confirmed.

    Attributes:
        text: What to announce (plain text; mentions are defanged unless ``notify_channel``).
        audience: Who gets it.
        event_id: An event to attach (its sign-up button and ``.ics`` go with the announcement).
        send_at: When to send (UTC); None means at once.
        notify_channel: Ping ``@channel`` in Slack channels; only when the organiser asked for it.
        idempotency_key: The same key submitted twice creates one announcement.
    """

    text: str
    audience: Audience = Field(default_factory=Audience)
    event_id: str | None = None
    send_at: datetime | None = None
    notify_channel: bool = False
    idempotency_key: str | None = None


class Preview(BaseModel):
    """What the organiser confirms: the exact recipient count per platform and the message itself.

    Attributes:
        counts: Recipient chats per platform (a member and a channel each count once).
        reply: The announcement as recipients will see it (in the draft's language).
    """

    counts: dict[Platform, int]
    reply: Reply

    @property
    def total(self) -> int:
        """Recipients on every platform."""
        return sum(self.counts.values())


class Submitted(BaseModel, frozen=True):
    """The outcome of confirming a draft.

    Attributes:
        announcement_id: The stored announcement.
        created: False when the idempotency key was already used (nothing new is sent).
        send_at: When it goes out.
    """

    announcement_id: int
    created: bool
    send_at: datetime
