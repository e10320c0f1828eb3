"""Broadcast benchmark (a script, not a test): delivery throughput as a share of each platform's
limit, and the time of an organiser's preview on 100,000 subscribers.

- Telegram: ``--telegram`` members (default 3,000) subscribed; the fake Bot API enforces Telegram's
  real limits (30 messages/s overall, 1/s per chat) on a clock running ``--scale`` times faster
  (default 3: 90 real sends/s, well within what one process on two cores sustains, so the
  figure measures the pacing and not the CPU). Prints messages per clock second and the share of 30/s.
- Slack: ``--channels`` channels (default 200) subscribed, ``--announcements`` announcements
  (default 10) queued at once; the fake Web API allows 1 message/s per channel, on a clock running
  at ``--slack-scale`` (default 0.5: 200 channels at 1/s need 100 real posts/s). Prints each
  channel's mean gap between messages as a share of the limit.
- Preview: 100,000 subscribers (with profiles, topics and places); prints p50/max of
  ``BroadcastService.preview`` for three audiences, and the time to write the outbox for all of
  them, on SQLite and PostgreSQL (a throwaway database on 127.0.0.1:5432; ``--no-postgres`` skips).

Every run also prints the 429s the fakes answered (must be 0) and the recipients that got a
message twice (must be 0).

Run: ``.venv/bin/python benchmarks/bench_broadcast.py`` (a short run: ``--telegram 50 --channels 5
--announcements 2 --subscribers 1000 --no-postgres``; a channel's pacing needs two announcements or
more).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from common import ROOT  # noqa: F401 - puts the repository on sys.path

from adapters.platforms import platform_capabilities
from bot.app import App, build_app
from bot.broadcast.clock import ScaledClock
from bot.broadcast.dispatcher import DispatchTuning
from bot.broadcast.models import Audience, Draft
from bot.broadcast.runner import BroadcastRunner
from bot.models import Target
from bot.settings import Settings
from bot.store.base import utcnow
from bot.store.outbox import OutboxStore
from tests.bot.broadcast.subscribers import add_subscribers

ORGANISER = Target(platform="telegram", chat_id="1")
TUNING = DispatchTuning(idle_seconds=0.05, flush_seconds=0.1)


async def _app(data: Path, **settings: Any) -> App:
    values: dict[str, Any] = {"ESER_DATA_DIR": str(data), "ESER_ORGANISERS": str(ORGANISER), **settings}
    config = Settings(_env_file=None, **values)
    return await build_app(config, platforms=platform_capabilities(config))


async def _deliver(app: App, clock: ScaledClock, announcements: int) -> float:
    """Submit ``announcements`` and run the workers until all are done; returns clock seconds."""
    ids = []
    for n in range(announcements):
        submitted = await app.services.broadcasts.submit(
            Draft(text=f"Announcement {n + 1}: the ESER annual meeting is open for registration."),
            organiser=ORGANISER,
            report_to=None,
        )
        ids.append(submitted.announcement_id)
    runner = BroadcastRunner(app.services, clock=clock, tuning=TUNING, poll_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    started = None
    while True:
        statuses = await app.services.broadcasts.status(limit=announcements)
        if started is None and any(s.started_at for s in statuses):
            started = clock.monotonic()
        if all(s.state == "done" for s in statuses):
            break
        await asyncio.sleep(0.02)
    elapsed = clock.monotonic() - (started or 0.0)
    stop.set()
    await task
    return elapsed


async def bench_telegram(members: int, scale: float) -> None:
    from telegram import Bot

    from adapters.telegram.sender import TelegramSender
    from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

    with tempfile.TemporaryDirectory() as data:
        app = await _app(Path(data))
        await add_subscribers(
            app.services.sessions, "telegram", [str(1000 + n) for n in range(members)], now=utcnow()
        )
        clock = ScaledClock(scale)
        async with (
            FakeTelegramServer(limits=TelegramLimits(), clock=clock) as telegram,
            Bot(telegram.token, base_url=telegram.base_url) as bot,
        ):
            app.services.senders["telegram"] = TelegramSender(bot, app.services.catalogue)
            wall = time.perf_counter()
            elapsed = await _deliver(app, clock, 1)
            wall = time.perf_counter() - wall
            # Steady throughput, from the fake's own clock: first to last delivery.
            moments = sorted(call.at for call in telegram.calls_to("sendMessage"))
            span = (moments[-1] - moments[0]) * scale if len(moments) > 1 else 0.0
            rate = (len(moments) - 1) / span if span else 0.0
            print(
                f"telegram: {telegram.delivered_total}/{members} delivered in {elapsed:.1f} clock s "
                f"({wall:.1f} s real at x{scale:g}); first to last delivery {rate:.1f} messages/s = "
                f"{rate / 30:.1%} of 30/s; "
                f"429s {sum(telegram.rate_limited.values())}, recipients twice {len(telegram.duplicates())}",
                flush=True,
            )
        await app.close()


async def bench_slack(channels: int, announcements: int, scale: float) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.retry import RetryPolicy, retry_handlers
    from adapters.slack.sender import SlackSender
    from tests.fakes.slack_server import BOT_TOKEN, SlackLimits, running_fake_slack

    with tempfile.TemporaryDirectory() as data:
        app = await _app(Path(data))
        names = [f"C{n:05d}" for n in range(channels)]
        await add_subscribers(app.services.sessions, "slack", names, now=utcnow(), kind="channel")
        clock = ScaledClock(scale)
        async with running_fake_slack(limits=SlackLimits(), clock=clock) as slack:
            client = AsyncWebClient(
                token=BOT_TOKEN, base_url=slack.base_url, retry_handlers=retry_handlers(RetryPolicy())
            )
            app.services.senders["slack"] = SlackSender(client, app.services.catalogue)
            elapsed = await _deliver(app, clock, announcements)
            posts = [call for call in slack.messages() if call.method == "chat.postMessage"]
            # The limit is per channel: measure each channel's gaps between its messages, on the
            # fake's clock; the share is one message per second over the mean gap.
            by_channel: dict[str, list[float]] = {}
            for call in posts:
                by_channel.setdefault(str(call.params["channel"]), []).append(call.at * scale)
            gaps = [b - a for times in by_channel.values() for a, b in pairwise(sorted(times))]
            if gaps:
                mean_gap = statistics.fmean(gaps)
                pacing = (
                    f"mean gap between a channel's messages {mean_gap:.3f} s = {1 / mean_gap:.1%} of 1/s "
                    f"per channel ({channels / mean_gap:.0f} messages/s over {channels} channels)"
                )
            else:  # one message per channel: no gap to measure
                pacing = "mean gap between a channel's messages: n/a (needs --announcements 2 or more)"
            print(
                f"slack: {len(posts)}/{channels * announcements} posted in {elapsed:.2f} clock s; {pacing}; "
                f"429s {sum(slack.rate_limited.values())}, "
                f"channel-announcements twice {len(slack.duplicates(allowed=announcements))}",
                flush=True,
            )
        await app.close()


async def bench_preview(subscribers: int, database_url: str, label: str) -> None:
    with tempfile.TemporaryDirectory() as data:
        app = await _app(Path(data), DATABASE_URL=database_url)
        sessions = app.services.sessions
        now = utcnow()
        countries = ["ES", "FR", "DE", "IT", "PL", "BE", "PT", "AT", "NL", "SE"]
        topics = ["events", "funding", "policy", "skills", "all"]
        languages = ["en", "fr", "de", "es", "it", "pl"]
        load = time.perf_counter()
        step = subscribers // 50
        for part in range(50):
            await add_subscribers(
                sessions,
                "telegram" if part % 5 else "slack",
                [f"{part}-{n}" for n in range(step)],
                now=now,
                topic=topics[part % len(topics)],
                country=countries[part % len(countries)],
                profile_language=languages[part % len(languages)],
            )
        print(f"preview on {label}: {subscribers} subscribers written in {time.perf_counter() - load:.1f} s")
        for name, audience in (
            ("everyone", Audience()),
            ("topic events", Audience(topics=("events",))),
            ("events, ES, en", Audience(topics=("events",), region="ES", language="en")),
        ):
            timings = []
            for _ in range(7):
                started = time.perf_counter()
                preview = await app.services.broadcasts.preview(
                    Draft(text="x", audience=audience), language="en"
                )
                timings.append(time.perf_counter() - started)
            print(
                f"  {name:18} {preview.total:>7} recipients: p50 {statistics.median(timings) * 1000:.0f} ms, "
                f"max {max(timings) * 1000:.0f} ms"
            )
        # Confirming writes the outbox: one row per recipient, in one statement and transaction.
        await app.services.broadcasts.submit(Draft(text="x"), organiser=ORGANISER, report_to=None)
        started = time.perf_counter()
        await OutboxStore(sessions).start_due(utcnow())
        print(f"  outbox rows for {subscribers} recipients written in {time.perf_counter() - started:.2f} s")
        await app.close()


async def main(args: argparse.Namespace) -> None:
    await bench_telegram(args.telegram, args.scale)
    await bench_slack(args.channels, args.announcements, args.slack_scale)
    await bench_preview(args.subscribers, "", "SQLite")
    if args.no_postgres:
        return
    from tests.bot.store.postgres import create_database, drop_database, url_of

    try:
        name = create_database()  # a throwaway database, never the shared one
    except Exception as error:
        print(f"preview on PostgreSQL: skipped (no server on 127.0.0.1:5432: {type(error).__name__})")
        return
    try:
        await bench_preview(args.subscribers, url_of(name), "PostgreSQL")
    finally:
        drop_database(name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--telegram", type=int, default=3000)
    parser.add_argument("--scale", type=float, default=3.0)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--announcements", type=int, default=10)
    parser.add_argument("--slack-scale", type=float, default=0.5)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true", help="Skip the PostgreSQL preview")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main(parser.parse_args()))
