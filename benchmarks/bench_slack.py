"""Slack Events API throughput and latency benchmark (a script, not a test).

Builds the app on the shipped knowledge base in a temporary data folder and starts the
``SlackRunner`` in HTTP mode on 127.0.0.1; the fake Slack Web API and the members run in a process
of their own (``platform_side.py``), so that the figures are the bot's own. 50 members send 200
signed events in all (their questions from ``knowledge/eval/questions.yaml``, alternately as a DM
and as an ``app_mention`` in a channel, each member with the Slack locale of their question's
language). Each member waits for an answer before asking the next question; the 50 members run
concurrently.

Prints answers per second, p50/p95 time from the POST to the first ``chat.postMessage`` for that
event, the HTTP acknowledgement latency p50/p99 (Slack wants it under 3 s; the target is under 1 s
while answers are still being computed), where the time of an event goes and the database
statements per question, the bare rate of the knowledge engine on the same questions in this
process (what ``eser-bot ask --json -`` does) and the ratio of the two, peak memory (maxrss) and
the answers delivered (must be 200).

Run: ``.venv/bin/python benchmarks/bench_slack.py`` (``--members 3 --questions 6`` for a short run;
``--content DIR`` indexes another content root, ``--embeddings SPEC`` picks the model, else
``ESER_EMBEDDINGS`` or the product default does; ``--index-cache DIR`` keeps the index between runs;
``--path-only`` answers every question with a copy of one answer computed before, so that the
figures are the message path's own). It also prints the CPU time per answer of the bot's process and
of the platform side, and how many cores were busy.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import tempfile
from pathlib import Path
from typing import Any

from common import (
    PlatformSide,
    add_knowledge_arguments,
    add_path_only_argument,
    answer_instantly,
    app_on_shipped_knowledge,
    bare_rate,
    knowledge_settings,
    load_questions,
    measure,
    percentile,
    print_breakdown,
    print_cpu,
    print_rates,
)

from adapters.slack.app import SlackRunner
from bot.settings import Settings
from tests.fakes.slack_server import BOT_TOKEN, SIGNING_SECRET


async def main(
    members: int,
    questions_total: int,
    knowledge: dict[str, Any],
    ack_target: float = 1.0,
    index_cache: Path | None = None,
    path_only: bool = False,
) -> None:
    logging.basicConfig(level=logging.WARNING)
    pool = load_questions()
    asked = [pool[i % len(pool)] for i in range(questions_total)]
    per_member = [asked[i::members] for i in range(members)]
    side = PlatformSide("slack", per_member)
    try:
        fake = await side.start()
        with tempfile.TemporaryDirectory(prefix="eser-bench-slack-") as data_dir:
            settings = Settings(
                _env_file=None,
                ESER_DATA_DIR=data_dir,
                **knowledge,
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=fake["base_url"],
                ESER_HTTP_HOST="127.0.0.1",
                ESER_HTTP_PORT=0,
            )
            app = await app_on_shipped_knowledge(settings, index_cache)
            try:
                bare = None if path_only else await bare_rate(app, asked)
                if path_only:
                    await answer_instantly(app)
                runner = SlackRunner(app, settings)
                await runner.start()
                measure(app)
                try:
                    result = await side.run(runner.url)
                finally:
                    await runner.stop()
            finally:
                await app.close()
    finally:
        await side.close()
    report_results(result, members, questions_total, bare, ack_target)
    print_breakdown(app, questions_total)
    print_cpu(result, len(result["latencies"]))
    check_results(result, questions_total, ack_target)


def report_results(
    result: dict[str, Any], members: int, questions_total: int, bare: float | None, ack_target: float = 1.0
) -> None:
    """Print the figures the platform side measured beside the bare rate."""
    latencies: list[float] = result["latencies"]
    acks: list[float] = result["acks"]
    elapsed: float = result["elapsed"]
    rate = len(latencies) / elapsed
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"events sent:           {questions_total} from {members} concurrent members (DMs and mentions)")
    print(f"answers delivered:     {len(latencies)} ({result['delivered']} chat.postMessage calls)")
    print(f"elapsed:               {elapsed:.2f} s")
    print_rates(rate, bare)
    print(
        f"POST -> first message: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
    )
    print(
        f"HTTP ack latency:      p50 {percentile(acks, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(acks, 0.99) * 1000:.1f} ms, max {max(acks) * 1000:.1f} ms"
    )
    print(f"peak memory (maxrss):  {peak_mb:.0f} MB (the bot's process)")
    print(f"Web API calls:         {result['calls']}")


def check_results(result: dict[str, Any], questions_total: int, ack_target: float) -> None:
    """Exit non-zero when an answer is missing or the p99 ack is over ``ack_target`` seconds."""
    latencies: list[float] = result["latencies"]
    if len(latencies) != questions_total:
        raise SystemExit(f"only {len(latencies)} of {questions_total} answers were delivered")
    if percentile(result["acks"], 0.99) >= ack_target:
        raise SystemExit(f"p99 ack latency is over the {ack_target:g} s target")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--members", type=int, default=50, help="concurrent members (default 50)")
    parser.add_argument("--questions", type=int, default=200, help="events in all (default 200)")
    parser.add_argument(
        "--ack-target",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="exit non-zero when the p99 ack latency is not under this (default 1)",
    )
    add_knowledge_arguments(parser)
    add_path_only_argument(parser)
    options = parser.parse_args()
    asyncio.run(
        main(
            options.members,
            options.questions,
            knowledge_settings(options),
            options.ack_target,
            options.index_cache,
            options.path_only,
        )
    )
