"""Composing broadcasts: validate a draft, preview it with its exact audience, submit it once.

Chat dialogues (``/announce``), the CLI (``eser-bot broadcast``) and the reminder job all come
through here, and ``submit`` checks the organiser itself, whatever the caller already checked.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast.message import announcement_reply
from bot.broadcast.models import Draft, Preview, Submitted
from bot.i18n import LANGUAGES, Catalogue
from bot.models import Target
from bot.organisers import Organisers
from bot.store.announcements import AnnouncementStore
from bot.store.broadcasts import FAILED, FAILURE_GONE, PENDING, SENDING, SENT
from bot.topics import TOPICS
from knowledge.models import EventData

# Room for the event line and labels within one Telegram message (4,096 characters).
MAX_ANNOUNCEMENT_CHARS = 3500
REGION_CODE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


class NotOrganiser(PermissionError):
    """The member asked for an organiser-only action."""


class InvalidDraft(ValueError):
    """A draft cannot be sent as it is.

    Args:
        key: Catalogue key of the explanation (``broadcast.invalid.<reason>``).
        params: Values for the message's placeholders.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params = params


class EventLookup(Protocol):
    """Finds an event by id (database and knowledge-base events alike)."""

    async def get(self, event_id: str) -> EventData | None:
        """The event, or None."""
        ...


class PlatformProgress(BaseModel):
    """Outbox rows of one announcement on one platform, by state."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    gone: int = 0

    @property
    def total(self) -> int:
        """Every recipient on this platform."""
        return self.pending + self.sending + self.sent + self.failed


class BroadcastStatus(BaseModel):
    """An announcement and how far its delivery got."""

    id: int
    kind: str
    state: str
    text: str
    created_by: str
    send_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    platforms: dict[str, PlatformProgress] = Field(default_factory=dict)

    @property
    def total(self) -> int:
        """Every recipient."""
        return sum(progress.total for progress in self.platforms.values())

    @property
    def done(self) -> int:
        """Recipients with a final state (sent or failed)."""
        return sum(progress.sent + progress.failed for progress in self.platforms.values())


class BroadcastService:
    """Previews, submits and reports on announcements.

    Args:
        sessions: Session factory of the bot's database.
        catalogue: User-facing strings.
        organisers: The organiser check.
        events: Event lookup for announcements about an event (None: events cannot be attached).
        clock: Current UTC time.
        platforms: The platforms that take broadcasts (``PlatformCapabilities.broadcasts``),
            counted in every preview.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        organisers: Organisers,
        events: EventLookup | None,
        clock: Callable[[], datetime],
        platforms: Sequence[str] = (),
    ) -> None:
        self._store = AnnouncementStore(sessions)
        self._catalogue = catalogue
        self._organisers = organisers
        self._events = events
        self._clock = clock
        self._platforms = tuple(platforms)

    async def event(self, event_id: str | None) -> EventData | None:
        """The event an announcement is about, if it names one that exists."""
        if not event_id or self._events is None:
            return None
        return await self._events.get(event_id)

    async def validate(self, draft: Draft) -> EventData | None:
        """Check a draft; returns its event.

        Raises:
            InvalidDraft: With the catalogue key explaining what to fix.
        """
        text = draft.text.strip()
        if not text and not draft.event_id:
            raise InvalidDraft("broadcast.invalid.empty")
        if len(text) > MAX_ANNOUNCEMENT_CHARS:
            raise InvalidDraft("broadcast.invalid.too_long", length=len(text), limit=MAX_ANNOUNCEMENT_CHARS)
        unknown = [topic for topic in draft.audience.topics if topic not in TOPICS]
        if unknown:
            raise InvalidDraft("broadcast.invalid.topic", topic=unknown[0], topics=", ".join(TOPICS))
        region = draft.audience.region
        if region is not None and not REGION_CODE.match(region):
            raise InvalidDraft("broadcast.invalid.region", region=region)
        if draft.audience.language is not None and draft.audience.language not in LANGUAGES:
            raise InvalidDraft("broadcast.invalid.language", code=draft.audience.language)
        if draft.send_at is not None and draft.send_at.tzinfo is None:
            raise InvalidDraft("broadcast.invalid.time")
        event = await self.event(draft.event_id)
        if draft.event_id and event is None:
            raise InvalidDraft("broadcast.invalid.event", event_id=draft.event_id)
        return event

    async def preview(self, draft: Draft, *, language: str) -> Preview:
        """The exact recipient count per platform and the message as recipients will see it.

        Raises:
            InvalidDraft: When the draft cannot be sent as it is.
        """
        event = await self.validate(draft)
        counts = await self._store.count_recipients(draft.audience)
        reply = announcement_reply(
            text=draft.text,
            kind="announcement",
            event=event,
            language=draft.audience.language or language,
            catalogue=self._catalogue,
            notify_channel=draft.notify_channel,
        )
        return Preview(
            counts={platform: counts.get(platform, 0) for platform in self._platforms}, reply=reply
        )

    async def check_recipients(self, draft: Draft) -> int:
        """How many chats ``draft``'s audience reaches now, on the platforms that take broadcasts.

        The organiser's paths (``/announce``, ``eser-bot broadcast send``) call it before
        submitting: an announcement to nobody would sit in the queue with a report that never comes.

        Raises:
            InvalidDraft: ``broadcast.invalid.nobody`` when it reaches no one.
        """
        counts = await self._store.count_recipients(draft.audience)
        total = sum(counts.get(platform, 0) for platform in self._platforms)
        if not total:
            raise InvalidDraft("broadcast.invalid.nobody")
        return total

    async def submit(
        self, draft: Draft, *, organiser: Target, report_to: Target | None, kind: str = "announcement"
    ) -> Submitted:
        """Store a confirmed announcement for delivery (once per idempotency key).

        Args:
            draft: What to send, to whom, when.
            organiser: Who confirmed it; checked again here.
            report_to: Where the delivery report goes when it finishes.
            kind: ``announcement``, or ``reminder`` for the bot's own event reminders.

        Raises:
            NotOrganiser: When ``organiser`` is not an organiser (logged).
            InvalidDraft: When the draft cannot be sent as it is.
        """
        if kind == "announcement" and not await self._organisers.allow(
            organiser.platform, organiser.chat_id, "broadcast"
        ):
            raise NotOrganiser(str(organiser))
        await self.validate(draft)
        return await self._store.add(
            draft.model_copy(update={"text": draft.text.strip()}),
            idempotency_key=draft.idempotency_key or f"auto:{uuid.uuid4().hex}",
            kind=kind,
            created_by=str(organiser),
            report_to=str(report_to) if report_to else None,
            now=self._clock(),
        )

    async def cancel(self, announcement_id: int, *, organiser: Target) -> bool:
        """Cancel a scheduled announcement (one already sending cannot be called back).

        Raises:
            NotOrganiser: When ``organiser`` is not an organiser.
        """
        if not await self._organisers.allow(organiser.platform, organiser.chat_id, "broadcast cancel"):
            raise NotOrganiser(str(organiser))
        return await self._store.cancel(announcement_id, self._clock())

    async def status(self, announcement_id: int | None = None, *, limit: int = 10) -> list[BroadcastStatus]:
        """One announcement's progress, or the latest ``limit`` announcements', newest first."""
        rows, counts = await self._store.with_deliveries(announcement_id, limit=limit)
        statuses = [
            BroadcastStatus(
                id=row.id,
                kind=row.kind,
                state=row.state,
                text=row.text,
                created_by=row.created_by,
                send_at=row.send_at,
                started_at=row.started_at,
                finished_at=row.finished_at,
            )
            for row in rows
        ]
        by_id = {status.id: status for status in statuses}
        for announcement, platform, state, failure, count in counts:
            progress = by_id[announcement].platforms.setdefault(platform, PlatformProgress())
            if state == PENDING:
                progress.pending += count
            elif state == SENDING:
                progress.sending += count
            elif state == SENT:
                progress.sent += count
            elif state == FAILED:
                progress.failed += count
                if failure == FAILURE_GONE:
                    progress.gone += count
        return statuses
