"""Validating organisers' events: every problem names its field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.events.validation import EventError, event_fields, validate_event

GOOD = {"title": "Forum", "start": "2026-12-03 10:00", "timezone": "Europe/Madrid"}


def test_a_valid_event_gets_the_given_id_and_an_aware_start() -> None:
    event = validate_event({**GOOD, "topics": "Funding, events", "region": "es"}, event_id="ev-1")
    assert event.id == "ev-1" and event.start == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert event.topics == ("funding", "events") and event.region == "ES" and event.end == event.start
    assert validate_event(event_fields(event), event_id="ev-1") == event  # a round trip loses nothing


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": ""}, "title", "missing"),
        ({"start": "3rd of December"}, "start", "YYYY-MM-DD HH:MM"),
        ({"start": ""}, "start", "missing"),
        ({"end": "2026-12-03 09:00"}, "end", "before start"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),
        ({"timezone": "Europe/Brusels"}, "timezone", "did you mean 'Europe/Brussels'"),
        ({"signup_url": "htp:/x"}, "signup_url", "http(s)"),
        ({"online": "meet.example.org"}, "online", "http(s)"),
        ({"url": "ftp://example.org"}, "url", "http(s)"),
        ({"language": "spanish"}, "language", "two-letter"),
        ({"region": "XX"}, "region", "country code"),
        ({"topics": "social economy"}, "topics", "topic word"),
        ({"title": "x" * 201}, "title", "200"),
        ({"signup": "https://example.org"}, "signup", "not an event field"),
    ],
)
def test_each_problem_names_its_field(change: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(EventError) as caught:
        validate_event({**GOOD, **change}, event_id="ev-1")
    assert caught.value.field == field and words in str(caught.value)


def test_knowledge_base_file_fields_are_accepted_and_ignored() -> None:
    event = validate_event({**GOOD, "id": "kb-id", "last_checked": "2026-01-01"}, event_id="ev-2")
    assert event.id == "ev-2"
