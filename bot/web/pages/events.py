"""Events: the stored events, and forms to add, edit and remove one — through
``bot.events.EventService``, so the web page validates exactly as ``eser-bot events add`` and
``/newevent`` do, and a removed event leaves the index (answers and ``/events``) at once, in every
replica (the index version)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.events import EventError
from bot.events.validation import DEFAULT_ZONE, event_fields
from bot.web.access import Viewer, checked_form, require_organiser
from bot.web.context import WebContext, context_of, redirect
from knowledge.models import EventData

# The form's fields, in the order shown, as ``validate_event`` names them.
FORM_FIELDS = (
    "title",
    "start",
    "end",
    "timezone",
    "place",
    "online",
    "signup_url",
    "url",
    "language",
    "region",
    "topics",
    "organiser",
    "description",
)


def _local(event: EventData) -> dict[str, str]:
    zone = ZoneInfo(event.timezone)
    values = {name: "" if value is None else str(value) for name, value in event_fields(event).items()}
    values["start"] = f"{event.start.astimezone(zone):%Y-%m-%d %H:%M}"
    values["end"] = f"{event.end.astimezone(zone):%Y-%m-%d %H:%M}" if event.end else ""
    values["topics"] = ", ".join(event.topics)
    return values


def _fields(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}
    values["end"] = values["end"] or None
    values["language"] = values["language"].lower() or "en"
    values["region"] = values["region"].upper() or "EU"
    values["timezone"] = values["timezone"] or DEFAULT_ZONE
    return values


async def list_events(request: Request) -> Response:
    """``GET /organisers/events``: upcoming stored events (``?all=1``: past ones too)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    show_all = request.query_params.get("all") == "1"
    events = await web.services.events.list_stored(upcoming=not show_all)
    return web.page(
        request,
        viewer,
        "events.html",
        events=events,
        show_all=show_all,
        saved=request.query_params.get("saved", ""),
        removed=request.query_params.get("removed", ""),
    )


def _form(
    web: WebContext,
    request: Request,
    viewer: Viewer,
    values: dict[str, str],
    *,
    event_id: str | None,
    error: EventError | None = None,
) -> Response:
    return web.page(
        request,
        viewer,
        "event_form.html",
        status_code=400 if error else 200,
        values=values,
        event_id=event_id,
        error=error,
        fields=FORM_FIELDS,
    )


async def new_event(request: Request) -> Response:
    """``GET /organisers/events/new``: an empty form."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    defaults = {"timezone": DEFAULT_ZONE, "language": viewer.language, "region": "EU"}
    return _form(web, request, viewer, defaults, event_id=None)


async def add_event(request: Request) -> Response:
    """``POST /organisers/events``: validate and store a new event (the form again, with the field to
    fix, when it is not valid)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    form = await checked_form(request, viewer)
    values = _fields(form)
    try:
        event = await web.services.events.add(values, created_by=f"{viewer.platform}:{viewer.user_id}")
    except EventError as error:
        return _form(web, request, viewer, _shown(form), event_id=None, error=error)
    return redirect(f"/events?saved={event.id}")


async def edit_event(request: Request) -> Response:
    """``GET /organisers/events/{id}``: the form filled with a stored event."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    event = await web.services.events.get_stored(request.path_params["event_id"])
    if event is None:
        raise HTTPException(404, "no_event")
    return _form(web, request, viewer, _local(event), event_id=event.id)


async def save_event(request: Request) -> Response:
    """``POST /organisers/events/{id}``: validate and replace a stored event."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    form = await checked_form(request, viewer)
    event_id = request.path_params["event_id"]
    if await web.services.events.get_stored(event_id) is None:
        raise HTTPException(404, "no_event")
    try:
        await web.services.events.add(
            _fields(form), created_by=f"{viewer.platform}:{viewer.user_id}", event_id=event_id
        )
    except EventError as error:
        return _form(web, request, viewer, _shown(form), event_id=event_id, error=error)
    return redirect(f"/events?saved={event_id}")


def _shown(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in FORM_FIELDS}


async def confirm_removal(request: Request) -> Response:
    """``GET /organisers/events/{id}/remove``: what will be removed, and the button that does it
    (a removal is never one click away from a list)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    event = await web.services.events.get_stored(request.path_params["event_id"])
    if event is None:
        raise HTTPException(404, "no_event")
    return web.page(request, viewer, "event_remove.html", event=event)


async def remove_event(request: Request) -> Response:
    """``POST /organisers/events/{id}/remove``: delete the stored event and take it out of the index."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    await checked_form(request, viewer)
    event = await web.services.events.get_stored(request.path_params["event_id"])
    if event is None or not await web.services.events.remove(event.id):
        raise HTTPException(404, "no_event")
    return redirect(f"/events?{urlencode({'removed': event.title})}")
