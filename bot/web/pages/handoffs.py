"""Hand-offs: members' questions waiting for an organiser (open) and those answered, answered from
the page through ``bot.handoffs.service.HandoffService`` — the same checks, defanging and delivery
to the member as answering in chat. A member is shown by organisation type and country only."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.handoffs.models import Handoff, HandoffError
from bot.i18n import LANGUAGES
from bot.web.access import Viewer, checked_form, require_organiser
from bot.web.context import WebContext, context_of, redirect

LISTS = ("open", "answered")


def organiser_of(viewer: Viewer) -> str:
    """The signed-in organiser as the hand-off services name organisers."""
    return f"{viewer.platform}:{viewer.user_id}"


async def list_handoffs(request: Request) -> Response:
    """``GET /organisers/handoffs``: open hand-offs (``?state=answered``: answered ones), oldest first."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    state = request.query_params.get("state", "open")
    state = state if state in LISTS else "open"
    handoffs = await web.services.handoffs.listed(states=(state,))
    if state == "answered":
        handoffs.reverse()  # the latest answers first
    return web.page(
        request,
        viewer,
        "handoffs.html",
        state=state,
        lists=LISTS,
        handoffs=handoffs,
        me=organiser_of(viewer),
        done=request.query_params.get("done", ""),
    )


def _show(
    web: WebContext,
    request: Request,
    viewer: Viewer,
    handoff: Handoff,
    *,
    error: str = "",
    typed: str = "",
    status_code: int = 200,
) -> Response:
    return web.page(
        request,
        viewer,
        "handoff.html",
        status_code=status_code,
        handoff=handoff,
        me=organiser_of(viewer),
        error=error,
        typed=typed,
        all_languages=LANGUAGES,
        done=request.query_params.get("done", ""),
    )


async def _handoff(web: WebContext, request: Request) -> Handoff:
    found = await web.services.handoffs.get(request.path_params["handoff_id"])
    if found is None:
        raise HTTPException(404, "no_handoff")
    return found


async def show_handoff(request: Request) -> Response:
    """``GET /organisers/handoffs/{id}``: the question, and the answer form while it is open."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    return _show(web, request, viewer, await _handoff(web, request))


async def act(request: Request) -> Response:
    """``POST /organisers/handoffs/{id}/{action}``: ``answer``, ``pass`` (not for us), ``close`` or
    ``card`` (keep the answer as a draft answer card)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    form = await checked_form(request, viewer)
    handoff = await _handoff(web, request)
    action = request.path_params["action"]
    me = organiser_of(viewer)
    service = web.services.handoffs
    typed = str(form.get("answer") or "")
    try:
        if action == "answer":
            language = str(form.get("language") or handoff.language)
            await service.answer(
                handoff.id, organiser=me, text=typed, language=language if language in LANGUAGES else "en"
            )
        elif action == "pass":
            await service.pass_on(handoff.id, organiser=me)
        elif action == "close":
            await service.close(handoff.id, organiser=me)
        elif action == "card":
            card = await web.services.organiser_cards.save_draft(
                handoff.id, organiser=me, source_url=str(form.get("source_url") or "").strip()
            )
            return redirect(f"/cards/drafts/{card.id}")
        else:
            raise HTTPException(404, "no_handoff")
    except HandoffError as error:
        message = web.pages.text(error.key, viewer.language, **error.params)
        return _show(web, request, viewer, handoff, error=message, typed=typed, status_code=409)
    return redirect(f"/handoffs/{handoff.id}?done={action}")
