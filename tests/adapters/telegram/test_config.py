"""``TelegramConfig``: every malformed Telegram setting is named before any network call."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.telegram.config import TelegramConfig
from bot.errors import ConfigError
from tests.conftest import make_settings
from tests.fakes.telegram_server import TOKEN


def config(tmp_path: Path, **env: object) -> TelegramConfig:
    return TelegramConfig.from_settings(make_settings(tmp_path, **env))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "   ",
        "123456",
        "ABC:DEF",
        "123456:short",
        "123456:ABC DEF with spaces in the token here",
        "bot" + TOKEN,
    ],
)
def test_missing_or_malformed_token_names_the_setting(tmp_path: Path, token: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config(tmp_path, TELEGRAM_BOT_TOKEN=token)
    assert caught.value.setting == "TELEGRAM_BOT_TOKEN"
    assert "@BotFather" in caught.value.problem


def test_polling_by_default(tmp_path: Path) -> None:
    checked = config(tmp_path, TELEGRAM_BOT_TOKEN=f"  {TOKEN}\n")
    assert checked.token == TOKEN and not checked.use_webhook
    assert checked.api_base_url == "https://api.telegram.org/bot"
    assert checked.file_base_url == "https://api.telegram.org/file/bot"


def test_webhook_settings(tmp_path: Path) -> None:
    checked = config(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram/hook",
        TELEGRAM_WEBHOOK_SECRET="s3cret_-X",
        TELEGRAM_WEBHOOK_LISTEN="0.0.0.0",
        TELEGRAM_WEBHOOK_PORT="8080",
    )
    assert checked.use_webhook and checked.webhook_path == "telegram/hook"
    assert (checked.webhook_secret, checked.webhook_listen, checked.webhook_port) == (
        "s3cret_-X",
        "0.0.0.0",
        8080,
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook"}, "TELEGRAM_WEBHOOK_SECRET"),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook", "TELEGRAM_WEBHOOK_SECRET": "has space"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        (
            {"TELEGRAM_WEBHOOK_URL": "bot.example.org/hook", "TELEGRAM_WEBHOOK_SECRET": "s"},
            "TELEGRAM_WEBHOOK_URL",
        ),
    ],
)
def test_bad_webhook_and_api_settings(tmp_path: Path, env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, **env)
    assert caught.value.setting == setting


def test_self_hosted_api_server_url(tmp_path: Path) -> None:
    checked = config(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:8081/bot")
    assert checked.file_base_url == "http://127.0.0.1:8081/file/bot"
