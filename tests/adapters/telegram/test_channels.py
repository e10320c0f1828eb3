"""Group managers on Telegram, asked of the fake Bot API with ``getChatMember``: the creator and
administrators manage a group; members and errors do not."""

from __future__ import annotations

import logging

import pytest
from telegram import Bot

from adapters.telegram.channels import TelegramChannelAuthority
from bot.app import App
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.telegram_updates import GROUP_ID
from tests.scenarios.telegram_driver import telegram_driver


@pytest.mark.parametrize(
    ("status", "manages"),
    [("creator", True), ("administrator", True), ("member", False), ("left", False), (None, False)],
)
async def test_creator_and_administrators_manage(
    telegram_server: FakeTelegramServer, status: str | None, manages: bool
) -> None:
    if status:
        telegram_server.set_member_status(GROUP_ID, 5001, status)
    async with Bot(telegram_server.token, base_url=telegram_server.base_url) as bot:
        assert await TelegramChannelAuthority(bot).can_manage(str(GROUP_ID), "5001") is manages
    [call] = telegram_server.calls_to("getChatMember")
    assert (call.params["chat_id"], call.params["user_id"]) == (str(GROUP_ID), "5001")


async def test_errors_refuse_and_are_logged(
    telegram_server: FakeTelegramServer, caplog: pytest.LogCaptureFixture
) -> None:
    telegram_server.fail("getChatMember", 400, "Bad Request: chat not found")
    async with Bot(telegram_server.token, base_url=telegram_server.base_url) as bot:
        authority = TelegramChannelAuthority(bot)
        with caplog.at_level(logging.WARNING, logger="adapters.telegram.channels"):
            assert not await authority.can_manage("-42", "5001")
            assert not await authority.can_manage("@somechannel", "5001")
    assert "chat not found" in caplog.text.lower()
    assert len(telegram_server.calls_to("getChatMember", ok_only=False)) == 1


async def test_the_runner_registers_its_authority_while_running(app: App) -> None:
    async with telegram_driver(app) as driver:
        assert app.services.channel_authorities["telegram"] is driver.runner.channel_authority
    assert "telegram" not in app.services.channel_authorities
