"""Knowledge gaps (``bot.gaps``): questions the bot declined or that members voted down, grouped by
meaning — and, for each, "write a card": the organiser writes the answer on the page and it becomes
a draft organiser card (``OrganiserCards.draft_from_gap``, the drafts organisers' answers make), with
the gap's example question as its first phrasing; published from the drafts page, the bot answers
with it from the next question on."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from bot.gaps.report import knowledge_gaps
from bot.handoffs.models import HandoffError
from bot.i18n import LANGUAGES
from bot.web.access import Viewer, checked_form, require_organiser
from bot.web.context import WebContext, context_of, redirect
from bot.web.pages.card_form import field_error
from bot.web.pages.handoffs import organiser_of

PERIODS = (7, 30)
LIMIT = 20
MAX_QUESTION_CHARS = 300


async def list_gaps(request: Request) -> Response:
    """``GET /organisers/gaps``: the gaps of the last 7 days (``?days=30``: 30), biggest first."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    raw = request.query_params.get("days", "")
    period = int(raw) if raw.isdigit() and int(raw) in PERIODS else PERIODS[0]
    now = web.services.clock()
    gaps = await knowledge_gaps(web.services, since=now - timedelta(days=period), until=now, limit=LIMIT)
    return web.page(request, viewer, "gaps.html", gaps=gaps, period=period, periods=PERIODS)


def _form(
    web: WebContext,
    request: Request,
    viewer: Viewer,
    values: dict[str, str],
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return web.page(
        request,
        viewer,
        "gap_card.html",
        status_code=status_code,
        values=values,
        error=error,
        all_languages=LANGUAGES,
    )


async def write_card(request: Request) -> Response:
    """``GET /organisers/gaps/card?question=…&language=…``: the form that drafts a card for one gap."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    language = request.query_params.get("language", "en")
    values = {
        "question": request.query_params.get("question", "").strip()[:MAX_QUESTION_CHARS],
        "language": language if language in LANGUAGES else "en",
    }
    return _form(web, request, viewer, values)


async def save_card(request: Request) -> Response:
    """``POST /organisers/gaps/card``: store the draft card and open it (the form again, naming the
    field to fix, when something is missing)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    form = await checked_form(request, viewer)
    values = {
        name: str(form.get(name) or "").strip() for name in ("question", "language", "answer", "source_url")
    }
    try:
        card = await web.services.organiser_cards.draft_from_gap(
            values["question"][:MAX_QUESTION_CHARS],
            language=values["language"],
            answer=values["answer"],
            organiser=organiser_of(viewer),
            source_url=values["source_url"],
        )
    except HandoffError as error:
        message = field_error(web, viewer, error)
        return _form(web, request, viewer, values, error=message, status_code=400)
    return redirect(f"/cards/drafts/{card.id}?done=drafted")
