"""Reading upcoming-event questions, date windows (six languages) and countries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from knowledge.intent import countries_in, date_window, read_intent
from tests.conftest import FIXED_NOW  # 26 November 2026

DECEMBER = (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
MARCH = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC))


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
        "Tell me about the conference The Social Economy, the Future of Europe",  # a title, not a time
        "Will the Commission cover the costs if our city hosts an ESER event?",
        "Who may apply to speak at events?",  # "may" the verb
    ],
)
def test_other_questions_are_not_about_upcoming_events(question: str) -> None:
    assert not read_intent(question, "", FIXED_NOW).upcoming_events


def test_expansion_counts() -> None:
    assert read_intent("Prochains événements ?", "next upcoming event", FIXED_NOW, "fr").upcoming_events


@pytest.mark.parametrize(
    ("text", "language", "window"),
    [
        ("What's on in Spain next month?", "en", DECEMBER),
        ("Événements en Espagne le mois prochain", "fr", DECEMBER),
        ("Veranstaltungen im nächsten Monat", "de", DECEMBER),
        ("eventos el próximo mes", "es", DECEMBER),
        ("Wydarzenia w przyszłym miesiącu", "pl", DECEMBER),
        ("events in March", "en", MARCH),
        ("événements en mars", "fr", MARCH),
        ("Veranstaltungen im März", "de", MARCH),
        ("eventi a marzo", "it", MARCH),
        ("wydarzenia w marcu", "pl", MARCH),
        ("webinars this year", "en", (datetime(2026, 11, 26, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))),
    ],
)
def test_date_windows_in_six_languages(text: str, language: str, window: tuple[datetime, datetime]) -> None:
    assert date_window(text, language, FIXED_NOW) == window


def test_windows_and_countries() -> None:
    intent = read_intent("Upcoming events in Poland next month", "", FIXED_NOW)
    assert intent.region == "PL" and (intent.window_start, intent.window_end) == DECEMBER
    assert countries_in("Événements en Espagne et en Italie") == ("ES", "IT")
    assert countries_in("Veranstaltungen in Polen") == ("PL",)
