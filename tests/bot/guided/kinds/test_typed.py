"""Typed steps: text with a limit, a date and time, a zone, a link, a place, a confirmation."""

from __future__ import annotations

import datetime as dt

from bot.guided.context import StepKind
from bot.guided.inputs import Moment, Where
from bot.guided.state import Accept, Retry
from bot.i18n import Catalogue
from tests.bot.guided.kinds.conftest import context, read


def test_text_within_its_limit(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "title", flow="newevent")
    assert read(kinds, ctx, "  Valencia forum ") == Accept("Valencia forum")
    too_long = read(kinds, ctx, "x" * 201)
    assert isinstance(too_long, Retry) and too_long.notice == "newevent.title_too_long"
    assert too_long.values["limit"] == 200
    assert isinstance(read(kinds, ctx, ""), Retry) and isinstance(read(kinds, ctx, button="x"), Retry)


def test_a_date_and_time_or_now(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "when", flow="announce")
    assert read(kinds, ctx, "3.12.2026 10h00 europe/madrid") == Accept(
        Moment(start=dt.datetime(2026, 12, 3, 10, 0), zone="Europe/Madrid")
    )
    assert read(kinds, ctx, button="now") == Accept("now")
    bad = read(kinds, ctx, "tomorrow-ish")
    assert isinstance(bad, Retry) and bad.notice == "dialogue.bad_date"


def test_a_zone_pressed_or_typed(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "zone", flow="newevent")
    assert read(kinds, ctx, "europe/madrid") == Accept("Europe/Madrid")
    assert read(kinds, ctx, button="Europe/Lisbon") == Accept("Europe/Lisbon")
    assert isinstance(read(kinds, ctx, "Mars/Olympus"), Retry)


def test_a_link_and_a_place(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    link = context(catalogue, kinds, "signup", flow="newevent")
    assert read(kinds, link, "https://example.org/register") == Accept("https://example.org/register")
    assert read(kinds, link, "ftp://x").notice == "dialogue.bad_link"  # type: ignore[union-attr]
    place = context(catalogue, kinds, "where", flow="newevent")
    assert read(kinds, place, "Palacio, Madrid https://meet.example.org/x") == Accept(
        Where(place="Palacio, Madrid", online="https://meet.example.org/x")
    )


def test_a_confirmation_pressed_or_typed(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "preview", flow="newevent", language="de")
    assert read(kinds, ctx, button="save") == Accept(True)
    assert read(kinds, ctx, "ja") == Accept(True)
    assert isinstance(read(kinds, ctx, "vielleicht"), Retry)
