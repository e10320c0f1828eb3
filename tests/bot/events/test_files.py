"""Reading organisers' .ics and YAML files: bad events are named, good ones still load."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.events.files import imported_id, read_event_file
from knowledge.events import event_to_ics
from knowledge.models import EventData

ICS_BAD_EVENT = b"""BEGIN:VEVENT
UID:bad-1
SUMMARY:Broken link
DTSTART;TZID=Europe/Rome:20270301T100000
X-ESER-SIGNUP-URL:not-a-link
END:VEVENT
"""


def test_ics_good_events_load_and_a_bad_one_is_named(tmp_path: Path) -> None:
    good = EventData(
        id="good-1",
        title="Rome workshop",
        start=datetime(2027, 3, 1, 9, tzinfo=UTC),
        end=datetime(2027, 3, 1, 12, tzinfo=UTC),
        timezone="Europe/Rome",
        online_url="https://meet.example.org/rome",
        region="IT",
        topics=("skills",),
    )
    calendar = event_to_ics(good).replace(
        b"END:VCALENDAR", ICS_BAD_EVENT.replace(b"\n", b"\r\n") + b"END:VCALENDAR"
    )
    path = tmp_path / "mixed.ics"
    path.write_bytes(calendar)
    events, problems = read_event_file(path)
    assert [e.title for e in events] == ["Rome workshop"] and events[0].id == imported_id("good-1@eser-bot")
    assert events[0].online_url == "https://meet.example.org/rome" and events[0].topics == ("skills",)
    assert problems == [
        f"{path}: event 2 'Broken link' (UID bad-1): X-ESER-SIGNUP-URL is not an http(s) link: 'not-a-link'"
    ]


def test_a_file_that_is_no_calendar_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.ics"
    path.write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert read_event_file(path) == ([], [f"{path}: no VEVENT in the calendar"])


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("title: X\nstart: [2027-01-01\n", encoding="utf-8")
    events, [problem] = read_event_file(path)
    assert not events and problem.startswith(f"{path}:2: malformed YAML")


def test_a_single_yaml_event_loads(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text("title: One\nstart: 2027-01-01T10:00:00\nplace: Lyon\nregion: FR\n", encoding="utf-8")
    [event], problems = read_event_file(path)
    assert not problems and event.place == "Lyon" and event.id == imported_id("one#1")


def test_other_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"not an \.ics or \.yaml file"):
        read_event_file(tmp_path / "notes.md")
