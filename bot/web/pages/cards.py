"""Answer cards: the cards kept from organisers' answers (drafts and published, ``drafts.py``), every
card of the knowledge base with its languages and status, one card in every language, and the
findings of the parity check (``eser-bot cards check``: six languages, the same figures in each,
citations that resolve, no phrasing claimed by two cards)."""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.i18n import LANGUAGES
from bot.web.access import require_organiser
from bot.web.context import context_of
from knowledge.cards import load_cards, parity_findings


async def list_cards(request: Request) -> Response:
    """``GET /organisers/cards``: one row per card."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    cards, unreadable = await asyncio.to_thread(load_cards, list(web.services.settings.content_dirs))
    return web.page(
        request,
        viewer,
        "cards.html",
        kept=await web.services.organiser_cards.listed(),
        cards=sorted(cards, key=lambda loaded: loaded.card.id),
        unreadable=unreadable,
        all_languages=LANGUAGES,
    )


async def show_card(request: Request) -> Response:
    """``GET /organisers/cards/{id}``: a card's phrasings and answer in every language."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    cards, _ = await asyncio.to_thread(load_cards, list(web.services.settings.content_dirs))
    found = [loaded for loaded in cards if loaded.card.id == request.path_params["card_id"]]
    if not found:
        raise HTTPException(404, "no_card")
    return web.page(request, viewer, "card.html", loaded=found[0], all_languages=LANGUAGES)


async def check(request: Request) -> Response:
    """``GET /organisers/cards/check``: the parity check's findings (reads the knowledge base: a few
    seconds, off the event loop)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    count, problems = await asyncio.to_thread(parity_findings, list(web.services.settings.content_dirs))
    return web.page(request, viewer, "cards_check.html", count=count, problems=problems)
