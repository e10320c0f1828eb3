"""Reads what kind of answer a question wants: upcoming events, a date window, a country."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from knowledge.crosslingual import fold

EVENT_WORDS = frozenset(
    """event events conference conferences summit summits webinar webinars workshop workshops meeting
    meetings forum agenda calendar""".split()
)
FUTURE_WORDS = frozenset("upcoming next coming soon future planned scheduled".split())
WHATS_ON = re.compile(r"\bwhats on\b|\bwhat is on\b|\bgoing on\b")
WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Intent:
    """What the question asks for beyond its words.

    Attributes:
        upcoming_events: Only future events answer it.
        window_end: Events must start before this (e.g. "next month").
        region: ISO alpha-2 code of a country named in the question.
    """

    upcoming_events: bool = False
    window_end: dt.datetime | None = None
    region: str | None = None


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[fold(value)] = country.alpha_2
    return names


def read_intent(question: str, expansion: str, now: dt.datetime) -> Intent:
    """Detect an upcoming-events question, a "next month/week" window and a named country.

    Args:
        question: As asked.
        expansion: Its English glossary terms (so "prochains événements" counts too).
        now: The current time.
    """
    text = fold(f"{question} {expansion}").replace("what's", "whats").replace("what’s", "whats")
    tokens = set(WORD.findall(text))
    whats_on = bool(WHATS_ON.search(text))
    asks_events = bool(tokens & EVENT_WORDS) or whats_on
    future = bool(tokens & FUTURE_WORDS) or whats_on
    window_end = None
    if "next month" in text or "coming month" in text:
        window_end = now + dt.timedelta(days=62)
    elif "next week" in text or "this week" in text:
        window_end = now + dt.timedelta(days=14)
    region = None
    names = _country_names()
    for name, code in names.items():
        if re.search(rf"\b{re.escape(name)}\b", text):
            region = code
            break
    return Intent(upcoming_events=asks_events and future, window_end=window_end, region=region)
