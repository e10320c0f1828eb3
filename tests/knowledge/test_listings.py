"""The events and funding listings: sorted, cited, dated in the member's language."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import Catalogue
from knowledge.engine import KnowledgeEngine
from knowledge.events import event_from_ics, events_to_ics
from knowledge.listings import cited_events, event_place, format_when
from knowledge.models import EventData


async def test_events_soonest_first_with_local_dates(knowledge: KnowledgeEngine) -> None:
    answer, events = await knowledge.upcoming_events("", language="fr")
    assert [e.id for e in events] == ["test-social-economy-webinar-2027", "test-eser-network-meeting-2027"]
    lines = answer.text.splitlines()
    assert lines[0] == "Événements à venir que je connais :"
    assert "20 janv. 2027, 14:00 – 15:30 (Europe/Warsaw), en ligne [1]" in lines[1]
    assert "Brussels" in lines[2] and lines[2].endswith("[2]")
    assert [c.n for c in answer.citations] == [1, 2]
    assert {a.url for a in answer.actions} == {
        "https://events.example.org/webinar-2027/register",
        "https://events.example.org/eser-network-meeting-2027/register",
    }
    assert [e.title for e in event_from_ics(events_to_ics(events))] == [e.title for e in events]


async def test_events_by_country(knowledge: KnowledgeEngine) -> None:
    _, events = await knowledge.upcoming_events("Belgium", language="en")
    assert [e.region for e in events] == ["BE"]


async def test_funding_listing_has_a_status_per_line(knowledge: KnowledgeEngine) -> None:
    answer = await knowledge.funding("social economy missions", language="en")
    lines = answer.text.splitlines()[1:]
    assert lines and all(
        "Status:" in line and line.rstrip().endswith(f"[{n}]") for n, line in enumerate(lines, 1)
    )
    order = {"open": 0, "rolling": 1, "not open yet": 2, "not known": 3, "closed": 4}
    ranks = [next(rank for word, rank in order.items() if f"Status: {word}" in line) for line in lines]
    assert ranks == sorted(ranks)


def test_dates_in_the_members_time_zone_else_the_events_own() -> None:
    event = EventData(
        id="x",
        title="X",
        start=datetime(2027, 3, 15, 9, tzinfo=UTC),
        end=datetime(2027, 3, 16, 16, tzinfo=UTC),
        timezone="Europe/Brussels",
    )
    assert format_when(event, "de") == "15.03.2027, 10:00 – 16.03.2027, 17:00 (Europe/Brussels)"
    assert (
        format_when(event, "pl", "Europe/Lisbon") == "15 mar 2027, 09:00 – 16 mar 2027, 16:00 (Europe/Lisbon)"
    )
    assert format_when(event, "fr", "Not/AZone").endswith("(Europe/Brussels)")


def test_an_end_on_the_same_day_is_shown_as_a_time() -> None:
    event = EventData(
        id="x",
        title="X",
        start=datetime(2027, 1, 20, 9, tzinfo=UTC),
        end=datetime(2027, 1, 20, 11, tzinfo=UTC),
        timezone="Europe/Brussels",
    )
    assert format_when(event, "de") == "20.01.2027, 10:00 – 12:00 (Europe/Brussels)"
    assert format_when(event, "en") == "Jan 20, 2027, 10:00\u202fAM – 12:00\u202fPM (Europe/Brussels)"
    no_end = event.model_copy(update={"end": event.start})
    assert format_when(no_end, "de") == "20.01.2027, 10:00 (Europe/Brussels)"


def test_a_place_typed_as_online_is_said_once(catalogue: Catalogue) -> None:
    start = datetime(2027, 1, 20, 9, tzinfo=UTC)
    online = EventData(
        id="x", title="X", start=start, end=start, place="Online", online_url="https://meet.example.org/x"
    )
    assert event_place(online, texts=catalogue, language="en") == "online"
    assert event_place(online, texts=catalogue, language="fr") == "en ligne"
    both = online.model_copy(update={"place": "Liège"})
    assert event_place(both, texts=catalogue, language="en") == "Liège, online"
    assert event_place(both.model_copy(update={"online_url": ""}), texts=catalogue, language="en") == "Liège"


async def test_cited_events_are_the_events_an_answer_cites(knowledge: KnowledgeEngine) -> None:
    answer, events = await knowledge.upcoming_events("", language="en")
    assert [e.id for e in cited_events(answer)] == [e.id for e in events]
    plain = await knowledge.answer("What is the Social Economy Gateway?")
    assert cited_events(plain) == []
