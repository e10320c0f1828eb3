"""The Telegram webhook endpoint: an aiohttp server that checks, parses and queues each update.

python-telegram-bot's own webhook server answers 500 to a body that is not JSON (even with the right
secret) and logs a body it cannot read in full; this one answers 403 to a missing or wrong secret
(before reading anything), 400 to anything that is not an update, and 200 once the update is on the
queue — which, with ``DurableUpdateQueue``, means it is recorded in the inbox.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket

from aiohttp import web
from starlette.types import ASGIApp
from telegram import Bot, Update

from adapters.health import Probe, add_health_routes
from adapters.telegram.queue import DurableUpdateQueue
from adapters.web import mount_organisers

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1_000_000  # an update is a few kilobytes; Telegram's largest are far below this


class WebhookServer:
    """Serves ``POST /<path>`` on a listening socket.

    Args:
        bot: Parses updates (``Update.de_json``).
        queue: Where updates go.
        path: The URL path (without slashes at either end).
        secret: The ``secret_token`` given to ``setWebhook``.
        probe: Answers ``/readyz`` (``adapters.health``, which adds ``/healthz`` too); None: neither.
        organisers: The organisers' web app, served under ``/organisers`` (``adapters.web``); None: not.
    """

    def __init__(
        self,
        bot: Bot,
        queue: DurableUpdateQueue,
        path: str,
        secret: str,
        probe: Probe | None = None,
        organisers: ASGIApp | None = None,
    ) -> None:
        self._bot = bot
        self._probe = probe
        self._organisers = organisers
        self._queue = queue
        self._path = "/" + path.strip("/")
        self._secret = secret.encode()
        self._runner: web.AppRunner | None = None

    async def start(self, listener: socket.socket) -> None:
        """Serve on ``listener`` (bound by the caller, so that port 0 works)."""
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post(self._path, self._post)
        if self._probe is not None:
            add_health_routes(app, self._probe)
        mount_organisers(app, self._organisers)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, listener).start()

    async def stop(self) -> None:
        """Stop taking updates."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning(
                "Telegram webhook: request without the right secret refused (from %s)", request.remote
            )
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self._bot) if isinstance(data, dict) else None
        except Exception as error:  # JSON errors, wrong field types, too large a body...
            log.warning("Telegram webhook: unreadable update refused (%s)", type(error).__name__)
            return web.Response(status=400)
        if update is None:
            log.warning("Telegram webhook: a body that is not an update refused")
            return web.Response(status=400)
        await self._queue.put(update)
        return web.Response(status=200)


def bind_listener(host: str, port: int) -> socket.socket:
    """A non-blocking listening TCP socket on ``host``:``port`` (IPv6 when ``host`` is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=128)
    listener.setblocking(False)
    return listener
