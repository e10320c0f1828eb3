"""The organisers' web app (``bot.web``, ASGI) inside the aiohttp servers ``serve`` already runs.

The Slack endpoint (``ESER_HTTP_PORT``) and the Telegram webhook (``TELEGRAM_WEBHOOK_PORT``) are
aiohttp servers; the web app is Starlette. ``aiohttp-asgi`` bridges the two: every request whose
path starts with ``/organisers`` goes to the web app, the rest stays with the platform's routes. So
the web page needs no port, certificate or proxy rule of its own. Deployments with no HTTP server
(Slack Socket Mode, Telegram long polling) run ``eser-bot web`` beside the bot instead.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp_asgi import ASGIResource
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/organisers"


def whole_path(app: ASGIApp) -> ASGIApp:
    """``app`` seeing the request's whole path (and an ASGI version).

    aiohttp-asgi hands the mount prefix over as ``root_path``, from which Starlette would route the
    rest of the path; the web app's routes carry ``/organisers`` themselves (so that ``eser-bot web``
    serves the same paths with no prefix to configure), so the prefix is not taken off here.
    """

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        # aiohttp-asgi names no ASGI version; Starlette then takes it for spec 2.0 and, while sending
        # a file (the stylesheet), polls ``receive`` for a disconnect that aiohttp-asgi never sends:
        # a busy loop. The bridge finishes each response itself, as spec 2.4 lets a server do.
        await app(
            {**scope, "root_path": "", "asgi": {"version": "3.0", "spec_version": "2.4"}}, receive, send
        )

    return asgi


def _resource(app: ASGIApp) -> ASGIResource:
    return ASGIResource(app, root_path=PREFIX)  # type: ignore[arg-type]  # its Callable is narrower


def mount_organisers(web_app: web.Application, organisers: ASGIApp | None) -> None:
    """Serve ``organisers`` under ``/organisers`` on ``web_app`` (nothing when None)."""
    if organisers is None:
        return
    web_app.router.register_resource(_resource(whole_path(organisers)))
