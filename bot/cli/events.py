"""``eser-bot events``: organisers add, list, remove and import events from the command line.

Changes are written to the database only; the running bot indexes them on its next periodic tick,
and ``ask``/``chat``/``serve`` index them at start-up, so only one process ever writes the index.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli.common import read_settings

if TYPE_CHECKING:
    from bot.events import EventService
    from bot.settings import Settings
    from knowledge.engine import KnowledgeEngine
    from knowledge.models import EventData

events_cli = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Organisers' events: add, list, remove, import."
)
T = TypeVar("T")
# An organiser's own event id: short, readable, safe in a command line and a button's data.
EVENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}[a-z0-9]")


async def _with_service(settings: Settings, work: Callable[[EventService], Awaitable[T]]) -> T:
    from bot.events import EventService
    from bot.store.base import utcnow
    from bot.store.database import make_engine, migrate, session_factory

    db = make_engine(settings.effective_database_url)
    try:
        await migrate(db)
        return await work(EventService(session_factory(db), None, utcnow))
    finally:
        await db.dispose()


async def sync_stored_events(settings: Settings, knowledge: KnowledgeEngine) -> None:
    """Index the database's events into ``knowledge`` (``ask`` at start-up; cheap when unchanged)."""
    from bot.events import EventService
    from bot.store.base import utcnow
    from bot.store.database import make_engine, migrate, session_factory

    db = make_engine(settings.effective_database_url)
    try:
        await migrate(db)
        await EventService(session_factory(db), knowledge, utcnow).sync_index()
    finally:
        await db.dispose()


def _line(event: EventData) -> str:
    from knowledge.listings import format_when

    where = event.place or event.online_url or "-"
    return f"{event.id}  {event.title} — {format_when(event, 'en')}, {where}"


@events_cli.command("add")
def add(
    title: Annotated[str, typer.Option(help="Event title.")],
    start: Annotated[str, typer.Option(help='Start, local time: "2026-12-03 10:00".')],
    timezone: Annotated[str, typer.Option(help="IANA time zone of the times, e.g. Europe/Madrid.")] = (
        "Europe/Brussels"
    ),
    end: Annotated[str, typer.Option(help='End, local time (default: the start): "2026-12-03 17:00".')] = "",
    place: Annotated[str, typer.Option(help="Venue, e.g. 'Palacio de Congresos, Madrid'.")] = "",
    online: Annotated[str, typer.Option(help="Link to join online.")] = "",
    signup: Annotated[str, typer.Option(help="Registration page.")] = "",
    url: Annotated[str, typer.Option(help="Information page.")] = "",
    language: Annotated[str, typer.Option(help="Language of the event (two letters).")] = "en",
    region: Annotated[str, typer.Option(help="Country code (ES) or EU.")] = "EU",
    topics: Annotated[str, typer.Option(help="Comma-separated topics, e.g. events,funding.")] = "",
    description: Annotated[str, typer.Option(help="A few sentences about the event.")] = "",
    organiser: Annotated[str, typer.Option(help="Who runs it.")] = "",
    event_id: Annotated[
        str,
        typer.Option(
            "--id",
            help="An id of your choosing, e.g. eser-annual-2027 (default: a new random one); adding "
            "again with the same id replaces the event.",
        ),
    ] = "",
) -> None:
    """Add an event (validated; a bad date, zone or link is named and nothing is stored)."""
    from bot.events import EventError

    console = Console(stderr=True)
    settings = read_settings(console)
    if event_id and not EVENT_ID.fullmatch(event_id):
        console.print(
            f"[red]Event not added — id: use 3 to 64 lower-case letters, digits and dashes "
            f"(got {escape(repr(event_id))})[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    fields: dict[str, Any] = {
        "title": title,
        "start": start.strip(),
        "end": end.strip() or None,
        "timezone": timezone,
        "place": place,
        "online": online,
        "signup_url": signup,
        "url": url,
        "language": language.strip().lower(),
        "region": region,
        "topics": topics,
        "description": description,
        "organiser": organiser,
    }
    try:
        event = asyncio.run(
            _with_service(
                settings, lambda service: service.add(fields, created_by="cli", event_id=event_id or None)
            )
        )
    except EventError as error:
        console.print(f"[red]Event not added — {error.field}: {escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    Console(highlight=False, soft_wrap=True).print(f"Added {_line(event)}", markup=False)


@events_cli.command("list")
def list_events(
    show_all: Annotated[bool, typer.Option("--all", help="Past events too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """List the events organisers added (upcoming only, soonest first, unless --all)."""
    settings = read_settings(Console(stderr=True))
    events = asyncio.run(_with_service(settings, lambda service: service.list_stored(upcoming=not show_all)))
    out = Console(highlight=False, soft_wrap=True)
    if as_json:
        out.print(
            json.dumps([event.model_dump(mode="json") for event in events], ensure_ascii=False), markup=False
        )
        return
    if not events:
        out.print("No events." if show_all else "No upcoming events.")
        return
    for event in events:
        local = event.start.astimezone(ZoneInfo(event.timezone))
        details = ", ".join(part for part in (event.region, event.language, ",".join(event.topics)) if part)
        out.print(
            f"{event.id}  {local:%Y-%m-%d %H:%M} {event.timezone}  {event.title} — "
            f"{event.place or event.online_url or '-'} [{details}]",
            markup=False,
        )


@events_cli.command("remove")
def remove(event_id: Annotated[str, typer.Argument(help="The event's id (see `events list`).")]) -> None:
    """Remove an event added by an organiser."""
    console = Console(stderr=True)
    settings = read_settings(console)
    if not asyncio.run(_with_service(settings, lambda service: service.remove(event_id))):
        console.print(
            f"[red]No stored event with id {escape(event_id)} (see `eser-bot events list --all`).[/red]"
        )
        raise typer.Exit(1)
    Console(highlight=False).print(f"Removed {event_id}", markup=False)


@events_cli.command("import")
def import_file(path: Annotated[Path, typer.Argument(help="An .ics or .yaml file of events.")]) -> None:
    """Import the events of an .ics or YAML file; importing it again updates them."""
    from bot.events.files import SUFFIXES

    console = Console(stderr=True)
    settings = read_settings(console)
    if not path.is_file():
        console.print(f"[red]No such file: {escape(str(path))}[/red]")
        raise typer.Exit(2)
    if path.suffix.lower() not in SUFFIXES:
        console.print(f"[red]{escape(str(path))}: not an .ics or .yaml file[/red]")
        raise typer.Exit(2)
    report = asyncio.run(_with_service(settings, lambda service: service.import_file(path, created_by="cli")))
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.problems)} failed")
    for problem in report.problems:
        console.print(f"[red]failed[/red] {escape(problem)}", soft_wrap=True)
    if report.problems:
        raise typer.Exit(1)
