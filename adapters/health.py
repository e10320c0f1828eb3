"""``GET /healthz`` and ``GET /readyz`` beside a platform's HTTP endpoint (Slack's, Telegram's webhook).

``/healthz`` says the process is alive (200 whenever it can answer at all); ``/readyz`` says it can
serve (``bot.readiness``: database, migrations, vector store, embedding model loaded): 200 with
``{"ready": true}``, else 503 naming the checks that failed (their reasons go to the log, not to
whoever asks), so a load balancer or orchestrator sends members only to replicas that can answer them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.app import App
from bot.readiness import Readiness, check_readiness

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
Probe = Callable[[], Awaitable[Readiness]]


def app_probe(app: App, accepting: Callable[[], bool] = lambda: True) -> Probe:
    """The readiness check of ``app``; not ready either while its runner stops (``accepting``)."""

    async def probe() -> Readiness:
        if not accepting():
            return Readiness({"runner": "stopping"})
        return await check_readiness(app.services.db, app.services.knowledge)

    return probe


def add_health_routes(web_app: web.Application, probe: Probe) -> None:
    """Add ``/healthz`` and ``/readyz`` to ``web_app``.

    Args:
        web_app: The aiohttp application of the platform endpoint.
        probe: Checks readiness (``app_probe``).
    """

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def readyz(_request: web.Request) -> web.Response:
        readiness = await probe()
        body = {"ready": readiness.ready, "failing": sorted(readiness.problems)}
        return web.json_response(body, status=200 if readiness.ready else 503)

    web_app.router.add_get(HEALTH_PATH, healthz)
    web_app.router.add_get(READY_PATH, readyz)
