"""Listings for the ``events`` and ``funding`` commands: cited, dated, sorted lists as ``Answer``s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from knowledge.compose import cite, deadline_sentence
from knowledge.events import event_from_metadata, is_online_place, known_zone
from knowledge.models import Action, Answer, Citation, EventData, Passage
from knowledge.text import Texts

STATUS_ORDER = {"open": 0, "rolling": 1, "upcoming": 2, "unknown": 3, "closed": 4}


def _moment(value: dt.datetime, language: str) -> str:
    return f"{format_date(value, 'medium', locale=language)}, {format_time(value, 'short', locale=language)}"


def format_when(event: EventData, language: str, timezone: str | None = None) -> str:
    """The event's start and end in the member's language and time zone.

    Args:
        event: The event.
        language: The member's language (month names, date order, 24-hour clock or not).
        timezone: The member's IANA time zone; the event's own zone when None or unknown.

    Returns:
        E.g. ``3 déc. 2026, 10:00 – 12:00 (Europe/Madrid)``: the zone shown is the one the times
        are in. An end on another day is shown with its date; an event without an end (its end is
        its start) shows only its start.
    """
    name = timezone if timezone and known_zone(timezone) else event.timezone
    zone = ZoneInfo(name)
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone)
    text = _moment(start, language)
    if end.date() != start.date():
        text += " – " + _moment(end, language)
    elif end > start:
        text += " – " + format_time(end, "short", locale=language)
    return f"{text} ({name})"


def event_place(event: EventData, *, texts: Texts, language: str) -> str:
    """Where the event is: its venue, "online", or both (a venue typed as "Online" is online once)."""
    online = texts.text("events.online", language)
    if not event.place or is_online_place(event.place):
        return online
    return f"{event.place}, {online}" if event.online_url else event.place


def cited_events(answer: Answer) -> list[EventData]:
    """The events an answer cites (a listing or a composed answer), in citation order, without repeats."""
    events: list[EventData] = []
    seen: set[str] = set()
    for citation in answer.citations:
        passage = next((p for p in answer.passages if p.chunk.doc_id == citation.doc_id), None)
        if passage is None or passage.chunk.metadata.get("kind") != "event":
            continue
        meta = passage.chunk.metadata
        try:
            event = event_from_metadata(
                meta, title=str(meta.get("doc_title") or passage.chunk.title), url=passage.chunk.url
            )
        except ValueError:
            continue
        if event.id not in seen:
            seen.add(event.id)
            events.append(event)
    return events


def event_listing(
    question: str,
    passages: Sequence[Passage],
    *,
    texts: Texts,
    language: str,
    limit: int = 5,
    timezone: str | None = None,
) -> tuple[Answer, list[EventData]]:
    """Upcoming events, soonest first, each cited, with sign-up buttons.

    Args:
        question: What the member asked (kept on the answer).
        passages: Retrieved event passages, already filtered to the future.
        texts: Fixed phrases.
        language: Language of the fixed phrases and dates.
        limit: How many events to list.
        timezone: The member's time zone for the dates (each event's own zone when None).

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
        place = event_place(event, texts=texts, language=language)
        when = format_when(event, language, timezone)
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
