"""``serve_platforms``: both runners together on the fakes, graceful stop, and settings errors
(the ``eser-bot serve`` command's own checks are in tests/bot/cli/test_serve.py)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from adapters.serve import serve_platforms
from bot.app import App
from bot.errors import ConfigError
from tests.conftest import CONTENT
from tests.fakes.slack_server import BOT_TOKEN, SIGNING_SECRET, SlackDeliverer, dm_channel, running_fake_slack
from tests.fakes.telegram_server import FakeTelegramServer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_serves_both_platforms_and_stops_gracefully(app: App) -> None:
    async with FakeTelegramServer() as telegram, running_fake_slack() as slack:
        port = _free_port()
        settings = app.services.settings.model_copy(
            update={
                "telegram_bot_token": telegram.token,
                "telegram_api_base_url": telegram.base_url,
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": SIGNING_SECRET,
                "slack_api_url": slack.base_url,
                "http_host": "127.0.0.1",
                "http_port": port,
                "content_dirs": [CONTENT],
            }
        )
        stop = asyncio.Event()
        serving = asyncio.create_task(serve_platforms(settings, ["telegram", "slack"], stop=stop, app=app))
        try:
            await _exchange(app, telegram, slack, port)
        finally:
            stop.set()
            await asyncio.wait_for(serving, 30)
    assert serving.exception() is None


async def _exchange(app: App, telegram: FakeTelegramServer, slack, port: int) -> None:  # type: ignore[no-untyped-def]
    await telegram.wait_for("getUpdates", 1)  # polling has begun
    assert set(app.services.senders) == {"telegram", "slack"}

    telegram.enqueue(telegram.updates.private_message(4242, "What is the Social Economy Gateway?"))
    deliverer = SlackDeliverer(f"http://127.0.0.1:{port}/slack/events", slack)
    delivery = await deliverer.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": dm_channel("U77"),
            "user": "U77",
            "text": "What is the Social Economy Gateway?",
            "ts": deliverer.next_ts(),
        }
    )
    assert delivery.status == 200
    [tg_answer] = await telegram.wait_for("sendMessage", 1)
    await slack.wait_for(
        lambda fake: any("Gateway" in str(call.params.get("text")) for call in fake.messages())
    )
    await deliverer.close()
    assert "social-economy-gateway" in str(tg_answer.params["text"])


async def test_missing_token_stops_before_any_network_call(app: App) -> None:
    settings = app.services.settings.model_copy(update={"telegram_bot_token": "", "content_dirs": [CONTENT]})
    with pytest.raises(ConfigError) as error:
        await serve_platforms(settings, ["telegram"], stop=asyncio.Event(), app=app)
    assert error.value.setting == "TELEGRAM_BOT_TOKEN"
