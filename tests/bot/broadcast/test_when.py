"""Send times typed by organisers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.broadcast.when import parse_send_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01 09:00 Europe/Brussels", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
        ("2026-12-01 09:00", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
        ("2026-12-01T09:00 Europe/Warsaw", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
        ("2026-07-01 09:00 UTC", datetime(2026, 7, 1, 9, 0, tzinfo=UTC)),
        ("2026-07-01T09:00:00+02:00", datetime(2026, 7, 1, 7, 0, tzinfo=UTC)),
    ],
)
def test_reads_dates_with_and_without_zones(text: str, expected: datetime) -> None:
    assert parse_send_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"), [("tomorrow", "not a date"), ("2026-12-01 09:00 Mars/Base", "time zone")]
)
def test_bad_times_are_explained(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_send_time(text)
