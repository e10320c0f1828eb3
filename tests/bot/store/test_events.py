"""The events table: saving and replacing events, reading them back by id, time and change, on both
backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.events import EventStore
from knowledge.models import EventData
from tests.conftest import FIXED_NOW


def _event(event_id: str, days_ahead: float, **fields: object) -> EventData:
    start = FIXED_NOW + timedelta(days=days_ahead)
    return EventData.model_validate(
        {
            "id": event_id,
            "title": f"Event {event_id}",
            "start": start,
            "end": start + timedelta(hours=2),
            "timezone": "Europe/Madrid",
            "region": "ES",
            "topics": ("events", "funding"),
            **fields,
        }
    )


async def test_a_saved_event_reads_back_as_it_was_given(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = EventStore(sessions)
    event = _event("a", 3, place="Madrid", signup_url="https://example.org/a", language="es")
    await store.save([event], created_by="cli", now=FIXED_NOW)
    assert await store.get("a") == event
    assert await store.get("missing") is None


async def test_saving_a_known_id_replaces_the_event_and_stamps_the_change(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = EventStore(sessions)
    await store.save([_event("a", 3), _event("b", 1)], created_by="cli", now=FIXED_NOW)
    later = FIXED_NOW + timedelta(minutes=5)
    moved = _event("a", 4, title="Moved")
    await store.save([moved], created_by="telegram:9", now=later)
    assert await store.get("a") == moved
    assert await store.stamps() == {"a": later, "b": FIXED_NOW}
    assert sorted((event.id, stamp) for event, stamp in await store.stamped()) == [
        ("a", later),
        ("b", FIXED_NOW),
    ]
    assert await store.existing_ids(["a", "c"]) == {"a"}
    assert {event.id for event in await store.get_many(["a", "b", "c"])} == {"a", "b"}


async def test_events_are_listed_soonest_first_and_found_by_start(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = EventStore(sessions)
    await store.save(
        [_event("late", 10), _event("past", -2), _event("soon", 1)], created_by="", now=FIXED_NOW
    )
    assert [event.id for event in await store.listed()] == ["past", "soon", "late"]
    assert [event.id for event in await store.listed(starting_from=FIXED_NOW)] == ["soon", "late"]
    window = await store.starting(FIXED_NOW, FIXED_NOW + timedelta(days=10))
    assert [event.id for event in window] == ["soon"]  # the end of the window is left out


async def test_a_deleted_event_is_gone(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = EventStore(sessions)
    await store.save([_event("a", 3)], created_by="", now=FIXED_NOW)
    assert await store.delete("a")
    assert not await store.delete("a")
    assert await store.get("a") is None and await store.stamps() == {}
