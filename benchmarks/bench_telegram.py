"""Telegram webhook throughput and latency benchmark (a script, not a test).

Builds the app on the shipped knowledge base in a temporary data folder and starts the
``TelegramRunner`` in webhook mode; the fake Bot API server and the members run in a process of
their own (``platform_side.py``), so that the figures are the bot's own. 50 members send 200
questions in all (taken from ``knowledge/eval/questions.yaml``, in their own languages) as webhook
POSTs; each member waits for an answer before asking the next question, the 50 run concurrently.

Prints answers per second, p50/p95 time from the POST to the first ``sendMessage`` in that chat,
where the time of a message goes (de-duplication, routing, profile and quota, retrieval,
composition, recording, rendering, platform calls) and the database statements per question, the
bare rate of the knowledge engine on the same questions in this process (what
``eser-bot ask --json -`` does) and the ratio of the two, peak memory (maxrss) and the number of
answers delivered (must be 200).

Run: ``.venv/bin/python benchmarks/bench_telegram.py`` (``--members 3 --questions 6`` for a short run;
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

from adapters.telegram.app import TelegramRunner
from bot.settings import Settings

SECRET = "bench-secret"  # platform_side.TELEGRAM_SECRET
WEBHOOK_PATH = "telegram/updates"


async def main(
    members: int,
    questions_total: int,
    knowledge: dict[str, Any],
    index_cache: Path | None = None,
    path_only: bool = False,
) -> None:
    logging.basicConfig(level=logging.WARNING)
    pool = load_questions()
    asked = [pool[i % len(pool)] for i in range(questions_total)]
    per_member = [asked[i::members] for i in range(members)]
    side = PlatformSide("telegram", per_member)
    try:
        server = await side.start()
        with tempfile.TemporaryDirectory(prefix="eser-bench-telegram-") as data_dir:
            settings = Settings(
                _env_file=None,
                ESER_DATA_DIR=data_dir,
                **knowledge,
                TELEGRAM_BOT_TOKEN=server["token"],
                TELEGRAM_API_BASE_URL=server["base_url"],
                TELEGRAM_WEBHOOK_URL=f"https://bot.example.org/{WEBHOOK_PATH}",
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
                TELEGRAM_WEBHOOK_PORT=0,
            )
            app = await app_on_shipped_knowledge(settings, index_cache)
            try:
                bare = None if path_only else await bare_rate(app, asked)
                if path_only:
                    await answer_instantly(app)
                runner = TelegramRunner(app, settings)
                await runner.start()
                measure(app)
                try:
                    result = await side.run(f"http://127.0.0.1:{runner.webhook_port}/{WEBHOOK_PATH}")
                finally:
                    await runner.stop()
            finally:
                await app.close()
    finally:
        await side.close()

    latencies: list[float] = result["latencies"]
    elapsed: float = result["elapsed"]
    rate = len(latencies) / elapsed
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"questions sent:        {questions_total} from {members} concurrent members (webhook)")
    print(f"answers delivered:     {len(latencies)} ({result['delivered']} sendMessage calls)")
    print(f"elapsed:               {elapsed:.2f} s")
    print_rates(rate, bare)
    print(f"POST -> first message: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print_breakdown(app, questions_total)
    print_cpu(result, len(latencies))
    print(f"peak memory (maxrss):  {peak_mb:.0f} MB (the bot's process)")
    if len(latencies) != questions_total:
        raise SystemExit(f"only {len(latencies)} of {questions_total} answers were delivered")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--members", type=int, default=50, help="concurrent members (default 50)")
    parser.add_argument("--questions", type=int, default=200, help="questions in all (default 200)")
    add_knowledge_arguments(parser)
    add_path_only_argument(parser)
    options = parser.parse_args()
    asyncio.run(
        main(
            options.members,
            options.questions,
            knowledge_settings(options),
            options.index_cache,
            options.path_only,
        )
    )
