"""Slack Events API throughput and latency benchmark (a script, not a test).

Builds the app on the shipped knowledge base in a temporary data folder, starts the fake Slack Web
API and the ``SlackRunner`` in HTTP mode on 127.0.0.1, then 50 members send 200 signed events in
all (their questions from ``knowledge/eval/questions.yaml``, alternately as a DM and as an
``app_mention`` in a channel, each member with the Slack locale of their question's language).
Each member waits for an answer before asking the next question; the 50 members run concurrently.

Prints answers per second, p50/p95 time from the POST to the first ``chat.postMessage`` for that
event, the HTTP acknowledgement latency p50/p99 (Slack wants it under 3 s; the target is under 1 s
while answers are still being computed), peak memory (maxrss) and the answers delivered (must be
200).

Run: ``.venv/bin/python benchmarks/bench_slack.py`` (``--members 3 --questions 6`` for a short run;
``--content DIR`` indexes another content root, ``--embeddings SPEC`` picks the model, else
``ESER_EMBEDDINGS`` or the product default does).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import tempfile
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from common import (
    AnswerClock,
    add_knowledge_arguments,
    app_on_shipped_knowledge,
    knowledge_settings,
    load_questions,
    percentile,
)

from adapters.slack.app import SlackRunner
from bot.settings import Settings
from tests.fakes.slack_server import (
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    ApiCall,
    FakeSlack,
    SlackDeliverer,
    dm_channel,
)

LOCALES = {"en": "en-GB", "fr": "fr-FR", "de": "de-DE", "es": "es-ES", "it": "it-IT", "pl": "pl-PL"}
CHANNELS = ("CBENCH1", "CBENCH2", "CBENCH3", "CBENCH4", "CBENCH5")
T = TypeVar("T")


def on_call(clock: AnswerClock, call: ApiCall) -> None:
    """Fake-server listener: note every delivered ``chat.postMessage``, by DM or channel thread."""
    if call.method == "chat.postMessage" and call.response.get("ok"):
        clock.record(f"{call.params['channel']}:{call.params.get('thread_ts') or ''}", call.at)


async def member(
    index: int,
    questions: list[tuple[str, str]],
    slack: SlackDeliverer,
    clock: AnswerClock,
    latencies: list[float],
    acks: list[float],
) -> None:
    """One member asking their questions one after the other, alternating DM and mention."""
    user = f"UBENCH{index:03d}"
    for number, (text, _) in enumerate(questions):
        ts = slack.next_ts()
        if (index + number) % 2 == 0:
            event = {"type": "message", "channel_type": "im", "channel": dm_channel(user), "user": user}
            key = f"{dm_channel(user)}:"
        else:
            channel = CHANNELS[index % len(CHANNELS)]
            event = {"type": "app_mention", "channel": channel, "user": user}
            text = f"<@{BOT_USER_ID}> {text}"
            key = f"{channel}:{ts}"
        event.update({"text": text, "ts": ts})
        started = time.monotonic()
        delivery = await slack.event(event)
        if delivery.status != 200:
            raise RuntimeError(f"the endpoint answered {delivery.status}: {delivery.body}")
        acks.append(delivery.seconds)
        answered = await clock.first_after(key, started)
        latencies.append(answered - started)


class SlackSide:
    """Slack's side (the fake Web API and the members' requests) on its own thread and event loop,
    so that the bot's work never delays the measuring client, as with the real Slack."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="slack-side", daemon=True)
        self._thread.start()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on Slack's loop and wait for it from the bot's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


async def start_fake() -> FakeSlack:
    fake = FakeSlack()
    await fake.start()
    return fake


async def load(
    fake: FakeSlack, url: str, per_member: list[list[tuple[str, str]]]
) -> tuple[float, list[float], list[float]]:
    """The members' traffic; returns the elapsed time, answer latencies and ack latencies."""
    clock = AnswerClock()
    fake.listeners.append(lambda call: on_call(clock, call))
    slack = SlackDeliverer(url, fake)
    latencies: list[float] = []
    acks: list[float] = []
    try:
        started = time.monotonic()
        await asyncio.gather(
            *(member(i, questions, slack, clock, latencies, acks) for i, questions in enumerate(per_member))
        )
        return time.monotonic() - started, latencies, acks
    finally:
        await slack.close()


async def main(
    members: int, questions_total: int, knowledge: dict[str, Any], ack_target: float = 1.0
) -> None:
    logging.basicConfig(level=logging.WARNING)
    pool = load_questions()
    asked = [pool[i % len(pool)] for i in range(questions_total)]
    per_member = [asked[i::members] for i in range(members)]
    side = SlackSide()
    fake = await side.run(start_fake())
    try:
        with tempfile.TemporaryDirectory(prefix="eser-bench-slack-") as data_dir:
            settings = Settings(
                _env_file=None,
                ESER_DATA_DIR=data_dir,
                **knowledge,
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=fake.base_url,
                ESER_HTTP_HOST="127.0.0.1",
                ESER_HTTP_PORT=0,
            )
            for index, questions in enumerate(per_member):
                language = questions[0][1] if questions else "en"
                fake.add_user(f"UBENCH{index:03d}", locale=LOCALES.get(language, "en-GB"))
            app = await app_on_shipped_knowledge(settings)
            runner = SlackRunner(app, settings)
            await runner.start()
            try:
                elapsed, latencies, acks = await side.run(load(fake, runner.url, per_member))
            finally:
                await runner.stop()
                await app.close()
    finally:
        await side.run(fake.stop())
        side.close()
    posted = len([call for call in fake.calls_of("chat.postMessage") if call.response.get("ok")])
    report_results(fake, members, questions_total, elapsed, latencies, acks, posted, ack_target)


def report_results(
    fake: FakeSlack,
    members: int,
    questions_total: int,
    elapsed: float,
    latencies: list[float],
    acks: list[float],
    posted: int,
    ack_target: float = 1.0,
) -> None:
    """Print the figures; exit non-zero when an answer is missing or the p99 ack is over
    ``ack_target`` seconds."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"events sent:           {questions_total} from {members} concurrent members (DMs and mentions)")
    print(f"answers delivered:     {len(latencies)} ({posted} chat.postMessage calls)")
    print(f"elapsed:               {elapsed:.2f} s")
    print(f"answers per second:    {len(latencies) / elapsed:.1f}")
    print(
        f"POST -> first message: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
    )
    print(
        f"HTTP ack latency:      p50 {percentile(acks, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(acks, 0.99) * 1000:.1f} ms, max {max(acks) * 1000:.1f} ms"
    )
    print(f"peak memory (maxrss):  {peak_mb:.0f} MB")
    print(f"Web API calls:         {len(fake.calls)}")
    if len(latencies) != questions_total:
        raise SystemExit(f"only {len(latencies)} of {questions_total} answers were delivered")
    if percentile(acks, 0.99) >= ack_target:
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
    options = parser.parse_args()
    asyncio.run(main(options.members, options.questions, knowledge_settings(options), options.ack_target))
