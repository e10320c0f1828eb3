"""Reading dates, zones, links and places typed in a dialogue."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.guided.inputs import (
    InputError,
    aware,
    read_link,
    read_moment,
    read_where,
    read_zone,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "zone"),
    [
        ("2026-12-03 10:00 Europe/Madrid", dt.datetime(2026, 12, 3, 10), None, "Europe/Madrid"),
        ("2026-12-03T10:00", dt.datetime(2026, 12, 3, 10), None, None),
        (
            "3/12/2026 10:00-17:30 europe/madrid",
            dt.datetime(2026, 12, 3, 10),
            dt.datetime(2026, 12, 3, 17, 30),
            "Europe/Madrid",
        ),
        ("3.12.2026 9h30 UTC", dt.datetime(2026, 12, 3, 9, 30), None, "UTC"),
        ("2026-12-03 22:00-01:00", dt.datetime(2026, 12, 3, 22), dt.datetime(2026, 12, 4, 1), None),
    ],
)
def test_moments(text: str, start: dt.datetime, end: dt.datetime | None, zone: str | None) -> None:
    moment = read_moment(text)
    assert (moment.start, moment.end, moment.zone) == (start, end, zone)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026-12-03", "dialogue.bad_date"),  # a time is needed
        ("2026-13-03 10:00", "dialogue.bad_date"),
        ("tomorrow at ten", "dialogue.bad_date"),
        ("2026-12-03 10:00 Mars/Base", "dialogue.bad_zone"),
    ],
)
def test_bad_moments_name_the_message_to_show(text: str, key: str) -> None:
    with pytest.raises(InputError) as caught:
        read_moment(text)
    assert caught.value.key == key and caught.value.values["given"]


def test_a_misspelt_zone_gets_a_did_you_mean() -> None:
    with pytest.raises(InputError) as caught:
        read_moment("2027-01-20 10:00-12:00 Europe/Brusels")
    assert caught.value.key == "dialogue.bad_zone_did_you_mean"
    assert caught.value.values == {"given": "Europe/Brusels", "suggestion": "Europe/Brussels"}


def test_zones_and_instants() -> None:
    assert read_zone("europe/warsaw") == "Europe/Warsaw"
    assert aware(dt.datetime(2026, 7, 1, 12), "Europe/Madrid") == dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC)


def test_links_and_places() -> None:
    assert read_link(" https://example.org/r ", "signup_url") == "https://example.org/r"
    with pytest.raises(InputError):
        read_link("example.org/r", "signup_url")
    both = read_where("Palau de Congressos, Valencia https://live.example.org/v.")
    assert (both.place, both.online) == ("Palau de Congressos, Valencia", "https://live.example.org/v")
    assert read_where("Liège").online == "" and read_where("https://meet.example.org").place == ""
    with pytest.raises(InputError):
        read_where("   ")
