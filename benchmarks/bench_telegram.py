"""Telegram webhook throughput and latency benchmark (a script, not a test).

Builds the app on the shipped knowledge base in a temporary data folder, starts the fake Bot API
server and the ``TelegramRunner`` in webhook mode, then 50 members send 200 questions in all (taken
from ``knowledge/eval/questions.yaml``, in their own languages) as webhook POSTs. Each member waits
for an answer before asking the next question, the 50 members run concurrently.

Prints answers per second, p50/p95 time from the POST to the first ``sendMessage`` in that chat,
peak memory (maxrss) and the number of answers delivered (must be 200).

Run: ``.venv/bin/python benchmarks/bench_telegram.py`` (``--members 3 --questions 6`` for a short run;
``--content DIR`` indexes another content root, ``--embeddings SPEC`` picks the model, else
``ESER_EMBEDDINGS`` or the product default does).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import tempfile
import time
from typing import Any

import aiohttp
from common import (
    AnswerClock,
    add_knowledge_arguments,
    app_on_shipped_knowledge,
    knowledge_settings,
    load_questions,
    percentile,
)

from adapters.telegram.app import TelegramRunner
from bot.settings import Settings
from tests.fakes.telegram_server import ApiCall, FakeTelegramServer

SECRET = "bench-secret"
WEBHOOK_PATH = "telegram/updates"
FIRST_MEMBER_ID = 900_001


def on_call(clock: AnswerClock, call: ApiCall) -> None:
    """Fake-server listener: note every delivered ``sendMessage``, by chat."""
    if call.method == "sendMessage" and call.status == 200:
        clock.record(str(call.params["chat_id"]), call.at)


async def member(
    index: int,
    questions: list[tuple[str, str]],
    server: FakeTelegramServer,
    session: aiohttp.ClientSession,
    url: str,
    clock: AnswerClock,
    latencies: list[float],
) -> None:
    """One member asking their questions one after the other."""
    user_id = FIRST_MEMBER_ID + index
    for text, language in questions:
        update = server.updates.private_message(user_id, text, language=language)
        started = time.monotonic()
        async with session.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}")
        answered = await clock.first_after(str(user_id), started)
        latencies.append(answered - started)


async def main(members: int, questions_total: int, knowledge: dict[str, Any]) -> None:
    logging.basicConfig(level=logging.WARNING)
    pool = load_questions()
    asked = [pool[i % len(pool)] for i in range(questions_total)]
    per_member = [asked[i::members] for i in range(members)]

    with tempfile.TemporaryDirectory(prefix="eser-bench-telegram-") as data_dir:
        async with FakeTelegramServer() as server:
            settings = Settings(
                _env_file=None,
                ESER_DATA_DIR=data_dir,
                **knowledge,
                TELEGRAM_BOT_TOKEN=server.token,
                TELEGRAM_API_BASE_URL=server.base_url,
                TELEGRAM_WEBHOOK_URL=f"https://bot.example.org/{WEBHOOK_PATH}",
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
                TELEGRAM_WEBHOOK_PORT=0,
            )
            app = await app_on_shipped_knowledge(settings)
            runner = TelegramRunner(app, settings)
            await runner.start()
            clock = AnswerClock()
            server.listeners.append(lambda call: on_call(clock, call))
            url = f"http://127.0.0.1:{runner.webhook_port}/{WEBHOOK_PATH}"
            latencies: list[float] = []
            try:
                connector = aiohttp.TCPConnector(limit=members)
                async with aiohttp.ClientSession(connector=connector) as session:
                    started = time.monotonic()
                    await asyncio.gather(
                        *(
                            member(i, questions, server, session, url, clock, latencies)
                            for i, questions in enumerate(per_member)
                        )
                    )
                    elapsed = time.monotonic() - started
            finally:
                await runner.stop()
                await app.close()

    answered_chats = sum(len(arrivals) for arrivals in clock.arrivals.values())
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"questions sent:        {questions_total} from {members} concurrent members (webhook)")
    print(f"answers delivered:     {len(latencies)} ({answered_chats} sendMessage calls)")
    print(f"elapsed:               {elapsed:.2f} s")
    print(f"answers per second:    {len(latencies) / elapsed:.1f}")
    print(f"POST -> first message: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"peak memory (maxrss):  {peak_mb:.0f} MB")
    if len(latencies) != questions_total:
        raise SystemExit(f"only {len(latencies)} of {questions_total} answers were delivered")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--members", type=int, default=50, help="concurrent members (default 50)")
    parser.add_argument("--questions", type=int, default=200, help="questions in all (default 200)")
    add_knowledge_arguments(parser)
    options = parser.parse_args()
    asyncio.run(main(options.members, options.questions, knowledge_settings(options)))
