"""What every page of the organisers' web app shares: the services, the renderer, the sign-in links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from bot.services import Services
from bot.store.activity import ActivityStore
from bot.store.web_logins import WebLoginStore
from bot.web.access import Viewer
from bot.web.render import Pages
from bot.web.tokens import LoginLinks

# The sections of the navigation bar: (path under /organisers, catalogue key of its name).
NAVIGATION = (
    ("/", "web.nav.overview"),
    ("/gaps", "web.nav.gaps"),
    ("/handoffs", "web.nav.handoffs"),
    ("/events", "web.nav.events"),
    ("/cards", "web.nav.cards"),
    ("/broadcasts", "web.nav.broadcasts"),
)
PREFIX = "/organisers"


@dataclass
class WebContext:
    """The organisers' web app's dependencies (built once, by ``bot.web.app.build_web``).

    Attributes:
        services: The core's services.
        pages: Renders templates.
        links: Checks sign-in links.
        logins: Used sign-in links.
        activity: The overview's figures.
    """

    services: Services
    pages: Pages
    links: LoginLinks
    logins: WebLoginStore
    activity: ActivityStore

    def page(
        self, request: Request, viewer: Viewer, template: str, *, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        """Render a signed-in page: the navigation, the language switcher and the CSRF token come along."""
        here = request.url.path.removeprefix(PREFIX) or "/"
        section = max((path for path, _ in NAVIGATION if here.startswith(path)), key=len, default="/")
        context = {
            "viewer": viewer,
            "csrf": viewer.csrf,
            "navigation": NAVIGATION,
            "section": section,
            "prefix": PREFIX,
            "here": request.url.path,
            **values,
        }
        return self.pages.render(template, viewer.language, context, status_code=status_code)


def context_of(request: Request) -> WebContext:
    """The ``WebContext`` of the app serving ``request``."""
    found: WebContext = request.app.state.web
    return found


def redirect(path: str) -> RedirectResponse:
    """303 to a page of the web app (after a form: the browser then GETs it)."""
    return RedirectResponse(PREFIX + path, status_code=303)
