"""The platform's side of the Telegram and Slack benchmarks, in a process of its own.

The fake platform server (``tests/fakes``) and the simulated members run here, so that their work
never shares a core's time slice or an event loop with the bot: the benchmark's figures are the
bot's own. The benchmark script (``common.PlatformSide``) talks to this process over stdin/stdout,
one JSON object per line:

1. it sends ``{"platform": "telegram"|"slack", "per_member": [[[text, language], ...], ...]}``;
   this process starts the fake server and answers ``{"base_url": ..., "token": ...}``;
2. it sends ``{"url": ...}`` (the bot's endpoint); the members send their questions there, each
   waiting for the answer before the next, and this process answers with the figures
   (``elapsed``, ``latencies``, ``acks``, ``delivered``, ``calls``, and ``cpu``: the seconds of CPU
   this process spent meanwhile);
3. it closes stdin; this process stops the server and exits.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import aiohttp
from common import PIPE_LINE_LIMIT, AnswerClock

from tests.fakes.slack_server import BOT_USER_ID, FakeSlack, SlackDeliverer, dm_channel
from tests.fakes.telegram_server import FakeTelegramServer

TELEGRAM_SECRET = "bench-secret"
FIRST_TELEGRAM_MEMBER = 900_001
SLACK_LOCALES = {"en": "en-GB", "fr": "fr-FR", "de": "de-DE", "es": "es-ES", "it": "it-IT", "pl": "pl-PL"}
SLACK_CHANNELS = ("CBENCH1", "CBENCH2", "CBENCH3", "CBENCH4", "CBENCH5")
Plan = list[list[tuple[str, str]]]


def slack_user(index: int) -> str:
    """The Slack id of member ``index``."""
    return f"UBENCH{index:03d}"


async def telegram_load(server: FakeTelegramServer, url: str, plan: Plan) -> dict[str, Any]:
    """Members posting webhook updates, each waiting for a ``sendMessage`` to their chat."""
    clock = AnswerClock()

    def on_call(call: Any) -> None:
        if call.method == "sendMessage" and call.status == 200:
            clock.record(str(call.params["chat_id"]), call.at)

    server.listeners.append(on_call)
    latencies: list[float] = []
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}

    async def member(index: int, questions: list[tuple[str, str]], session: aiohttp.ClientSession) -> None:
        user_id = FIRST_TELEGRAM_MEMBER + index
        for text, language in questions:
            update = server.updates.private_message(user_id, text, language=language)
            started = time.monotonic()
            async with session.post(url, json=update, headers=headers) as response:
                if response.status != 200:
                    raise RuntimeError(f"webhook answered {response.status}")
            latencies.append(await clock.first_after(str(user_id), started) - started)

    connector = aiohttp.TCPConnector(limit=max(1, len(plan)))
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.monotonic()
        await asyncio.gather(*(member(i, questions, session) for i, questions in enumerate(plan)))
        elapsed = time.monotonic() - started
    delivered = sum(len(arrivals) for arrivals in clock.arrivals.values())
    return {"elapsed": elapsed, "latencies": latencies, "acks": [], "delivered": delivered}


async def slack_load(fake: FakeSlack, url: str, plan: Plan) -> dict[str, Any]:
    """Members sending signed events (alternately a DM and a mention), each waiting for the answer."""
    clock = AnswerClock()

    def on_call(call: Any) -> None:
        if call.method == "chat.postMessage" and call.response.get("ok"):
            clock.record(f"{call.params['channel']}:{call.params.get('thread_ts') or ''}", call.at)

    fake.listeners.append(on_call)
    slack = SlackDeliverer(url, fake)
    latencies: list[float] = []
    acks: list[float] = []

    async def member(index: int, questions: list[tuple[str, str]]) -> None:
        user = slack_user(index)
        for number, (text, _) in enumerate(questions):
            ts = slack.next_ts()
            if (index + number) % 2 == 0:
                event = {"type": "message", "channel_type": "im", "channel": dm_channel(user), "user": user}
                key = f"{dm_channel(user)}:"
            else:
                channel = SLACK_CHANNELS[index % len(SLACK_CHANNELS)]
                event = {"type": "app_mention", "channel": channel, "user": user}
                text = f"<@{BOT_USER_ID}> {text}"
                key = f"{channel}:{ts}"
            event.update({"text": text, "ts": ts})
            started = time.monotonic()
            delivery = await slack.event(event)
            if delivery.status != 200:
                raise RuntimeError(f"the endpoint answered {delivery.status}: {delivery.body}")
            acks.append(delivery.seconds)
            latencies.append(await clock.first_after(key, started) - started)

    try:
        started = time.monotonic()
        await asyncio.gather(*(member(i, questions) for i, questions in enumerate(plan)))
        elapsed = time.monotonic() - started
    finally:
        await slack.close()
    posted = [call for call in fake.calls_of("chat.postMessage") if call.response.get("ok")]
    return {"elapsed": elapsed, "latencies": latencies, "acks": acks, "delivered": len(posted)}


async def read_line(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next JSON object from the benchmark, None once it closed stdin."""
    line = await reader.readline()
    return json.loads(line) if line.strip() else None


def write(value: dict[str, Any]) -> None:
    """One JSON object to the benchmark."""
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


async def main() -> None:
    reader = asyncio.StreamReader(limit=PIPE_LINE_LIMIT)
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    request = await read_line(reader)
    if request is None:
        return
    plan: Plan = [[(text, language) for text, language in questions] for questions in request["per_member"]]
    if request["platform"] == "telegram":
        async with FakeTelegramServer() as server:
            write({"base_url": server.base_url, "token": server.token})
            go = await read_line(reader)
            if go is not None:
                cpu = time.process_time()
                figures = await telegram_load(server, go["url"], plan)
                write({**figures, "calls": len(server.calls), "cpu": time.process_time() - cpu})
                await read_line(reader)
        return
    fake = FakeSlack()
    for index, questions in enumerate(plan):
        language = questions[0][1] if questions else "en"
        fake.add_user(slack_user(index), locale=SLACK_LOCALES.get(language, "en-GB"))
    await fake.start()
    try:
        write({"base_url": fake.base_url})
        go = await read_line(reader)
        if go is not None:
            cpu = time.process_time()
            figures = await slack_load(fake, go["url"], plan)
            write({**figures, "calls": len(fake.calls), "cpu": time.process_time() - cpu})
            await read_line(reader)
    finally:
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
