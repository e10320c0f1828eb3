"""Knowledge gaps (``bot.gaps``): questions the bot declined or that members voted down, grouped by
meaning — and, for each, "write a card": the skeleton of an answer card for it, to complete in the
six languages and save in ``knowledge/content/answers/`` (the parity check then checks it)."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import yaml
from starlette.requests import Request
from starlette.responses import Response

from bot.gaps.report import knowledge_gaps
from bot.i18n import LANGUAGES
from bot.web.access import require_organiser
from bot.web.context import context_of

PERIODS = (7, 30)
LIMIT = 20


def card_skeleton(question: str, language: str) -> str:
    """A draft answer card (YAML, the knowledge base's card format) for ``question``."""
    folded = unicodedata.normalize("NFKD", question.lower())
    words = re.findall(r"[a-z0-9]+", "".join(char for char in folded if not unicodedata.combining(char)))
    card_id = "-".join(words[:8]) or "new-card"
    card = {
        "id": card_id if len(card_id) > 1 else "new-card",
        "status": "draft",
        "questions": {code: [question] if code == language else ["…"] for code in LANGUAGES},
        "answer": {code: "…" for code in LANGUAGES},
        "sources": [{"doc": "…", "section": "…"}],
    }
    return yaml.safe_dump([card], allow_unicode=True, sort_keys=False, width=100)


async def list_gaps(request: Request) -> Response:
    """``GET /organisers/gaps``: the gaps of the last 7 days (``?days=30``: 30), biggest first."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    raw = request.query_params.get("days", "")
    period = int(raw) if raw.isdigit() and int(raw) in PERIODS else PERIODS[0]
    now = web.services.clock()
    gaps = await knowledge_gaps(web.services, since=now - timedelta(days=period), until=now, limit=LIMIT)
    return web.page(request, viewer, "gaps.html", gaps=gaps, period=period, periods=PERIODS)


async def write_card(request: Request) -> Response:
    """``GET /organisers/gaps/card?question=…&language=…``: a card skeleton for one gap."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    question = request.query_params.get("question", "").strip()[:300]
    language = request.query_params.get("language", "en")
    language = language if language in LANGUAGES else "en"
    return web.page(
        request, viewer, "gap_card.html", question=question, skeleton=card_skeleton(question, language)
    )
