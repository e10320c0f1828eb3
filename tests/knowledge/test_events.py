"""Events: YAML validation, iCalendar round trip, indexing metadata."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.events import (
    country_zone,
    event_document,
    event_from_ics,
    event_from_mapping,
    event_from_metadata,
    event_to_ics,
    events_to_ics,
    known_zone,
)

ENTRY = {
    "title": "Meeting",
    "start": "2027-03-15T10:00:00",
    "end": "2027-03-15T12:00:00",
    "timezone": "Europe/Brussels",
    "place": "Brussels",
    "signup_url": "https://x.eu/r",
    "region": "be",
    "topics": "eser, events",
}


def test_mapping_gets_zone_and_normalised_fields() -> None:
    event = event_from_mapping(ENTRY, default_id="meeting")
    assert event.start.utcoffset() == dt.timedelta(hours=1) and event.region == "BE"
    assert event.topics == ("eser", "events") and event.id == "meeting"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "title"),
        ({"start": "soon"}, "ISO"),
        ({"timezone": "CET+5"}, "time zone"),
        ({"signup_url": "javascript:x"}, "signup_url"),
    ],
)
def test_mapping_errors_name_the_field(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        event_from_mapping({**ENTRY, **change}, default_id="x")


def test_ics_round_trip_keeps_everything() -> None:
    event = event_from_mapping({**ENTRY, "organiser": "DG GROW", "language": "fr"}, default_id="m")
    [back] = event_from_ics(event_to_ics(event))
    assert (
        back.title,
        back.start,
        back.end,
        back.place,
        back.signup_url,
        back.region,
        back.organiser,
        back.language,
        back.topics,
    ) == (
        event.title,
        event.start,
        event.end,
        event.place,
        event.signup_url,
        event.region,
        event.organiser,
        event.language,
        event.topics,
    )


def test_calendar_with_several_events() -> None:
    first = event_from_mapping(ENTRY, default_id="a")
    second = event_from_mapping({**ENTRY, "title": "Second"}, default_id="b")
    assert [e.title for e in event_from_ics(events_to_ics([first, second]))] == ["Meeting", "Second"]


def test_indexed_metadata_rebuilds_the_event() -> None:
    event = event_from_mapping(ENTRY, default_id="m")
    doc = event_document(event, doc_id="events/m.yaml", fallback_url="https://gateway.example.eu/")
    assert (
        doc.metadata["start_ts"] == event.start.timestamp() and "Date of Meeting: 15 March 2027" in doc.text
    )
    rebuilt = event_from_metadata(doc.metadata, title=doc.title, url=doc.url)
    assert (rebuilt.start, rebuilt.signup_url, rebuilt.region) == (event.start, event.signup_url, "BE")
    with pytest.raises(ValueError):
        event_from_metadata({}, title="x", url="")


def test_an_event_without_a_link_of_its_own_is_cited_with_the_fallback() -> None:
    fallback = "https://gateway.example.eu/"
    linkless = event_from_mapping({**ENTRY, "signup_url": ""}, default_id="m")
    assert event_document(linkless, doc_id="e", fallback_url=fallback).url == fallback
    signup = event_from_mapping(ENTRY, default_id="m")
    assert event_document(signup, doc_id="e", fallback_url=fallback).url == "https://x.eu/r"
    page = event_from_mapping({**ENTRY, "url": "https://x.eu/page"}, default_id="m")
    assert event_document(page, doc_id="e", fallback_url=fallback).url == "https://x.eu/page"


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("ES", "Europe/Madrid"),
        ("pt", "Europe/Lisbon"),
        ("DE", "Europe/Berlin"),
        ("CY", "Asia/Nicosia"),
        ("US", None),
        ("XX", None),
        (None, None),
    ],
)
def test_a_countrys_time_zone(country: str | None, zone: str | None) -> None:
    assert country_zone(country) == zone
    assert zone is None or known_zone(zone)


def test_online_link_and_organiser_survive_ics_and_index_metadata() -> None:
    event = event_from_mapping(
        {**ENTRY, "online": "https://meet.x.eu/m", "organiser": "DG GROW"}, default_id="m"
    )
    [back] = event_from_ics(event_to_ics(event))
    assert back.online_url == "https://meet.x.eu/m" and back.organiser == "DG GROW"
    document = event_document(back, doc_id="events/m.yaml", fallback_url="https://gateway.example.eu/")
    rebuilt = event_from_metadata(document.metadata, title=document.title, url=document.url)
    assert (rebuilt.online_url, rebuilt.organiser) == ("https://meet.x.eu/m", "DG GROW")


def test_an_ics_event_ending_before_it_starts_is_refused() -> None:
    event = event_from_mapping(ENTRY, default_id="m")
    broken = event_to_ics(event).replace(
        b"DTEND;TZID=Europe/Brussels:20270315T120000", b"DTEND;TZID=Europe/Brussels:20270315T080000"
    )
    with pytest.raises(ValueError, match="DTEND is before DTSTART"):
        event_from_ics(broken)
