"""Start-up while the database is out of reach: ``eser-bot serve`` keeps trying instead of exiting.

In a deployment the database may come up after the replicas (a fresh cluster, a failover, a
database created by a migrate job). Until it answers, the process serves ``/healthz`` (alive) and
``/readyz`` (503, failing ``database``) on the port its platform endpoint will use, so that an
orchestrator sees a replica that is alive but not ready rather than one that crashes in a loop; it
tries again with exponential backoff (tenacity) and starts normally once the database answers.
A malformed ``DATABASE_URL`` is not waited for: that still stops the command with one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential

from adapters.health import add_health_routes
from bot.app import App
from bot.errors import DatabaseUnavailable
from bot.readiness import Readiness
from bot.settings import Settings

log = logging.getLogger(__name__)
# Longest wait between two attempts: a database that is back is noticed within this.
MAX_WAIT_SECONDS = 30.0


def health_endpoint(settings: Settings, platforms: Sequence[str]) -> tuple[str, int] | None:
    """Where the platform endpoint will listen (and ``/readyz`` with it); None without one.

    Slack over HTTP listens on ``ESER_HTTP_HOST:ESER_HTTP_PORT``, a Telegram webhook on
    ``TELEGRAM_WEBHOOK_LISTEN:TELEGRAM_WEBHOOK_PORT``; Socket Mode and long polling listen nowhere.
    """
    if "slack" in platforms and not settings.slack_app_token:
        return settings.http_host, settings.http_port
    if "telegram" in platforms and settings.telegram_webhook_url:
        return settings.telegram_webhook_listen, settings.telegram_webhook_port
    return None


async def build_when_reachable(
    build: Callable[[], Awaitable[App]],
    endpoint: tuple[str, int] | None,
    stop: asyncio.Event,
    *,
    max_wait: float = MAX_WAIT_SECONDS,
) -> App | None:
    """``build()``, tried again while it raises ``DatabaseUnavailable``, until ``stop`` is set.

    Args:
        build: Builds the core (``bot.app.build_app``); opening the database is its first step.
        endpoint: Where to answer the health checks meanwhile (``health_endpoint``).
        stop: Set by SIGTERM: stop waiting.
        max_wait: Longest wait between attempts, in seconds.

    Returns:
        The built core, or None when ``stop`` was set before the database answered.
    """
    try:
        return await build()
    except DatabaseUnavailable as error:
        problem = error.problem
    log.warning("%s; serving /readyz as not ready and trying again", problem)
    waiting = await _health_server(endpoint, lambda: problem) if endpoint else None

    def note(state: RetryCallState) -> None:
        nonlocal problem
        if state.outcome is not None and isinstance(error := state.outcome.exception(), DatabaseUnavailable):
            problem = error.problem
        seconds = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "database still out of reach (attempt %d); next try in %.0f s", state.attempt_number, seconds
        )

    async def sleep(seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(DatabaseUnavailable),
            wait=wait_exponential(multiplier=0.5, max=max_wait),
            stop=lambda _state: stop.is_set(),
            sleep=sleep,
            before_sleep=note,
            reraise=True,
        ):
            with attempt:
                if stop.is_set():
                    return None
                app = await build()
                log.info("the database answers: starting")
                return app
    except DatabaseUnavailable:
        if stop.is_set():
            return None
        raise
    finally:
        if waiting is not None:
            # The platform endpoint takes the port over at once.
            await waiting.cleanup()
    return None


async def _health_server(endpoint: tuple[str, int], problem: Callable[[], str]) -> web.AppRunner:
    async def probe() -> Readiness:
        return Readiness({"database": problem()})

    web_app = web.Application()
    add_health_routes(web_app, probe)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    host, port = endpoint
    await web.TCPSite(runner, host, port, reuse_address=True).start()
    log.info("health checks on %s:%d while waiting for the database", host, port)
    return runner
