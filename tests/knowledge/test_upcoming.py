"""Which events count as upcoming: the asked place and window against the member's profile."""

from __future__ import annotations

from datetime import datetime, timedelta

from knowledge.intent import Intent
from knowledge.models import SearchFilters
from knowledge.upcoming import upcoming_event_filters
from tests.conftest import FIXED_NOW  # 26 November 2026

PROFILE = SearchFilters(regions=("BE",), boost_regions=("BE",), boost_audiences=("cooperative",))


def test_a_region_named_in_the_question_wins_over_the_profiles() -> None:
    filters = upcoming_event_filters(PROFILE, Intent(upcoming_events=True, region="PL"), FIXED_NOW)
    assert filters.regions == ("PL",)


def test_the_profiles_region_applies_when_the_question_names_none() -> None:
    filters = upcoming_event_filters(PROFILE, Intent(upcoming_events=True), FIXED_NOW)
    assert filters.regions == ("BE",)
    assert upcoming_event_filters(SearchFilters(), Intent(upcoming_events=True), FIXED_NOW).regions == ()


def test_only_events_still_to_start_are_kept() -> None:
    past_window = Intent(upcoming_events=True, window_start=FIXED_NOW - timedelta(days=30))
    filters = upcoming_event_filters(PROFILE, past_window, FIXED_NOW)
    assert filters.kinds == ("event",) and filters.starts_after == FIXED_NOW and filters.starts_before is None


def days(n: int) -> datetime:
    return FIXED_NOW + timedelta(days=n)


def test_the_window_is_the_narrowest_of_the_question_and_the_caller() -> None:
    next_month = Intent(upcoming_events=True, window_start=days(5), window_end=days(35))
    caller = PROFILE.model_copy(update={"starts_after": days(10), "starts_before": days(20)})
    filters = upcoming_event_filters(caller, next_month, FIXED_NOW)
    assert (filters.starts_after, filters.starts_before) == (days(10), days(20))
    assert upcoming_event_filters(PROFILE, next_month, FIXED_NOW).starts_before == days(35)


def test_the_profiles_boosts_are_kept() -> None:
    filters = upcoming_event_filters(PROFILE, Intent(upcoming_events=True, region="PL"), FIXED_NOW)
    assert filters.boost_regions == ("BE",) and filters.boost_audiences == ("cooperative",)
