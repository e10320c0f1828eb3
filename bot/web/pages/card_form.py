"""Editing an organiser card on the page: its phrasings (one a line) and answer in each of the six
languages, and its source link, through ``OrganiserCards.edit`` — checked before anything is stored,
a refusal naming the field; a published card is indexed again at once and every replica follows.

The knowledge base's own cards (the YAML files under ``knowledge/content/answers/``) are shown read
only, on purpose: they are reviewed content that ships with every replica's image and is checked by
``eser-bot cards check`` in the project's tests before it ships. A page that wrote one replica's copy
of a file would change one replica only, be lost at the next deployment, and bypass that review. An
organiser who wants another answer for such a question publishes an organiser card (it is stored in
the database, so every replica has it at once); the files change through the repository.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.handoffs.models import HandoffError, OrganiserCard
from bot.i18n import LANGUAGES
from bot.web.access import Viewer, checked_form, require_organiser
from bot.web.context import WebContext, context_of, redirect
from bot.web.pages.drafts import card_of
from bot.web.pages.handoffs import organiser_of


def field_error(web: WebContext, viewer: Viewer, error: HandoffError) -> str:
    """A refusal in the organiser's language, naming the field (and its language) to fix."""
    params = dict(error.params)
    if "field" in params:
        label = web.pages.text(f"web.cards.field.{params['field']}", viewer.language)
        language = str(params.get("language") or "")
        if language:
            label = f"{label} ({web.pages.languages.get(language, language)})"
        params = {"field": label}
    return web.pages.text(error.key, viewer.language, **params)


def _values(card: OrganiserCard) -> dict[str, str]:
    values = {"source_url": card.source_url}
    for language in LANGUAGES:
        values[f"questions_{language}"] = "\n".join(card.questions.get(language, []))
        values[f"answer_{language}"] = card.answers.get(language, "")
    return values


def _posted(form: FormData) -> dict[str, str]:
    names = ["source_url", *(f"{kind}_{code}" for code in LANGUAGES for kind in ("questions", "answer"))]
    return {name: str(form.get(name) or "") for name in names}


def _form(
    web: WebContext,
    request: Request,
    viewer: Viewer,
    card: OrganiserCard,
    values: dict[str, str],
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return web.page(
        request,
        viewer,
        "card_edit.html",
        status_code=status_code,
        card=card,
        values=values,
        error=error,
        all_languages=LANGUAGES,
    )


async def edit_card(request: Request) -> Response:
    """``GET /organisers/cards/drafts/{id}/edit``: the card's content in a form."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    card = await card_of(web, request)
    return _form(web, request, viewer, card, _values(card))


async def save_card(request: Request) -> Response:
    """``POST /organisers/cards/drafts/{id}/edit``: check and store the new content (indexed at once
    when the card is published)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    form = await checked_form(request, viewer)
    card = await card_of(web, request)
    values = _posted(form)
    try:
        await web.services.organiser_cards.edit(
            card.id,
            questions={code: values[f"questions_{code}"].splitlines() for code in LANGUAGES},
            answers={code: values[f"answer_{code}"] for code in LANGUAGES},
            source_url=values["source_url"],
            organiser=organiser_of(viewer),
        )
    except HandoffError as error:
        message = field_error(web, viewer, error)
        return _form(web, request, viewer, card, values, error=message, status_code=400)
    return redirect(f"/cards/drafts/{card.id}?done=edited")
