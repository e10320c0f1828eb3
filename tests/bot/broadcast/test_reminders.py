"""Event reminders: scheduled once per event and start, for the event's subscribers, and never
for events outside the window."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.broadcast.reminders import reminder_key, schedule_reminders
from bot.store.broadcasts import AnnouncementRow, OutboxRow
from bot.store.outbox import OutboxStore
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import FIXED_NOW, Clock


async def _add_event(app: App, event_id: str, hours_ahead: float, region: str = "ES") -> None:
    start = FIXED_NOW + timedelta(hours=hours_ahead)
    await app.services.events.add(
        {
            "title": f"Webinar {event_id}",
            "start": start.isoformat(),
            "timezone": "Europe/Madrid",
            "online": "https://example.org/live",
            "signup_url": "https://example.org/signup",
            "region": region,
            "topics": "funding",
        },
        created_by="test",
        event_id=event_id,
    )


async def test_events_starting_within_the_window_are_reminded_once(app: App, clock: Clock) -> None:
    sessions = app.services.sessions
    await add_subscribers(sessions, "telegram", ["1"], now=FIXED_NOW, topic="funding", country="ES")
    await add_subscribers(sessions, "telegram", ["2"], now=FIXED_NOW, topic="events", country="FR")
    await add_subscribers(sessions, "telegram", ["3"], now=FIXED_NOW, topic="policy")
    await add_subscribers(sessions, "telegram", ["4"], now=FIXED_NOW, topic="events", profile_language="fr")
    await _add_event(app, "soon", hours_ahead=20)
    await _add_event(app, "later", hours_ahead=30)

    assert await schedule_reminders(app.services, FIXED_NOW) == 1
    assert await schedule_reminders(app.services, FIXED_NOW) == 0  # the same reminder is not made twice
    async with sessions() as session:
        [row] = list(await session.scalars(select(AnnouncementRow)))
    assert row.kind == "reminder" and row.event_id == "soon" and row.region == "ES"
    assert row.idempotency_key == reminder_key("soon", FIXED_NOW + timedelta(hours=20))

    await OutboxStore(sessions).start_due(FIXED_NOW)
    async with sessions() as session:
        chats = {r.chat_id: r.language for r in await session.scalars(select(OutboxRow))}
    # Funding subscriber in Spain and the place-less events subscriber; not France, not policy.
    assert chats == {"1": "en", "4": "fr"}

    clock.advance(hours=10)
    assert await schedule_reminders(app.services, clock()) == 1  # "later" is now within 24 h


async def test_reminders_can_be_turned_off(app: App) -> None:
    await _add_event(app, "soon", hours_ahead=2)
    app.services.settings.reminder_hours = 0
    assert await schedule_reminders(app.services, FIXED_NOW) == 0
