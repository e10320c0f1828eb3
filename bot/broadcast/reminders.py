"""Automatic event reminders: ``ESER_REMINDER_HOURS`` before an event starts, its subscribers hear
about it once (the idempotency key is the event and its start, so a moved event is reminded again).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.broadcast.models import Audience, Draft
from bot.models import Target
from bot.services import Services
from bot.topics import TOPICS

log = logging.getLogger(__name__)
REMINDER_SENDER = Target(platform="console", chat_id="reminders")
EU_WIDE = frozenset({"", "EU"})


def reminder_key(event_id: str, start: datetime) -> str:
    """The idempotency key of an event's reminder."""
    return f"reminder:{event_id}:{int(start.timestamp())}"


async def schedule_reminders(services: Services, now: datetime) -> int:
    """Submit a reminder for every event starting within the reminder window; returns how many new.

    Subscribers to ``events`` (or to one of the event's topics) in the event's country hear about it;
    an EU-wide event reaches them everywhere.
    """
    hours = services.settings.reminder_hours
    events = services.events
    if hours <= 0 or events is None:
        return 0
    created = 0
    for event in await events.events_starting(now, now + timedelta(hours=hours)):
        topics = ("events", *(topic for topic in event.topics if topic in TOPICS and topic != "events"))
        region = None if event.region.upper() in EU_WIDE else event.region.upper()
        draft = Draft(
            text="",
            event_id=event.id,
            audience=Audience(topics=topics, region=region),
            idempotency_key=reminder_key(event.id, event.start),
        )
        submitted = await services.broadcasts.submit(
            draft, organiser=REMINDER_SENDER, report_to=None, kind="reminder"
        )
        if submitted.created:
            log.info("reminder for event %s scheduled (announcement %d)", event.id, submitted.announcement_id)
            created += 1
    return created
