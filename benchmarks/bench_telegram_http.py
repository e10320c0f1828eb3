"""Telegram Bot API calls over aiohttp and over httpx: CPU per call (a script, not a test).

python-telegram-bot sends through a ``BaseRequest``; the runner uses ``AiohttpRequest``
(``adapters/telegram/aiohttp_request.py``) instead of the library's ``HTTPXRequest``. This sends
``sendMessage`` calls through a real ``telegram.Bot`` on each to the fake Bot API in this process,
first one after the other and then ``--concurrent`` at a time (where httpx's connection pool walks
every pooled connection for each request), and prints the process's CPU per call, client and
server together (the server's share is the same for both).

Run: ``.venv/bin/python benchmarks/bench_telegram_http.py`` (``--calls``, ``--concurrent``).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from common import ROOT  # noqa: F401 - puts the repository root on sys.path for the imports below
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from adapters.telegram.aiohttp_request import AiohttpRequest
from tests.fakes.telegram_server import FakeTelegramServer

TEXT = "An answer of a few lines, with its sources [1] and [2]. " * 6


async def cpu_per_call(
    server: FakeTelegramServer, request: BaseRequest, calls: int, concurrent: int
) -> float:
    """Milliseconds of the process's CPU per ``sendMessage`` through ``request``."""
    async with Bot(server.token, base_url=server.base_url, request=request) as bot:
        for chat in range(20):  # connections opened, code paths warm
            await bot.send_message(chat + 1, TEXT)
        started = time.process_time()
        for start in range(0, calls, concurrent):
            batch = range(start, min(calls, start + concurrent))
            await asyncio.gather(*(bot.send_message(n % 1000 + 1, TEXT) for n in batch))
        return (time.process_time() - started) / calls * 1000


async def main(calls: int, concurrent: int) -> None:
    async with FakeTelegramServer() as server:
        for label, width in (("one at a time", 1), (f"{concurrent} at a time", concurrent)):
            aiohttp_ms = await cpu_per_call(server, AiohttpRequest(), calls, width)
            httpx_ms = await cpu_per_call(server, HTTPXRequest(connection_pool_size=256), calls, width)
            print(
                f"{label:>16}: aiohttp {aiohttp_ms:.2f} ms, httpx {httpx_ms:.2f} ms of CPU per call "
                f"({httpx_ms / aiohttp_ms:.1f}x)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=1000, help="sendMessage calls per client (default 1000)")
    parser.add_argument("--concurrent", type=int, default=50, help="calls at a time in the second round (50)")
    options = parser.parse_args()
    asyncio.run(main(options.calls, options.concurrent))
