"""Checking an organiser's event before it is stored (``bot.store.events`` converts it to its row).

Every check names the field it is about (``signup_url is not an http(s) link: 'htp:/x'``), so the CLI,
a file import and the ``/newevent`` dialogue can all say exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pycountry

from knowledge.events import close_zones, event_from_mapping, known_zone
from knowledge.models import EventData

FIELDS = (
    "title",
    "start",
    "end",
    "timezone",
    "place",
    "online",
    "description",
    "signup_url",
    "url",
    "organiser",
    "language",
    "region",
    "topics",
)
# Column sizes of ``bot.store.events.EventRow``.
MAX_LENGTHS = {"title": 200, "place": 200, "organiser": 200, "online": 500, "signup_url": 500, "url": 500}
# Knowledge-base event files may carry these too; they are not stored.
IGNORED_FIELDS = frozenset({"id", "last_checked", "updated", "audience", "regions", "tags"})
MAX_TOPICS_CHARS = 200
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
TOPIC_WORD = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEFAULT_ZONE = "Europe/Brussels"


class EventError(ValueError):
    """An event that cannot be stored, with the field to fix.

    Args:
        field: The field at fault (``start``, ``signup_url``...).
        message: What is wrong, naming the field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _field_of(message: str) -> str:
    first = message.split(" ", 1)[0]
    return first if first in FIELDS else "event"


def validate_event(fields: Mapping[str, Any], *, event_id: str) -> EventData:
    """Build a valid event from organiser input (CLI options, a file entry, dialogue answers).

    Args:
        fields: ``title``, ``start`` (date-time, ISO text or ``datetime``), ``timezone`` (IANA), and
            optionally ``end``, ``place``, ``online``, ``description``, ``signup_url``, ``url``,
            ``organiser``, ``language``, ``region`` (ISO alpha-2 or ``EU``), ``topics`` (list or
            comma-separated).
        event_id: The id the event gets.

    Raises:
        EventError: Naming the field that is missing or wrong.
    """
    unknown = sorted(set(fields) - set(FIELDS) - IGNORED_FIELDS)
    if unknown:
        raise EventError(unknown[0], f"{unknown[0]} is not an event field (known: {', '.join(FIELDS)})")
    zone = str(fields.get("timezone") or DEFAULT_ZONE)
    if not known_zone(zone):
        close = close_zones(zone)
        hint = (
            f"did you mean {' or '.join(repr(zone) for zone in close)}?"
            if close
            else "use an IANA name such as Europe/Madrid"
        )
        raise EventError("timezone", f"timezone {zone!r} is unknown ({hint})")
    if isinstance(fields.get("start"), str) and not str(fields["start"]).strip():
        raise EventError("start", "start is missing (e.g. 2026-12-03 10:00)")
    for name, limit in MAX_LENGTHS.items():
        if len(str(fields.get(name) or "")) > limit:
            raise EventError(name, f"{name} is longer than {limit} characters")
    try:
        known = {name: value for name, value in fields.items() if name in FIELDS}
        event = event_from_mapping({**known, "timezone": zone}, default_id=event_id)
    except ValueError as error:
        message = str(error)
        if message.startswith(("start is not", "end is not")):
            message += " (use YYYY-MM-DD HH:MM, e.g. 2026-12-03 10:00)"
        raise EventError(_field_of(message), message) from error
    if not LANGUAGE_CODE.match(event.language):
        raise EventError("language", f"language {event.language!r} is not a two-letter code such as en or es")
    if event.region != "EU" and pycountry.countries.get(alpha_2=event.region) is None:
        raise EventError("region", f"region {event.region!r} is not a country code (such as ES) or EU")
    bad = [topic for topic in event.topics if not TOPIC_WORD.match(topic)]
    if bad:
        raise EventError("topics", f"topics: {bad[0]!r} is not a topic word (letters, digits, hyphens)")
    if len(",".join(event.topics)) > MAX_TOPICS_CHARS:
        raise EventError("topics", f"topics are longer than {MAX_TOPICS_CHARS} characters together")
    return event.model_copy(update={"id": event_id})


def event_fields(event: EventData) -> dict[str, Any]:
    """The event as ``validate_event`` fields (to change some of them and validate again)."""
    return {
        "title": event.title,
        "start": event.start,
        "end": event.end,
        "timezone": event.timezone,
        "place": event.place,
        "online": event.online_url,
        "description": event.description,
        "signup_url": event.signup_url,
        "url": event.url,
        "organiser": event.organiser,
        "language": event.language,
        "region": event.region,
        "topics": list(event.topics),
    }
