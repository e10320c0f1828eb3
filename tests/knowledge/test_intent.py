"""Reading upcoming-event questions, date windows and countries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from knowledge.intent import read_intent
from tests.conftest import FIXED_NOW


@pytest.mark.parametrize(
    "question",
    [
        "What events are coming up?",
        "Any upcoming ESER conferences?",
        "What's on next month?",
        "Which webinars are planned?",
    ],
)
def test_upcoming_event_questions(question: str) -> None:
    assert read_intent(question, "", FIXED_NOW).upcoming_events


@pytest.mark.parametrize(
    "question",
    [
        "Which regions work with Navarra in the partnership on social economy?",
        "When was the Mannheim summit?",
        "What is the next step to join ESER?",
    ],
)
def test_other_questions_are_not_about_upcoming_events(question: str) -> None:
    assert not read_intent(question, "", FIXED_NOW).upcoming_events


def test_expansion_counts() -> None:
    assert read_intent("Prochains événements ?", "next upcoming event", FIXED_NOW).upcoming_events


def test_windows_and_countries() -> None:
    intent = read_intent("Upcoming events in Poland next month", "", FIXED_NOW)
    assert intent.region == "PL"
    assert intent.window_end == FIXED_NOW + timedelta(days=62)
    assert read_intent("events next week", "", FIXED_NOW).window_end == FIXED_NOW + timedelta(days=14)
