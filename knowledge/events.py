"""Events: reading from YAML mappings and iCalendar, writing iCalendar, and indexing as documents."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global
from icalendar import Calendar, Event
from rapidfuzz import fuzz, process

from knowledge.documents import SourceDocument, pipe_join
from knowledge.models import EventData


def validate_url(value: str, field: str) -> str:
    """Check that ``value`` is empty or an absolute http(s) URL.

    Raises:
        ValueError: Naming the field, when the URL is not usable.
    """
    value = (value or "").strip()
    if not value:
        return ""
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"{field} is not an http(s) link: {value!r}")
    return value


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Brussels)") from error


# EU countries whose capital's zone CLDR does not single out by the rule in ``country_zone``.
CAPITAL_ZONES = {"CY": "Asia/Nicosia"}


@lru_cache(maxsize=512)
def known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows (``Europe/Madrid``)."""
    try:
        _zone(name)
    except ValueError:
        return False
    return True


# "Online" typed as a place, in the six languages: the place is then the online link alone.
ONLINE_WORDS = frozenset(
    {"online", "en ligne", "virtual", "virtuel", "en línea", "in linea", "w sieci", "zdalnie"}
)


def is_online_place(place: str) -> bool:
    """Whether a typed place only says the event is online ("Online", "en ligne")."""
    return place.strip().strip(".").casefold() in ONLINE_WORDS


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def close_zones(name: str, limit: int = 3) -> list[str]:
    """Known IANA zones spelt like ``name`` (``Europe/Brusels`` -> ``Europe/Brussels``), closest first.

    Args:
        name: A zone name that is not known as typed.
        limit: At most this many.
    """
    found = process.extract(
        name.strip(), _zone_names(), scorer=fuzz.ratio, processor=str.casefold, limit=limit, score_cutoff=85
    )
    return [zone for zone, _, _ in found]


@lru_cache(maxsize=256)
def country_zone(country: str | None) -> str | None:
    """The time zone of most people in a country (ISO alpha-2), from CLDR's data bundled with babel.

    A country with a European zone gets it (Spain: ``Europe/Madrid``, not ``Atlantic/Canary``);
    another country only when it has a single zone. None when the country is unknown or spans
    several zones (then each event is shown in its own zone).
    """
    if not country:
        return None
    if country.upper() in CAPITAL_ZONES:
        return CAPITAL_ZONES[country.upper()]
    zones = [zone for zone in get_global("territory_zones").get(country.upper(), ()) if known_zone(zone)]
    european = sorted(zone for zone in zones if zone.startswith("Europe/"))
    if european:
        return european[0]
    return zones[0] if len(zones) == 1 else None


def _aware(value: Any, zone: ZoneInfo, field: str) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{field} is not an ISO date-time: {value!r}") from error
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9, 0))
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{field} is missing or not a date-time")
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def _topics(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(str(topic).strip().lower() for topic in value or () if str(topic).strip())


def event_from_mapping(entry: dict[str, Any], *, default_id: str) -> EventData:
    """Build an event from a YAML mapping, validating dates, zone and links.

    Raises:
        ValueError: A message naming the field that is wrong.
    """
    zone_name = str(entry.get("timezone") or "Europe/Brussels")
    zone = _zone(zone_name)
    start = _aware(entry.get("start"), zone, "start")
    end = _aware(entry.get("end") or start, zone, "end")
    if end < start:
        raise ValueError("end is before start")
    title = str(entry.get("title") or "").strip()
    if not title:
        raise ValueError("title is missing")
    online = entry.get("online")
    return EventData(
        id=str(entry.get("id") or default_id),
        title=title,
        start=start,
        end=end,
        timezone=zone_name,
        place=str(entry.get("place") or ""),
        online_url=validate_url(str(online) if isinstance(online, str) else "", "online"),
        description=str(entry.get("description") or "").strip(),
        signup_url=validate_url(str(entry.get("signup_url") or ""), "signup_url"),
        url=validate_url(str(entry.get("url") or ""), "url"),
        organiser=str(entry.get("organiser") or ""),
        language=str(entry.get("language") or "en"),
        region=str(entry.get("region") or "EU").upper(),
        topics=_topics(entry.get("topics")),
    )


def event_from_ics(data: bytes) -> list[EventData]:
    """Read every VEVENT of an iCalendar file.

    Raises:
        ValueError: When the calendar cannot be parsed or an event lacks a start.
    """
    calendar = Calendar.from_ical(data)
    return [event_from_vevent(component) for component in calendar.walk("VEVENT")]


def event_from_vevent(component: Any) -> EventData:
    """Read one VEVENT component (its X-ESER properties carry what iCalendar has no field for).

    Raises:
        ValueError: Naming the property that is missing or wrong.
    """
    start_prop = component.get("DTSTART")
    if start_prop is None:
        raise ValueError(f"event {component.get('UID')!s} has no DTSTART")
    start = start_prop.dt
    zone_name = str(start_prop.params.get("TZID") or component.get("X-ESER-TIMEZONE") or "Europe/Brussels")
    zone = _zone(zone_name) if zone_name else ZoneInfo("UTC")
    start = _aware(start, zone, "DTSTART")
    end_prop = component.get("DTEND")
    end = _aware(end_prop.dt, zone, "DTEND") if end_prop is not None else start
    if end < start:
        raise ValueError("DTEND is before DTSTART")
    return EventData(
        id=str(component.get("UID") or start.isoformat()),
        title=str(component.get("SUMMARY") or "").strip() or "Event",
        start=start,
        end=end,
        timezone=zone_name,
        place=str(component.get("LOCATION") or ""),
        online_url=validate_url(str(component.get("X-ESER-ONLINE-URL") or ""), "X-ESER-ONLINE-URL"),
        description=str(component.get("DESCRIPTION") or "").strip(),
        signup_url=validate_url(str(component.get("X-ESER-SIGNUP-URL") or ""), "X-ESER-SIGNUP-URL"),
        url=validate_url(str(component.get("URL") or ""), "URL"),
        organiser=str(component.get("X-ESER-ORGANISER") or ""),
        language=str(component.get("X-ESER-LANGUAGE") or "en"),
        region=str(component.get("X-ESER-REGION") or "EU").upper(),
        topics=_topics(str(component.get("X-ESER-TOPICS") or "")),
    )


def event_to_ics(event: EventData) -> bytes:
    """Write ``event`` as an iCalendar file a member can add to their calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//ESER Assistant//eser-bot//EN")
    calendar.add("version", "2.0")
    item = Event()
    item.add("uid", f"{event.id}@eser-bot")
    item.add("dtstamp", dt.datetime.now(dt.UTC))
    zone = _zone(event.timezone)
    item.add("dtstart", event.start.astimezone(zone))
    item.add("dtend", event.end.astimezone(zone))
    item.add("summary", event.title)
    if event.description:
        item.add("description", event.description)
    if event.place:
        item.add("location", event.place)
    if event.url or event.signup_url:
        item.add("url", event.url or event.signup_url)
    # The X-ESER properties carry what iCalendar has no field for, so a round trip loses nothing.
    for name, value in (
        ("x-eser-signup-url", event.signup_url),
        ("x-eser-online-url", event.online_url),
        ("x-eser-organiser", event.organiser),
        ("x-eser-region", event.region),
        ("x-eser-language", event.language),
        ("x-eser-topics", ",".join(event.topics)),
    ):
        if value:
            item.add(name, value)
    calendar.add_component(item)
    return calendar.to_ical()


def event_text(event: EventData) -> str:
    """The event as Markdown prose for indexing (dates in the event's local time)."""
    local_start = event.start.astimezone(_zone(event.timezone))
    local_end = event.end.astimezone(_zone(event.timezone))
    when = f"{local_start.day} {local_start:%B %Y, %H:%M}"
    if local_end.date() != local_start.date():
        when += f" to {local_end.day} {local_end:%B %Y, %H:%M}"
    else:
        when += f" to {local_end:%H:%M}"
    # Tense-neutral on purpose: the same text is true before and after the event.
    lines = [f"# {event.title}", "", f"Date of {event.title}: {when} ({event.timezone})."]
    if event.place and not is_online_place(event.place):
        lines.append(f"Place: {event.place}{' and online' if event.online_url else ''}.")
    elif event.online_url or event.place:
        lines.append("Place: online.")
    if event.organiser:
        lines.append(f"Organised by {event.organiser}.")
    if event.description:
        lines += ["", event.description]
    if event.signup_url:
        lines += ["", f"Sign up at {event.signup_url}."]
    return "\n".join(lines)


def event_document(
    event: EventData,
    *,
    doc_id: str,
    fallback_url: str,
    metadata: dict[str, str | int | float | bool] | None = None,
) -> SourceDocument:
    """The event as an indexable document whose metadata supports date-window filters.

    Args:
        event: The event.
        doc_id: The document's id in the index.
        fallback_url: The link cited for an event that gives none of its own (the configured
            Social Economy Gateway); empty leaves such an event without a source link.
        metadata: Metadata every chunk of the document carries (audience, tags...).
    """
    meta: dict[str, str | int | float | bool] = dict(metadata or {})
    meta.update(
        {
            "start_ts": event.start.timestamp(),
            "end_ts": event.end.timestamp(),
            "start": event.start.isoformat(),
            "end": event.end.isoformat(),
            "timezone": event.timezone,
            "signup_url": event.signup_url,
            "online_url": event.online_url,
            "organiser": event.organiser,
            "event_id": event.id,
            "place": event.place,
            "regions": pipe_join([event.region]),
            "tags": pipe_join(["events", *event.topics]),
        }
    )
    meta.setdefault("audience", "|all|")
    return SourceDocument(
        doc_id=doc_id,
        kind="event",
        title=event.title,
        url=event.url or event.signup_url or fallback_url,
        text=event_text(event),
        language=event.language,
        metadata=meta,
    )


def event_from_metadata(metadata: dict[str, str | int | float | bool], *, title: str, url: str) -> EventData:
    """Rebuild an event from the metadata of one of its indexed chunks.

    Raises:
        ValueError: When the metadata lacks the event's start.
    """
    start_text = str(metadata.get("start") or "")
    if not start_text:
        raise ValueError("chunk metadata has no event start")
    start = dt.datetime.fromisoformat(start_text)
    end = dt.datetime.fromisoformat(str(metadata.get("end") or start_text))
    regions = [part for part in str(metadata.get("regions") or "").strip("|").split("|") if part]
    topics = [
        part for part in str(metadata.get("tags") or "").strip("|").split("|") if part and part != "events"
    ]
    return EventData(
        id=str(metadata.get("event_id") or metadata.get("doc_id") or start_text),
        title=title,
        start=start,
        end=end,
        timezone=str(metadata.get("timezone") or "Europe/Brussels"),
        place=str(metadata.get("place") or ""),
        online_url=str(metadata.get("online_url") or ""),
        signup_url=str(metadata.get("signup_url") or ""),
        organiser=str(metadata.get("organiser") or ""),
        url=url,
        language=str(metadata.get("language") or "en"),
        region=regions[0] if regions else "EU",
        topics=tuple(topics),
    )


def events_to_ics(events: list[EventData]) -> bytes:
    """Several events in one iCalendar file."""
    calendar = Calendar()
    calendar.add("prodid", "-//ESER Assistant//eser-bot//EN")
    calendar.add("version", "2.0")
    for event in events:
        for component in Calendar.from_ical(event_to_ics(event)).walk("VEVENT"):
            calendar.add_component(component)
    return calendar.to_ical()
