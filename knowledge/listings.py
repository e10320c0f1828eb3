"""Listings for the ``events`` and ``funding`` commands: cited, dated, sorted lists as ``Answer``s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from knowledge.compose import format_iso_date, snippet
from knowledge.events import event_from_metadata, events_to_ics
from knowledge.funding import DeadlineStatus, deadline_status
from knowledge.models import Action, Answer, Citation, EventData, Passage
from knowledge.text import Texts

STATUS_ORDER = {"open": 0, "rolling": 1, "upcoming": 2, "unknown": 3, "closed": 4}


def _citation(n: int, passage: Passage) -> Citation:
    chunk = passage.chunk
    return Citation(
        n=n,
        title=str(chunk.metadata.get("doc_title") or chunk.title),
        url=chunk.url,
        snippet=snippet(chunk.text),
    )


def format_when(event: EventData, language: str) -> str:
    """The event's start (and end day) in its own time zone, in the member's language."""
    zone = ZoneInfo(event.timezone)
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone)
    text = format_datetime(start, format="medium", locale=language)
    if end.date() != start.date():
        text += " – " + format_datetime(end, format="medium", locale=language)
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
        place = event.place or texts.text("events.online", language)
        when = format_when(event, language)
        item = texts.text("events.item", language, title=event.title, when=when, place=place)
        lines.append(f"• {item} [{n}]")
        citations.append(_citation(n, passage))
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


def calendar_file(events: list[EventData]) -> bytes:
    """The listed events as one ``.ics`` file."""
    return events_to_ics(events)


def funding_listing(
    question: str, passages: Sequence[Passage], *, texts: Texts, language: str, today: dt.date, limit: int = 5
) -> Answer:
    """Funding entries, open and rolling first, each with its last known status and citation."""
    rows: list[tuple[int, int, Passage, DeadlineStatus]] = []
    for rank, passage in enumerate(passages):
        meta = passage.chunk.metadata
        status = deadline_status(str(meta.get("deadline") or "unknown"), str(meta.get("opens") or ""), today)
        rows.append((STATUS_ORDER[status], rank, passage, status))
    rows.sort(key=lambda row: (row[0], row[1]))
    rows = rows[:limit]
    if not rows:
        return Answer(question=question, text="", grounded=False, language=language)
    lines = [texts.text("funding.header", language)]
    citations: list[Citation] = []
    for n, (_, _, passage, status) in enumerate(rows, start=1):
        meta = passage.chunk.metadata
        values = {
            "deadline": format_iso_date(str(meta.get("deadline") or ""), language),
            "checked": format_iso_date(str(meta.get("last_checked") or ""), language),
            "today": format_iso_date(today.isoformat(), language),
        }
        title = str(meta.get("doc_title") or passage.chunk.title)
        lines.append(f"• {title}: {texts.text(f'answer.deadline_{status}', language, **values)} [{n}]")
        citations.append(_citation(n, passage))
    return Answer(
        question=question,
        text="\n".join(lines),
        citations=citations,
        grounded=True,
        language=language,
        passages=list(passages),
    )
