"""The webhook endpoint: 403 without the secret, 400 for anything that is not an update (the right
secret or not), 200 once the update is queued — never 500, and never the body in the log."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from telegram import Bot, Update

from adapters.telegram.queue import DurableUpdateQueue
from adapters.telegram.webhook import SECRET_HEADER, WebhookServer, bind_listener
from tests.fakes.telegram_server import FakeTelegramServer

SECRET = "s3cret-webhook_token"


@pytest_asyncio.fixture
async def endpoint(telegram_server: FakeTelegramServer) -> AsyncIterator[tuple[str, DurableUpdateQueue]]:
    queue = DurableUpdateQueue()
    async with Bot(telegram_server.token, base_url=telegram_server.base_url) as bot:
        server = WebhookServer(bot, queue, "telegram/updates", SECRET)
        listener = bind_listener("127.0.0.1", 0)
        await server.start(listener)
        try:
            yield f"http://127.0.0.1:{listener.getsockname()[1]}/telegram/updates", queue
        finally:
            await server.stop()


async def post(url: str, body: bytes, secret: str | None, content_type: str = "application/json") -> int:
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'"an update"',
        b'{"message": {"text": "no update id"}}',
        b'{"update_id": "seven", "message": 5}',
        b"",
    ],
)
async def test_a_body_that_is_not_an_update_gets_400_even_with_the_secret(
    endpoint: tuple[str, DurableUpdateQueue], body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    url, queue = endpoint
    with caplog.at_level(logging.DEBUG):
        assert await post(url, body, SECRET) == 400
    assert queue.empty()
    text = body.decode("utf-8", errors="ignore")
    assert not [r for r in caplog.records if text and text in r.getMessage()]


async def test_a_missing_or_wrong_secret_gets_403_before_the_body_is_read(
    endpoint: tuple[str, DurableUpdateQueue], telegram_server: FakeTelegramServer
) -> None:
    url, queue = endpoint
    update = telegram_server.updates.private_message(601, "Hi")
    body = json.dumps(update).encode()
    assert await post(url, body, None) == 403
    assert await post(url, body, "wrong") == 403
    assert await post(url, b"{not json", "wrong") == 403
    assert queue.empty()


async def test_an_update_with_the_secret_is_queued(
    endpoint: tuple[str, DurableUpdateQueue], telegram_server: FakeTelegramServer
) -> None:
    url, queue = endpoint
    update = telegram_server.updates.private_message(602, "Hi")
    assert await post(url, json.dumps(update).encode(), SECRET) == 200
    queued = queue.get_nowait()
    assert isinstance(queued, Update) and queued.update_id == update["update_id"]
