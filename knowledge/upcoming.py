"""Which events count as upcoming for a question: the one filter behind every events listing."""

from __future__ import annotations

import datetime as dt

from knowledge.intent import Intent
from knowledge.models import SearchFilters


def upcoming_event_filters(filters: SearchFilters, intent: Intent, now: dt.datetime) -> SearchFilters:
    """Narrow ``filters`` to the events still to start in the window and place the question names.

    What the member asks wins over what their profile says: a country named in the question
    ("what's on in Poland?") replaces the profile's regions, which only apply when none is named.
    The time window is the narrowest of the caller's and the question's, never before ``now``.

    Args:
        filters: The caller's filters (a member profile's region, audience, boosts...).
        intent: What the question asks for (its window and country).
        now: The current time; no event that has started is upcoming.

    Returns:
        ``filters`` restricted to events starting in the window, in the asked (or profile's) region.
    """
    ends = [end for end in (filters.starts_before, intent.window_end) if end is not None]
    return filters.model_copy(
        update={
            "kinds": ("event",),
            "starts_after": max(filters.starts_after or now, intent.window_start or now, now),
            "starts_before": min(ends) if ends else None,
            "regions": (intent.region,) if intent.region else filters.regions,
        }
    )
