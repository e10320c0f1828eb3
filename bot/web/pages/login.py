"""Signing in with a one-time link, signing out, and the pages that explain a refusal."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.web.access import NotSignedIn, checked_form, page_language, require_organiser, start_session
from bot.web.context import context_of, redirect
from bot.web.tokens import LinkRefused

# What each refusal answers: a forged link is forbidden, an expired or used one is gone for good.
REFUSAL_STATUS = {"forged": 403, "expired": 410, "used": 410}


async def login(request: Request) -> Response:
    """``GET /organisers/login?token=…``: check the link, use it up, start the session."""
    web = context_of(request)
    try:
        claim = web.links.check(request.query_params.get("token", ""))
    except LinkRefused as refused:
        raise HTTPException(REFUSAL_STATUS[refused.reason], refused.reason) from refused
    if not await web.services.organisers.allow(claim.platform, claim.user_id, "web sign-in"):
        raise HTTPException(403, "not_organiser")
    now = web.services.clock()
    if not await web.logins.use(
        claim.token_id,
        platform=claim.platform,
        user_id=claim.user_id,
        now=now,
        expires_at=claim.issued_at + web.links.lifetime,
    ):
        raise HTTPException(410, "used")
    start_session(request, claim.platform, claim.user_id)
    return redirect("/")


async def logout(request: Request) -> Response:
    """``POST /organisers/logout``: end the session."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    await checked_form(request, viewer)
    request.session.clear()
    return web.pages.render("signed_out.html", viewer.language, {"key": "web.signed_out"})


async def refused(request: Request, error: Exception) -> Response:
    """The page for a refused request (401 without a session, 403, 404, 410), in the visitor's language."""
    web = context_of(request)
    if isinstance(error, NotSignedIn):
        status, reason = 401, "signed_out"
    elif isinstance(error, HTTPException):
        status, reason = error.status_code, str(error.detail)
    else:  # pragma: no cover - only the two above are registered
        raise error
    language = await page_language(request, web.services, None)
    key = f"web.refused.{reason}" if f"web.refused.{reason}" in web.pages.catalogue.keys("en") else None
    return web.pages.render(
        "signed_out.html", language, {"reason": reason, "key": key, "status": status}, status_code=status
    )
