"""``/metrics`` for Prometheus in ``serve``: prometheus-client's own HTTP server on
``ESER_METRICS_PORT``, and the gauges that are read from the database now and then."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from prometheus_client import start_http_server

from bot.app import App
from bot.settings import Settings
from bot.store.outbox import OutboxStore

log = logging.getLogger(__name__)
# How often the outbox gauges are read: one indexed aggregate per interval, whatever the scrape rate.
GAUGE_SECONDS = 15.0


async def run_metrics(
    app: App, settings: Settings, stop: asyncio.Event, *, every: float = GAUGE_SECONDS
) -> None:
    """Serve ``/metrics`` (when ``ESER_METRICS_PORT`` is set) and keep the gauges current until ``stop``.

    Args:
        app: The core app (its ``services.metrics``).
        settings: Settings read at start-up.
        stop: Ends the loop and the HTTP server.
        every: Seconds between two readings of the outbox gauge.
    """
    metrics = app.services.metrics  # eser_leader is set by the delivering term (bot.delivering)
    server = None
    if settings.metrics_port:
        try:
            server, _ = start_http_server(
                settings.metrics_port, settings.metrics_host, registry=metrics.registry
            )
            log.info("metrics at http://%s:%d/metrics", settings.metrics_host, settings.metrics_port)
        except OSError as error:  # answering matters more than being measured: serve goes on
            log.error("ESER_METRICS_PORT %d: no metrics endpoint (%s)", settings.metrics_port, error)
    outbox = OutboxStore(app.services.sessions)
    try:
        while not stop.is_set():
            try:
                backlog = await outbox.backlog(app.services.clock())
                metrics.set_outbox(backlog, list(app.services.platforms))
            except Exception as error:  # the database may be away for a while: the gauge waits
                log.warning("outbox gauge not updated (%s)", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
    finally:
        if server is not None:
            await asyncio.to_thread(server.shutdown)
            server.server_close()
