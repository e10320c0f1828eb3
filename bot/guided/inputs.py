"""Reading what an organiser types in a dialogue: dates with times and zones, links, places.

Each reader returns a value or raises ``InputError`` carrying the catalogue key (and values) of the
message that says what to type instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from knowledge.events import close_zones, known_zone, validate_url

# 2026-12-03 10:00, 2026-12-03T10:00, 3/12/2026 10:00, 3.12.2026 10h00; then an optional end time
# ("-17:00") and an optional IANA zone ("Europe/Madrid", "UTC").
_ISO = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_EUROPEAN = r"(?P<d2>\d{1,2})[./](?P<m2>\d{1,2})[./](?P<y2>\d{4})"
MOMENT = re.compile(
    rf"^\s*(?:{_ISO}|{_EUROPEAN})[ T]+(?P<hh>\d{{1,2}})[:h.](?P<mm>\d{{2}})"
    r"(?:\s*[-–]\s*(?P<eh>\d{1,2})[:h.](?P<em>\d{2}))?"
    r"(?:\s+(?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)*))?\s*$"
)


class InputError(ValueError):
    """Typed text that is not an answer; ``key`` names the catalogue message explaining why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Moment:
    """A typed date and time: local (naive) start, optional end, and the zone if one was typed."""

    start: dt.datetime
    end: dt.datetime | None = None
    zone: str | None = None


def read_moment(text: str) -> Moment:
    """Read ``2026-12-03 10:00[-17:00] [Europe/Madrid]`` (or ``3/12/2026 10:00``).

    Raises:
        InputError: ``dialogue.bad_date`` or ``dialogue.bad_zone``.
    """
    match = MOMENT.match(text)
    if match is None:
        raise InputError("dialogue.bad_date", given=text.strip())
    parts = match.groupdict()
    year, month, day = (
        (parts["y"], parts["m"], parts["d"]) if parts["y"] else (parts["y2"], parts["m2"], parts["d2"])
    )
    try:
        start = dt.datetime(int(year), int(month), int(day), int(parts["hh"]), int(parts["mm"]))
        end = start.replace(hour=int(parts["eh"]), minute=int(parts["em"])) if parts["eh"] else None
    except ValueError as error:
        raise InputError("dialogue.bad_date", given=text.strip()) from error
    zone = parts["zone"]
    if zone is not None:
        zone = read_zone(zone)
    if end is not None and end < start:
        end += dt.timedelta(days=1)  # "22:00-01:00" ends the next day
    return Moment(start=start, end=end, zone=zone)


def read_zone(text: str) -> str:
    """An IANA time zone, matched without regard to case (``europe/madrid``).

    Raises:
        InputError: ``dialogue.bad_zone_did_you_mean`` naming the closest known zones, else
            ``dialogue.bad_zone``.
    """
    name = text.strip()
    if known_zone(name):
        return name
    fixed = "/".join(part[:1].upper() + part[1:].lower() for part in name.split("/"))
    if name.upper() == "UTC":
        return "UTC"
    if known_zone(fixed):
        return fixed
    close = close_zones(name)
    if close:
        raise InputError("dialogue.bad_zone_did_you_mean", given=name, suggestion=close[0])
    raise InputError("dialogue.bad_zone", given=name)


def aware(moment: dt.datetime, zone: str) -> dt.datetime:
    """A local date-time in ``zone``, as an aware UTC instant."""
    return moment.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def read_link(text: str, field_name: str) -> str:
    """An http(s) link.

    Raises:
        InputError: ``dialogue.bad_link``.
    """
    try:
        link = validate_url(text.strip(), field_name)
    except ValueError as error:
        raise InputError("dialogue.bad_link", given=text.strip()) from error
    if not link:
        raise InputError("dialogue.bad_link", given=text.strip())
    return link


URL_IN_TEXT = re.compile(r"\S+://\S+|www\.\S+")


@dataclass(frozen=True)
class Where:
    """A venue and/or an online link, read from one answer."""

    place: str = ""
    online: str = ""


def read_where(text: str) -> Where:
    """A venue ("Palacio de Congresos, Madrid"), a link to join online, or both in one line.

    Raises:
        InputError: ``dialogue.bad_link`` for a link that is not http(s), ``dialogue.empty``.
    """
    found = URL_IN_TEXT.search(text)
    online = read_link(found.group(0).rstrip(".,;)"), "online") if found else ""
    place = URL_IN_TEXT.sub("", text).strip(" ,;-–\n\t")
    if not place and not online:
        raise InputError("dialogue.empty")
    return Where(place=place, online=online)
