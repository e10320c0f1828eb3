"""Reading a send time typed by an organiser: ``2026-12-01 09:00 Europe/Brussels`` or ISO 8601."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def parse_send_time(text: str, default_zone: str = "Europe/Brussels") -> datetime:
    """Read a date-time with an optional IANA zone (``default_zone`` when none is given).

    Raises:
        ValueError: Explaining the expected form.
    """
    parts = text.strip().split()
    zone_name = default_zone
    if len(parts) >= 2 and ("/" in parts[-1] or parts[-1].upper() == "UTC"):
        zone_name = parts.pop()
    try:
        zone = ZoneInfo("UTC" if zone_name.upper() == "UTC" else zone_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {zone_name!r} (use a name such as Europe/Brussels)") from error
    try:
        value = datetime.fromisoformat(" ".join(parts))
    except ValueError as error:
        raise ValueError(
            f"not a date and time: {text!r} (expected e.g. 2026-12-01 09:00 Europe/Brussels)"
        ) from error
    return value.replace(tzinfo=zone) if value.tzinfo is None else value
