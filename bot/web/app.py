"""The organisers' web app: a Starlette ASGI app under ``/organisers/``, built once by the
composition root (``bot.app.build_app``) from the core's services.

``eser-bot serve`` mounts it on its platform HTTP servers (``adapters.web``), ``eser-bot web`` serves
it alone with uvicorn. Sessions are signed cookies (``SessionMiddleware``) whose key lives in the
database's ``app_secrets``, so a session started on one replica works on every other.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.services import Services
from bot.store.activity import ActivityStore
from bot.store.web_logins import WebLoginStore
from bot.web.access import NotSignedIn
from bot.web.context import PREFIX, WebContext
from bot.web.pages import broadcasts, card_form, cards, drafts, events, gaps, handoffs, login, overview
from bot.web.render import Pages
from bot.web.tokens import LoginLinks

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "eser_organisers"


def routes() -> list[Route | Mount]:
    """Every page and form of the web app, under ``/organisers``."""
    return [
        Mount(
            PREFIX,
            routes=[
                Route("/", overview.overview),
                Route("/login", login.login),
                Route("/logout", login.logout, methods=["POST"]),
                Route("/gaps", gaps.list_gaps),
                Route("/gaps/card", gaps.write_card),
                Route("/gaps/card", gaps.save_card, methods=["POST"]),
                Route("/events", events.list_events),
                Route("/events", events.add_event, methods=["POST"]),
                Route("/events/new", events.new_event),
                Route("/events/{event_id}", events.edit_event),
                Route("/events/{event_id}", events.save_event, methods=["POST"]),
                Route("/events/{event_id}/remove", events.confirm_removal),
                Route("/events/{event_id}/remove", events.remove_event, methods=["POST"]),
                Route("/handoffs", handoffs.list_handoffs),
                Route("/handoffs/{handoff_id}", handoffs.show_handoff),
                Route("/handoffs/{handoff_id}/{action}", handoffs.act, methods=["POST"]),
                Route("/cards", cards.list_cards),
                Route("/cards/check", cards.check),
                Route("/cards/drafts/{card_id}", drafts.show_draft),
                Route("/cards/drafts/{card_id}/edit", card_form.edit_card),
                Route("/cards/drafts/{card_id}/edit", card_form.save_card, methods=["POST"]),
                Route("/cards/drafts/{card_id}/language", drafts.add_language, methods=["POST"]),
                Route("/cards/drafts/{card_id}/publish", drafts.publish, methods=["POST"]),
                Route("/cards/{card_id}", cards.show_card),
                Route("/broadcasts", broadcasts.list_broadcasts),
                Route("/broadcasts/{announcement_id:int}", broadcasts.show_broadcast),
                Mount("/static", StaticFiles(directory=STATIC), name="static"),
            ],
        )
    ]


def build_web(services: Services, links: LoginLinks, session_key: bytes) -> Starlette:
    """The web app.

    Args:
        services: The core's services (the same the chat handlers use).
        links: Checks the sign-in links ``/web`` hands out.
        session_key: Signs the session cookies.
    """
    settings = services.settings
    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=session_key.hex(),
                session_cookie=SESSION_COOKIE,
                max_age=int(timedelta(hours=settings.web_session_hours).total_seconds()),
                path=PREFIX,
                same_site="lax",
                https_only=settings.web_base_url.startswith("https://"),
            )
        ],
        exception_handlers={NotSignedIn: login.refused, HTTPException: login.refused},
    )
    app.state.web = WebContext(
        services=services,
        pages=Pages(services.catalogue),
        links=links,
        logins=WebLoginStore(services.sessions),
        activity=ActivityStore(services.sessions),
    )
    return app
