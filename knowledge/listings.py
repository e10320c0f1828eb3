"""Listings for the ``events`` and ``funding`` commands: cited, dated, sorted lists as ``Answer``s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from knowledge.compose import cite, deadline_sentence
from knowledge.events import event_from_metadata
from knowledge.models import Action, Answer, Citation, EventData, Passage
from knowledge.text import Texts

STATUS_ORDER = {"open": 0, "rolling": 1, "upcoming": 2, "unknown": 3, "closed": 4}


def _moment(value: dt.datetime, language: str) -> str:
    return f"{format_date(value, 'medium', locale=language)}, {format_time(value, 'short', locale=language)}"


def format_when(event: EventData, language: str) -> str:
    """The event's start (and end day) in its own time zone, in the member's language."""
    zone = ZoneInfo(event.timezone)
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone)
    text = _moment(start, language)
    if end.date() != start.date():
        text += " – " + _moment(end, language)
    return f"{text} ({event.timezone})"


def event_listing(
    question: str, passages: Sequence[Passage], *, texts: Texts, language: str, limit: int = 5
) -> tuple[Answer, list[EventData]]:
    """Upcoming events, soonest first, each cited, with sign-up buttons.

    Args:
        question: What the member asked (kept on the answer).
        passages: Retrieved event passages, already filtered to the future.
        texts: Fixed phrases.
        language: Language of the fixed phrases and dates.
        limit: How many events to list.

    Returns:
        The answer (``grounded`` is False when there is no event) and the events listed.
    """
    events: list[tuple[EventData, Passage]] = []
    for passage in passages:
        try:
            event = event_from_metadata(
                passage.chunk.metadata,
                title=str(passage.chunk.metadata.get("doc_title") or passage.chunk.title),
                url=passage.chunk.url,
            )
        except ValueError:
            continue
        events.append((event, passage))
    events.sort(key=lambda pair: pair[0].start)
    events = events[:limit]
    if not events:
        return Answer(question=question, text="", grounded=False, language=language), []
    lines = [texts.text("events.header", language)]
    citations: list[Citation] = []
    actions: list[Action] = []
    for n, (event, passage) in enumerate(events, start=1):
        online = texts.text("events.online", language)
        place = f"{event.place}, {online}" if event.place and event.online_url else event.place or online
        when = format_when(event, language)
        item = texts.text("events.item", language, title=event.title, when=when, place=place)
        lines.append(f"• {item} [{n}]")
        citations.append(cite(n, passage))
        if event.signup_url:
            actions.append(
                Action(
                    label=texts.text("answer.signup", language, title=event.title),
                    url=event.signup_url,
                    kind="signup",
                )
            )
    answer = Answer(
        question=question,
        text="\n".join(lines),
        citations=citations,
        grounded=True,
        actions=actions,
        language=language,
        passages=list(passages),
    )
    return answer, [event for event, _ in events]


def funding_listing(
    question: str, passages: Sequence[Passage], *, texts: Texts, language: str, today: dt.date, limit: int = 5
) -> Answer:
    """Funding entries, open and rolling first, each with its last known status and citation."""
    rows: list[tuple[int, int, Passage, str]] = []
    for rank, passage in enumerate(passages):
        status, sentence = deadline_sentence(texts, passage.chunk.metadata, language, today)
        rows.append((STATUS_ORDER[status], rank, passage, sentence))
    rows.sort(key=lambda row: (row[0], row[1]))
    rows = rows[:limit]
    if not rows:
        return Answer(question=question, text="", grounded=False, language=language)
    lines = [texts.text("funding.header", language)]
    citations: list[Citation] = []
    for n, (_, _, passage, sentence) in enumerate(rows, start=1):
        title = str(passage.chunk.metadata.get("doc_title") or passage.chunk.title)
        lines.append(f"• {title}: {sentence} [{n}]")
        citations.append(cite(n, passage))
    return Answer(
        question=question,
        text="\n".join(lines),
        citations=citations,
        grounded=True,
        language=language,
        passages=list(passages),
    )
