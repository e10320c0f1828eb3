"""Reading organisers' event files (``eser-bot events import``): iCalendar ``.ics`` and YAML.

One bad event never stops the others: each problem names the file and the event (its number, title
or UID, and for YAML its line), and the good events still load.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from icalendar import Calendar

from bot.events.validation import EventError, event_fields, validate_event
from knowledge.events import event_from_vevent
from knowledge.models import EventData

SUFFIXES = (".ics", ".yaml", ".yml")


def imported_id(source_id: str) -> str:
    """A short, stable database id for an event read from a file (its UID or YAML id), so that
    importing the same file again updates its events instead of adding them twice."""
    return "ev-" + hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:10]


def read_event_file(path: Path) -> tuple[list[EventData], list[str]]:
    """The valid events of ``path`` and a message per event (or file) that could not be read.

    Raises:
        ValueError: When the file type is not ``.ics``, ``.yaml`` or ``.yml``.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: not an .ics or .yaml file")
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [f"{path}: unreadable: {error.strerror or error}"]
    return _read_ics(path, data) if suffix == ".ics" else _read_yaml(path, data)


def _read_ics(path: Path, data: bytes) -> tuple[list[EventData], list[str]]:
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        return [], [f"{path}: not an iCalendar file: {error}"]
    events: list[EventData] = []
    problems: list[str] = []
    components = list(calendar.walk("VEVENT"))
    if not components:
        return [], [f"{path}: no VEVENT in the calendar"]
    for number, component in enumerate(components, start=1):
        uid = str(component.get("UID") or "")
        label = f"event {number}" + (
            f" {str(component.get('SUMMARY'))!r}" if component.get("SUMMARY") else ""
        )
        label += f" (UID {uid})" if uid else ""
        try:
            event = event_from_vevent(component)
            events.append(validate_event(event_fields(event), event_id=imported_id(uid or event.id)))
        except (EventError, ValueError) as error:
            problems.append(f"{path}: {label}: {error}")
    return events, problems


def _read_yaml(path: Path, data: bytes) -> tuple[list[EventData], list[str]]:
    try:
        text = data.decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        loaded = yaml.safe_load(text)
    except UnicodeDecodeError as error:
        return [], [f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"]
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        return [], [f"{path}{where}: malformed YAML: {getattr(error, 'problem', error)}"]
    entries: list[Any] = loaded if isinstance(loaded, list) else [loaded]
    nodes = root.value if root is not None and isinstance(loaded, list) else [root]
    events: list[EventData] = []
    problems: list[str] = []
    for number, (entry, node) in enumerate(zip(entries, nodes, strict=False), start=1):
        line = node.start_mark.line + 1 if node is not None else 1
        where = f"{path}:{line}: event {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping of fields")
            continue
        if entry.get("title"):
            where += f" {str(entry['title'])!r}"
        source_id = str(entry.get("id") or f"{path.stem}#{number}")
        try:
            events.append(validate_event(entry, event_id=imported_id(source_id)))
        except EventError as error:
            problems.append(f"{where}: {error}")
    return events, problems
