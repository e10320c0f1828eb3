"""EventService: organisers' events stored in the database and indexed at once, on the real app."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.events import SOURCE_ROOT, EventError
from bot.settings import Settings
from bot.store.events import EventRow
from knowledge.engine import KnowledgeEngine
from tests.conftest import LINKS, Clock

MADRID = {
    "title": "Social economy summit Madrid",
    "start": "2026-12-10 10:00",
    "end": "2026-12-10 17:00",
    "timezone": "Europe/Madrid",
    "place": "Palacio de Congresos, Madrid",
    "signup_url": "https://events.example.org/madrid-summit/register",
    "language": "es",
    "region": "ES",
    "topics": "events,funding",
}


def indexed_ids(knowledge: KnowledgeEngine) -> set[str]:
    return {c.doc_id for c in knowledge.index.chunks if c.metadata.get("source_root") == SOURCE_ROOT}


async def test_an_added_event_is_stored_and_found_by_the_next_question(app: App) -> None:
    events = app.services.events
    event = await events.add(MADRID, created_by="cli")
    assert event.start == datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    assert await events.get(event.id) == event
    assert f"event:{event.id}" in indexed_ids(app.services.knowledge)
    answer = await app.services.knowledge.answer("What's on in Spain next month?")
    assert answer.grounded and "Social economy summit Madrid" in answer.text
    assert "https://events.example.org/madrid-summit/register" in [a.url for a in answer.actions]


async def test_an_event_without_a_link_is_cited_with_the_configured_gateway(app: App) -> None:
    linkless = {key: value for key, value in MADRID.items() if key != "signup_url"}
    await app.services.events.add(linkless, created_by="cli")
    answer = await app.services.knowledge.answer("What's on in Spain next month?")
    assert "Social economy summit Madrid" in answer.text
    assert [c.url for c in answer.citations] == [LINKS.gateway]


async def test_a_change_and_a_removal_reach_the_index_at_once(app: App) -> None:
    events = app.services.events
    event = await events.add(MADRID)
    # Adding under the same id replaces the event (a re-import, a dialogue's Save pressed twice).
    changed = await events.add({**MADRID, "title": "Madrid social economy forum"}, event_id=event.id)
    assert (
        changed.title == "Madrid social economy forum" and len(await events.list_stored(upcoming=False)) == 1
    )
    titles = {c.metadata.get("doc_title") for c in app.services.knowledge.index.chunks}
    assert "Madrid social economy forum" in titles and MADRID["title"] not in titles
    assert await events.remove(event.id) and not await events.remove(event.id)
    assert not indexed_ids(app.services.knowledge)
    assert await events.get(event.id) is None


async def test_a_bad_field_is_named_and_nothing_is_stored(app: App) -> None:
    with pytest.raises(EventError) as caught:
        await app.services.events.add({**MADRID, "signup_url": "htp:/broken"})
    assert caught.value.field == "signup_url" and "htp:/broken" in str(caught.value)
    assert await app.services.events.list_stored(upcoming=False) == []


async def test_upcoming_lists_only_events_still_to_start(app: App, clock: Clock) -> None:
    events = app.services.events
    soon = await events.add({**MADRID, "start": "2026-11-27 10:00", "end": None})
    later = await events.add(MADRID)
    clock.advance(days=2)
    assert [e.id for e in await events.list_stored()] == [later.id]
    assert [e.id for e in await events.list_stored(upcoming=False)] == [soon.id, later.id]


async def test_events_starting_covers_stored_and_knowledge_base_events(app: App) -> None:
    stored = await app.services.events.add({**MADRID, "start": "2027-01-20 09:00", "end": None})
    found = await app.services.events.events_starting(
        datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)
    )
    # The knowledge base's webinar (2027-01-20 14:00 Warsaw) and the stored event, soonest first.
    assert [e.id for e in found] == [stored.id, "test-social-economy-webinar-2027"]
    webinar = await app.services.events.get("test-social-economy-webinar-2027")
    assert webinar is not None and webinar.signup_url == "https://events.example.org/webinar-2027/register"
    assert webinar.online_url == "https://events.example.org/webinar-2027/join"


async def test_import_reports_bad_events_and_keeps_the_good_ones(app: App, tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        "- id: good\n  title: Good event\n  start: 2027-02-01T10:00:00\n  timezone: Europe/Rome\n"
        "  region: IT\n"
        "- id: bad\n  title: Bad event\n  start: 2027-02-02T10:00:00\n  signup_url: nowhere\n",
        encoding="utf-8",
    )
    report = await app.services.events.import_file(path)
    assert len(report.added) == 1 and not report.updated
    assert (
        len(report.problems) == 1 and "events.yaml:6: event 2 'Bad event': signup_url" in report.problems[0]
    )
    again = await app.services.events.import_file(path)
    assert again.updated == report.added and not again.added  # the same ids: updated, not doubled
    assert len(await app.services.events.list_stored()) == 1


async def test_a_change_made_by_another_process_reaches_the_running_bot_on_the_next_tick(
    app: App, settings: Settings, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    assert await app.services.events.refresh_if_changed()  # first tick: full sync
    assert not await app.services.events.refresh_if_changed()  # nothing changed: nothing done
    other = await build_app(settings, knowledge=knowledge, clock=clock)  # e.g. `eser-bot events add`
    try:
        # Stored only, as the CLI does (it never writes the index).
        event = await type(other.services.events)(other.services.sessions, None, clock).add(MADRID)
    finally:
        await other.services.db.dispose()
    assert f"event:{event.id}" not in indexed_ids(knowledge)
    assert await app.services.events.refresh_if_changed()
    assert f"event:{event.id}" in indexed_ids(knowledge)
    clock.advance(minutes=1)
    async with app.services.sessions.begin() as session:
        await session.delete(await session.get(EventRow, event.id))
    assert await app.services.events.refresh_if_changed()
    assert not indexed_ids(knowledge)


async def test_the_first_questions_after_a_start_sync_the_events_once_not_once_each(
    app: App, knowledge: KnowledgeEngine
) -> None:
    await app.services.events.add(MADRID)
    syncs = 0
    sync_documents = knowledge.sync_documents

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal syncs
        syncs += 1
        return await sync_documents(*args, **kwargs)

    fresh = type(app.services.events)(app.services.sessions, knowledge, app.services.clock)
    knowledge.sync_documents = counted  # type: ignore[method-assign]
    try:
        # Fifty members' questions arriving together each look for events added elsewhere first.
        await asyncio.gather(*(fresh.refresh_if_changed() for _ in range(50)))
    finally:
        knowledge.sync_documents = sync_documents  # type: ignore[method-assign]
    assert syncs == 1
    assert not await fresh.refresh_if_changed()  # and nothing is left to do


async def test_questions_look_for_events_changed_elsewhere_every_few_seconds_not_each_time(
    app: App, settings: Settings, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    events = type(app.services.events)(
        app.services.sessions, knowledge, app.services.clock, question_check_seconds=1.5
    )
    other = await build_app(settings, knowledge=knowledge, clock=clock)  # e.g. `eser-bot events add`
    try:
        assert await events.refresh_if_due()  # the first question: full sync
        event = await type(other.services.events)(other.services.sessions, None, clock).add(MADRID)
    finally:
        await other.services.db.dispose()
    assert not await events.refresh_if_due()  # a question right after: no look at the table
    assert f"event:{event.id}" not in indexed_ids(knowledge)
    await asyncio.sleep(1.6)
    assert await events.refresh_if_due()  # the next look finds it
    assert f"event:{event.id}" in indexed_ids(knowledge)


async def test_start_up_sync_makes_the_index_hold_exactly_the_stored_events(app: App) -> None:
    event = await app.services.events.add(MADRID)
    await app.services.knowledge.remove_documents([f"event:{event.id}"])
    report = await app.services.events.sync_index()
    assert report.added == [f"event:{event.id}"]
    again = await app.services.events.sync_index()
    assert again.unchanged == [f"event:{event.id}"] and again.chunks_embedded == 0
