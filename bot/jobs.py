"""Periodic jobs of a running bot: the onboarding-timeout sweep, the event index sync and the daily
retention purge.

``eser-bot serve`` starts ``run_periodic_jobs`` beside the platform runners; each job is also a plain
coroutine that tests (and operators) can call directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from bot.app import App
from bot.guided.timeouts import pause_idle_flows

log = logging.getLogger(__name__)
PURGE_EVERY = timedelta(days=1)


async def run_onboarding_sweep(app: App) -> int:
    """Pause onboarding flows left unanswered too long (and tell their members); returns how many."""
    return await pause_idle_flows(app.services)


async def run_event_sync(app: App) -> bool:
    """Index events another process (``eser-bot events add``) changed in the database; True when it did."""
    return await app.services.events.refresh_if_changed()


async def run_retention_purge(app: App) -> int:
    """Delete what is past its retention; returns how many stored answers went."""
    return await app.purge_expired()


async def run_periodic_jobs(app: App, stop: asyncio.Event, *, interval_seconds: float = 60) -> None:
    """Run the sweep and the event sync every ``interval_seconds`` and the purge once a day, until
    ``stop`` is set.

    The purge runs at the first tick and then whenever a day has passed on the app's clock. A job
    that fails is logged and tried again at the next tick: one bad run must not stop the others.

    Args:
        app: The running core.
        stop: Set it to end the loop (after the current tick).
        interval_seconds: Time between ticks.
    """
    last_purge: datetime | None = None
    while not stop.is_set():
        try:
            await run_onboarding_sweep(app)
        except Exception:
            log.exception("onboarding timeout sweep failed")
        try:
            await run_event_sync(app)
        except Exception:
            log.exception("event index sync failed")
        now = app.services.clock()
        if last_purge is None or now - last_purge >= PURGE_EVERY:
            try:
                await run_retention_purge(app)
                last_purge = now
            except Exception:
                log.exception("retention purge failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
