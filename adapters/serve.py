"""``eser-bot serve``: run the core on Slack, Telegram or both until SIGTERM, then stop gracefully.

Start-up order: settings are checked (a missing or malformed token stops here, naming the setting),
the database is opened (while it is out of reach, ``adapters.waiting`` answers the health checks as
not ready and tries again), the knowledge base is brought up to date (only changes are embedded),
the platform runners start, and beside them run the inbox (it keeps this process's hold on the
events it is answering and answers those a stopped process left unanswered), the event index sync,
and the election of the delivering replica: while this process holds the role (``bot.delivering``)
it runs the broadcast outbox workers and the leader's periodic jobs (onboarding timeouts, reminders,
retention purge). On SIGTERM or Ctrl-C the outbox workers record the sends in flight and the role is
given up, the runners stop taking events and finish the answers in flight, then the store closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Sequence

from adapters import PlatformRunner
from adapters.metrics import run_metrics
from adapters.platforms import platform_capabilities
from adapters.waiting import build_when_reachable, health_endpoint
from bot.app import App, build_app
from bot.delivering import delivering_work, delivery_election
from bot.jobs import replica_jobs, run_periodic_jobs
from bot.long_lived import freeze_long_lived
from bot.settings import Settings

log = logging.getLogger(__name__)


def build_runners(app: App, settings: Settings, platforms: Sequence[str]) -> list[PlatformRunner]:
    """The runners for ``platforms``; each checks its settings before any network call.

    Raises:
        bot.errors.ConfigError: Naming the setting to fix.
    """
    runners: list[PlatformRunner] = []
    for platform in platforms:
        if platform == "telegram":
            from adapters.telegram import TelegramRunner

            runners.append(TelegramRunner(app, settings))
        elif platform == "slack":
            from adapters.slack import SlackRunner

            runners.append(SlackRunner(app, settings))
        else:
            raise ValueError(f"unknown platform {platform!r} (telegram or slack)")
    return runners


async def serve_platforms(
    settings: Settings, platforms: Sequence[str], *, stop: asyncio.Event | None = None, app: App | None = None
) -> None:
    """Serve until ``stop`` is set (by SIGTERM/SIGINT when not given).

    Args:
        settings: Settings read at start-up.
        platforms: ``telegram`` and/or ``slack``.
        stop: Event that ends serving; SIGTERM and SIGINT set it.
        app: An already built core (tests); built from ``settings`` when None.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        if app is None:
            # An unreachable database is waited for (``/readyz`` says so meanwhile), not fatal.
            app = await build_when_reachable(
                lambda: build_app(settings, platforms=platform_capabilities(settings)),
                health_endpoint(settings, platforms),
                stop,
            )
            if app is None:
                log.info("stopped before the database could be reached")
                return
        await _serve(app, settings, platforms, stop)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


async def _serve(app: App, settings: Settings, platforms: Sequence[str], stop: asyncio.Event) -> None:
    started: list[PlatformRunner] = []
    jobs: asyncio.Task[None] | None = None
    inbox: asyncio.Task[None] | None = None
    inbox_stop = asyncio.Event()
    broadcasts: asyncio.Task[None] | None = None
    warm_up: asyncio.Task[None] | None = None
    index_watch: asyncio.Task[None] | None = None
    metrics: asyncio.Task[None] | None = None
    try:
        runners = build_runners(app, settings, platforms)
        report = await app.services.knowledge.ingest(settings.content_dirs)
        for failure in report.failed:
            log.error("knowledge base file skipped: %s", failure)
        await app.services.events.sync_index()
        for runner in runners:
            await runner.start()
            started.append(runner)
            log.info("%s runner started", runner.platform)
        # The model loads beside the runners: deliveries resume at once after a restart, and a
        # question that comes first simply waits for it.
        warm_up = asyncio.create_task(_warm_up(app))
        # Another process's writes to a shared Chroma server (``eser-bot ingest``) show within seconds.
        app.services.knowledge.watch.after_reload = freeze_long_lived
        index_watch = asyncio.create_task(app.services.knowledge.watch.run(stop))
        metrics = asyncio.create_task(run_metrics(app, settings, stop))
        # Its own stop: holds are renewed until the runners have finished the answers in flight.
        inbox = asyncio.create_task(app.inbox.run(inbox_stop))
        if settings.broadcast_workers:
            jobs = asyncio.create_task(run_periodic_jobs(app, stop, jobs=replica_jobs()))
            election = delivery_election(app)
            broadcasts = asyncio.create_task(election.run(delivering_work(app), stop))
        else:  # never delivers: keeps the jobs that are safe anywhere, as one process did before
            jobs = asyncio.create_task(run_periodic_jobs(app, stop))
        await stop.wait()
        log.info("stopping: finishing the answers in flight")
    finally:
        stop.set()
        if broadcasts is not None:
            # The outbox workers finish their sends in flight and record them while senders still
            # work; then the role is given up, so another replica takes over at once.
            await broadcasts
        for runner in reversed(started):
            try:
                await runner.stop()
            except Exception:
                log.exception("%s runner did not stop cleanly", runner.platform)
        inbox_stop.set()
        if inbox is not None:
            await inbox
        if jobs is not None:
            await jobs
        if index_watch is not None:
            await index_watch
        if metrics is not None:
            await metrics
        if warm_up is not None:
            # A model still loading is dropped with the process (a daemon thread), not waited for.
            warm_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warm_up
        await app.close()


async def _warm_up(app: App) -> None:
    started = time.monotonic()
    try:
        await app.services.knowledge.warm_up()
    except Exception:  # answers will say so too; the runners and broadcasts go on
        log.exception("the embedding model did not load")
    else:
        log.info("models loaded in %.1f s", time.monotonic() - started)
        freeze_long_lived()
