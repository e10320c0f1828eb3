"""Replica benchmark: answers per second, p95 time to the first reply and what each process costs
with 1, 2 and 4 ``eser-bot serve telegram`` replicas on PostgreSQL and a Chroma server, beside one
process on SQLite and embedded Chroma, in one run; and the broadcast rate of two replicas as a share
of Telegram's 30 messages per second (a script, not a test).

Every configuration is real processes: the replicas are ``eser-bot serve telegram`` in webhook mode
against the fake Bot API (``tests.fakes.telegram_server``) in this process; the PostgreSQL
configurations share a throwaway database on 127.0.0.1:5432 and one ``chroma run`` started here.
Members are spread over the replicas as a load balancer would; each waits for its answer before
asking again. Each replica answers one question before the clock starts (the model is loaded).
CPU is the process's user + system time over the load (``/proc``), in cores (1.00 = one core busy);
on a machine with fewer cores than replicas they compete for the same cores.

Run: ``.venv/bin/python benchmarks/bench_replicas.py`` (``--quick`` for a short run: SQLite and 2
replicas, a few questions; ``--content DIR`` and ``--embeddings SPEC`` as for the other benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from common import AnswerClock, add_knowledge_arguments, load_questions, percentile
from replica_processes import Replica, start_replica, stop_replicas, wait_ready

from tests.chroma_server import chroma_server, free_port
from tests.fakes.telegram_server import ApiCall, FakeTelegramServer, TelegramLimits

SECRET = "bench-secret"
FIRST_MEMBER_ID = 900_001
FIRST_SUBSCRIBER = 50_000
ORGANISER = "telegram:1"
TELEGRAM_LIMIT = 30.0


@dataclass
class Figures:
    """One configuration's results."""

    name: str
    replicas: int
    answers: int
    elapsed: float
    p50: float
    p95: float
    cpu: list[float]  # cores used by each replica over the load
    rss: list[float]  # MB after the load, by replica
    ready: float  # seconds until the last replica was ready


def on_call(clock: AnswerClock, call: ApiCall) -> None:
    """Fake-server listener: note every delivered ``sendMessage``, by chat."""
    if call.method == "sendMessage" and call.status == 200:
        clock.record(str(call.params["chat_id"]), call.at)


async def ask(
    server: FakeTelegramServer,
    session: aiohttp.ClientSession,
    url: str,
    clock: AnswerClock,
    user_id: int,
    question: tuple[str, str],
) -> float:
    """Post one question as a webhook update; returns the seconds until the first reply."""
    text, language = question
    update = server.updates.private_message(user_id, text, language=language)
    started = time.monotonic()
    async with session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as reply:
        if reply.status != 200:
            raise RuntimeError(f"webhook answered {reply.status}")
    return await clock.first_after(str(user_id), started) - started


async def load(
    server: FakeTelegramServer, replicas: list[Replica], members: int, questions: list[tuple[str, str]]
) -> tuple[list[float], float, list[float]]:
    """``members`` members ask ``questions`` between them.

    Returns:
        The latencies, the elapsed seconds and each replica's CPU over them, in cores.
    """
    clock = AnswerClock()
    server.listeners.append(lambda call: on_call(clock, call))
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=members * 2)) as session:
            for n, replica in enumerate(replicas):  # one untimed question each: caches warm
                await ask(server, session, replica.webhook_url, clock, FIRST_MEMBER_ID - 1 - n, questions[0])
            latencies: list[float] = []
            # Each member's next question goes to the next replica, as round-robin balancing does.
            turns = itertools.count()

            async def member(index: int) -> None:
                for question in questions[index::members]:
                    url = replicas[next(turns) % len(replicas)].webhook_url
                    latencies.append(
                        await ask(server, session, url, clock, FIRST_MEMBER_ID + index, question)
                    )

            cpu_before = [replica.cpu_seconds() for replica in replicas]
            started = time.monotonic()
            await asyncio.gather(*(member(index) for index in range(members)))
            elapsed = time.monotonic() - started
            cpu = [
                (replica.cpu_seconds() - before) / elapsed
                for replica, before in zip(replicas, cpu_before, strict=True)
            ]
            return latencies, elapsed, cpu
    finally:
        server.listeners.clear()


async def run_configuration(
    name: str,
    count: int,
    env: dict[str, str],
    work: Path,
    server: FakeTelegramServer,
    args: argparse.Namespace,
) -> tuple[Figures, list[Replica]]:
    """Start ``count`` replicas, put the question load on them; returns figures and the replicas (running)."""
    started = time.monotonic()
    replicas = [start_replica(f"{name}/a", env, free_port(), work / f"{name}-a.log")]
    await wait_ready(replicas[0])  # the first one indexes; the others find the index current
    for letter in "bcd"[: count - 1]:
        replicas.append(start_replica(f"{name}/{letter}", env, free_port(), work / f"{name}-{letter}.log"))
    await asyncio.gather(*(wait_ready(replica) for replica in replicas[1:]))
    ready = time.monotonic() - started
    pool = load_questions()
    questions = [pool[n % len(pool)] for n in range(args.questions)]
    latencies, elapsed, cpu = await load(server, replicas, args.members, questions)
    rss = [replica.memory_mb()[0] for replica in replicas]
    figures = Figures(
        name,
        count,
        len(latencies),
        elapsed,
        percentile(latencies, 0.5),
        percentile(latencies, 0.95),
        cpu,
        rss,
        ready,
    )
    return figures, replicas


async def broadcast(server: FakeTelegramServer, settings: dict[str, Any], recipients: int) -> str:
    """One announcement to ``recipients`` Telegram subscribers, delivered by the running replicas."""
    from adapters.platforms import platform_capabilities
    from bot.app import build_app
    from bot.broadcast.models import Draft
    from bot.models import Target
    from bot.settings import Settings
    from bot.store.base import utcnow
    from tests.bot.broadcast.subscribers import add_subscribers

    config = Settings(_env_file=None, **settings)
    app = await build_app(config, platforms=platform_capabilities(config))
    try:
        chats = [str(FIRST_SUBSCRIBER + n) for n in range(recipients)]
        await add_subscribers(app.services.sessions, "telegram", chats, now=utcnow())
        server.enforce(TelegramLimits())  # the real limits, judged by the fake from now on
        before = server.delivered_total  # the answers delivered so far count there too
        await app.services.broadcasts.submit(
            Draft(text="Registration for the ESER annual meeting is open."),
            organiser=Target.parse(ORGANISER),
            report_to=None,
        )
        await server.wait_for_deliveries(before + recipients, seconds=recipients / 10 + 60)
    finally:
        await app.close()
    times = sorted(call.at for chat in chats for call in server.messages_to(int(chat)))
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    twice = sum(1 for chat in chats if len(server.messages_to(int(chat))) > 1)
    rate_limited = sum(server.rate_limited.values())
    return (
        f"broadcast with 2 replicas: {len(times)}/{recipients} delivered at {rate:.1f} messages/s = "
        f"{rate / TELEGRAM_LIMIT:.0%} of {TELEGRAM_LIMIT:.0f}/s; "
        f"429s {rate_limited}, recipients twice {twice}"
    )


def print_table(rows: list[Figures], cores: int) -> None:
    """The figures, one line per configuration."""
    print(f"\nmachine: {cores} cores; CPU in cores used over the load (1.00 = one core busy)")
    print(
        f"{'configuration':<16} {'answers/s':>9} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'CPU per replica':<24} {'RSS MB per replica':<24}"
    )
    for row in rows:
        cpu = " ".join(f"{value:.2f}" for value in row.cpu)
        rss = " ".join(f"{value:.0f}" for value in row.rss)
        print(
            f"{row.name:<16} {row.answers / row.elapsed:>9.1f} {row.p50 * 1000:>7.0f} {row.p95 * 1000:>7.0f} "
            f"{cpu:<24} {rss:<24}"
        )


async def main(args: argparse.Namespace) -> None:
    from tests.bot.store.postgres import create_database, drop_database, url_of

    logging.basicConfig(level=logging.WARNING)
    counts = [int(value) for value in args.replicas.split(",")]
    rows: list[Figures] = []
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="eser-bench-replicas-") as folder:
        work = Path(folder)
        async with FakeTelegramServer() as server:
            base = {
                **os.environ,
                "ESER_CONTENT_DIRS": str(args.content.resolve()),
                "TELEGRAM_BOT_TOKEN": server.token,
                "TELEGRAM_API_BASE_URL": server.base_url,
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/updates",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                "ESER_QUOTA_QUESTIONS": "100000",  # the load is many questions from few members
                "ESER_ORGANISERS": ORGANISER,
                "ESER_LEADER_LEASE_SECONDS": "5",
            }
            if args.embeddings:
                base["ESER_EMBEDDINGS"] = args.embeddings
            sqlite_env = {**base, "ESER_DATA_DIR": str(work / "sqlite")}
            sqlite, replicas = await run_configuration("sqlite-1", 1, sqlite_env, work, server, args)
            stop_replicas(replicas)
            rows.append(sqlite)
            print(f"sqlite-1 done ({sqlite.answers} answers)", flush=True)
            name = create_database()  # a throwaway database, never the shared one
            try:
                with chroma_server(work / "chroma-server", timeout=120) as chroma:
                    pg_env = {
                        **base,
                        "DATABASE_URL": url_of(name),
                        "CHROMA_HOST": chroma.host,
                        "CHROMA_PORT": str(chroma.port),
                    }
                    for count in counts:
                        label = f"postgres-{count}"
                        env = {**pg_env, "ESER_DATA_DIR": str(work / label)}
                        figures, replicas = await run_configuration(label, count, env, work, server, args)
                        try:
                            rows.append(figures)
                            print(f"{label} done ({figures.answers} answers)", flush=True)
                            if count == 2 and args.recipients:
                                settings = {**_settings_of(env), "ESER_DATA_DIR": str(work / "submitter")}
                                lines.append(await broadcast(server, settings, args.recipients))
                                server.enforce(None)
                        finally:
                            stop_replicas(replicas)
            finally:
                drop_database(name)
    print_table(rows, os.cpu_count() or 1)
    for row in rows:
        print(
            f"{row.name}: {row.answers} answers in {row.elapsed:.1f} s; "
            f"all replicas ready after {row.ready:.0f} s"
        )
    for line in lines:
        print(line)


def _settings_of(env: dict[str, str]) -> dict[str, Any]:
    keys = (
        "DATABASE_URL",
        "CHROMA_HOST",
        "CHROMA_PORT",
        "ESER_CONTENT_DIRS",
        "ESER_ORGANISERS",
        "ESER_EMBEDDINGS",
    )
    return {key: env[key] for key in keys if key in env}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--replicas", default="1,2,4", help="PostgreSQL replica counts (default 1,2,4)")
    parser.add_argument("--members", type=int, default=20, help="concurrent members (default 20)")
    parser.add_argument(
        "--questions", type=int, default=120, help="questions per configuration (default 120)"
    )
    parser.add_argument("--recipients", type=int, default=600, help="broadcast recipients (default 600)")
    parser.add_argument("--quick", action="store_true", help="2 replicas only, 6 questions, 40 recipients")
    add_knowledge_arguments(parser)
    options = parser.parse_args()
    if options.quick:
        options.replicas, options.members, options.questions, options.recipients = "2", 3, 6, 40
    asyncio.run(main(options))
