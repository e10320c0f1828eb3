"""Who is signed in, and the checks every page and form goes through.

The session (a cookie signed by Starlette's ``SessionMiddleware``) holds only the organiser's
``platform:user_id``, a CSRF token and the chosen language. Every request checks on the server that
this member is still an organiser (the role can be taken away at any time), and every form's hidden
``csrf`` field must match the session's token.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from bot.i18n import LANGUAGES, preferred_language
from bot.services import Services
from bot.web.render import accepted_language

WHO = "who"
CSRF = "csrf"
LANGUAGE = "lang"


class NotSignedIn(Exception):
    """No session: the page explains how to get a sign-in link (401)."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in organiser.

    Attributes:
        platform: Their platform.
        user_id: Their platform user id (never shown on a page).
        language: The language the pages are in.
        csrf: The token every form of theirs carries.
    """

    platform: str
    user_id: str
    language: str
    csrf: str


def start_session(request: Request, platform: str, user_id: str) -> None:
    """Sign ``platform:user_id`` in: a fresh session with a fresh CSRF token."""
    language = request.session.get(LANGUAGE)
    request.session.clear()
    request.session[WHO] = f"{platform}:{user_id}"
    request.session[CSRF] = secrets.token_urlsafe(24)
    if language:
        request.session[LANGUAGE] = language


async def page_language(request: Request, services: Services, who: tuple[str, str] | None) -> str:
    """The pages' language: chosen on the page (``?lang=``), else the organiser's profile, else the
    browser's ``Accept-Language``, else English."""
    chosen = request.query_params.get(LANGUAGE)
    if chosen in LANGUAGES:
        request.session[LANGUAGE] = chosen
    if request.session.get(LANGUAGE) in LANGUAGES:
        return str(request.session[LANGUAGE])
    profile = (await services.members.context(*who)).language if who else None
    return preferred_language(profile, accepted_language(request.headers.get("accept-language")))


async def require_organiser(request: Request, services: Services) -> Viewer:
    """The signed-in organiser of this request.

    Raises:
        NotSignedIn: No session.
        HTTPException: 403 when the session's member is no longer an organiser.
    """
    who = request.session.get(WHO)
    token = request.session.get(CSRF)
    if not isinstance(who, str) or ":" not in who or not isinstance(token, str):
        raise NotSignedIn
    platform, user_id = who.split(":", 1)
    if not await services.organisers.allow(platform, user_id, "web page"):
        request.session.clear()
        raise HTTPException(403, "not_organiser")
    return Viewer(platform, user_id, await page_language(request, services, (platform, user_id)), token)


async def checked_form(request: Request, viewer: Viewer) -> FormData:
    """The posted form, once its ``csrf`` field matches the session's token.

    Raises:
        HTTPException: 403 when the token is missing or wrong.
    """
    form = await request.form()
    given = form.get(CSRF)
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), viewer.csrf.encode()):
        raise HTTPException(403, "csrf")
    return form
