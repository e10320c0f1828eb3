"""Periodic jobs of a running bot, all scheduled here: the onboarding-timeout sweep and the event and
organisers' card index syncs at every tick, event reminders and hand-off reminders every few
minutes, the retention purge once a day, the organisers' weekly knowledge-gaps digest when it is due.

With several replicas, every one runs the ``replica_jobs`` (each keeps its own event index), and only
the delivering replica (``bot.delivering``) runs the ``leader_jobs`` beside the broadcast runner
(which only delivers what is due). Each job is also a plain coroutine that tests (and operators) can
call directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.app import App
from bot.broadcast.reminders import schedule_reminders
from bot.gaps.digest import send_weekly_digests
from bot.guided.timeouts import pause_idle_flows
from bot.store.sqlite_inline import off_the_loop

log = logging.getLogger(__name__)
EVERY_TICK = timedelta(0)
REMINDERS_EVERY = timedelta(minutes=5)
PURGE_EVERY = timedelta(days=1)
# The digest's own claim rows keep it to once a week; this only bounds how late after its hour it goes.
DIGEST_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class PeriodicJob:
    """One job of the loop.

    Attributes:
        name: What it does, for the log.
        run: The job itself.
        every: Time between two successful runs on the app's clock (``EVERY_TICK``: every tick).
    """

    name: str
    run: Callable[[App], Awaitable[object]]
    every: timedelta


async def run_onboarding_sweep(app: App) -> int:
    """Pause onboarding flows left unanswered too long (and tell their members); returns how many."""
    return await pause_idle_flows(app.services)


async def run_event_sync(app: App) -> bool:
    """Index events another process (``eser-bot events add``) changed in the database; True when it did."""
    return await app.services.events.refresh_if_changed()


async def run_reminders(app: App) -> int:
    """Schedule the reminders of events starting soon (each once); returns how many are new."""
    return await schedule_reminders(app.services, app.services.clock())


async def run_card_sync(app: App) -> bool:
    """Index the organisers' cards another process published or changed; True when it did."""
    return await app.services.organiser_cards.refresh_if_changed()


async def run_handoff_reminders(app: App) -> int:
    """Remind organisers of unanswered hand-offs, and escalate old ones to every organiser; returns
    how many hand-offs were chased."""
    report = await app.services.handoffs.send_reminders()
    return report.reminded + report.escalated


async def run_retention_purge(app: App) -> int:
    """Delete what is past its retention; returns how many stored answers went."""
    return await app.purge_expired()


async def run_gap_digest(app: App) -> int:
    """Send the weekly knowledge-gaps digest to the organisers when it is due; returns how many."""
    return await send_weekly_digests(app.services, app.services.clock())


def replica_jobs() -> list[PeriodicJob]:
    """The jobs every replica runs: keeping its own event and card index in step with the database."""
    return [
        PeriodicJob("event index sync", run_event_sync, EVERY_TICK),
        PeriodicJob("organisers' card index sync", run_card_sync, EVERY_TICK),
    ]


def leader_jobs() -> list[PeriodicJob]:
    """The jobs only the delivering replica runs, in the order of each tick."""
    return [
        PeriodicJob("onboarding timeout sweep", run_onboarding_sweep, EVERY_TICK),
        PeriodicJob("event reminders", run_reminders, REMINDERS_EVERY),
        PeriodicJob("hand-off reminders", run_handoff_reminders, REMINDERS_EVERY),
        PeriodicJob("retention purge", run_retention_purge, PURGE_EVERY),
        PeriodicJob("knowledge-gaps digest", run_gap_digest, DIGEST_EVERY),
    ]


def periodic_jobs(app: App) -> list[PeriodicJob]:
    """Every job of a process that takes no part in the election, in the order of each tick.

    Reminders are made only by an instance that delivers announcements (``ESER_BROADCAST_WORKERS``),
    so that a bot whose broadcasts are off does not pile up reminders to send late once they are on.
    """
    jobs = [
        PeriodicJob("onboarding timeout sweep", run_onboarding_sweep, EVERY_TICK),
        *replica_jobs(),
    ]
    if app.services.settings.broadcast_workers:
        jobs.append(PeriodicJob("event reminders", run_reminders, REMINDERS_EVERY))
    jobs.append(PeriodicJob("hand-off reminders", run_handoff_reminders, REMINDERS_EVERY))
    jobs.append(PeriodicJob("retention purge", run_retention_purge, PURGE_EVERY))
    if app.services.settings.broadcast_workers:  # like reminders: only where messages are delivered
        jobs.append(PeriodicJob("knowledge-gaps digest", run_gap_digest, DIGEST_EVERY))
    return jobs


async def run_periodic_jobs(
    app: App,
    stop: asyncio.Event,
    *,
    interval_seconds: float = 60,
    jobs: Sequence[PeriodicJob] | None = None,
) -> None:
    """Run every job of ``jobs`` (``periodic_jobs(app)`` when None) when it is due, ticking every
    ``interval_seconds``, until ``stop`` is set.

    Each job runs at the first tick and then whenever its ``every`` has passed on the app's clock
    since its last successful run. A job that fails is logged and tried again at the next tick: one
    bad run must not stop the others.

    Args:
        app: The running core.
        stop: Set it to end the loop (after the current tick).
        interval_seconds: Time between ticks.
        jobs: The jobs to run.
    """
    jobs = periodic_jobs(app) if jobs is None else jobs
    last_run: dict[str, datetime] = {}
    while not stop.is_set():
        for job in jobs:
            now = app.services.clock()
            last = last_run.get(job.name)
            if job.every and last is not None and now - last < job.every:
                continue
            try:
                # Maintenance reads and writes many rows at once (a day's purge, a week's gaps): on
                # SQLite their statements run on a worker thread, not the loop members are served by.
                with off_the_loop():
                    await job.run(app)
            except Exception:
                log.exception("%s failed", job.name)
            else:
                last_run[job.name] = now
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
