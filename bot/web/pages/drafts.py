"""Answer cards kept from organisers' answers (``bot.handoffs.cards.OrganiserCards``): drafts to
complete in more languages and publish — once published, indexed at once and used by the bot."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.handoffs.models import HandoffError, OrganiserCard
from bot.i18n import LANGUAGES
from bot.web.access import Viewer, checked_form, require_organiser
from bot.web.context import WebContext, context_of, redirect
from bot.web.pages.handoffs import organiser_of


def _show(
    web: WebContext,
    request: Request,
    viewer: Viewer,
    card: OrganiserCard,
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return web.page(
        request,
        viewer,
        "draft.html",
        status_code=status_code,
        card=card,
        error=error,
        all_languages=LANGUAGES,
        done=request.query_params.get("done", ""),
        chosen=request.query_params.get("language", "") or (card.missing_languages or ("",))[0],
    )


async def card_of(web: WebContext, request: Request) -> OrganiserCard:
    """The organiser card the path names (``{card_id}``); 404 when there is none."""
    found = await web.services.organiser_cards.get(request.path_params["card_id"])
    if found is None:
        raise HTTPException(404, "no_card")
    return found


async def show_draft(request: Request) -> Response:
    """``GET /organisers/cards/drafts/{id}``: a card kept from an answer, its languages, and the
    forms to add a language and to publish."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    return _show(web, request, viewer, await card_of(web, request))


async def add_language(request: Request) -> Response:
    """``POST /organisers/cards/drafts/{id}/language``: add (or replace) one language's phrasing and
    answer."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    form = await checked_form(request, viewer)
    card = await card_of(web, request)
    language = str(form.get("language") or "")
    if language not in LANGUAGES:
        raise HTTPException(400, "bad_language")
    try:
        await web.services.organiser_cards.add_language(
            card.id,
            language,
            question=str(form.get("question") or "").strip(),
            answer=str(form.get("answer") or "").strip(),
        )
    except HandoffError as error:
        message = web.pages.text(error.key, viewer.language, **error.params)
        return _show(web, request, viewer, card, error=message, status_code=409)
    return redirect(f"/cards/drafts/{card.id}?done=language")


async def publish(request: Request) -> Response:
    """``POST /organisers/cards/drafts/{id}/publish``: publish the card (indexed at once)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    await checked_form(request, viewer)
    card = await card_of(web, request)
    try:
        await web.services.organiser_cards.publish(card.id, organiser=organiser_of(viewer))
    except HandoffError as error:
        message = web.pages.text(error.key, viewer.language, **error.params)
        return _show(web, request, viewer, card, error=message, status_code=409)
    return redirect(f"/cards/drafts/{card.id}?done=published")
