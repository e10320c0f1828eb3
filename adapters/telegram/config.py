"""The Telegram settings, checked before any network call; each problem names the setting to fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.settings import Settings

# "<bot id>:<secret>" as @BotFather hands it out, e.g. 123456789:AAE3abc-DEF_ghi... (35 characters).
TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
# What setWebhook accepts as secret_token.
SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class TelegramConfig:
    """Validated Telegram settings.

    Attributes:
        token: The bot token.
        api_base_url: Bot API URL the token is appended to (python-telegram-bot ``base_url``).
        webhook_url: Public HTTPS URL Telegram posts updates to; empty for long polling.
        webhook_secret: Secret Telegram sends in ``X-Telegram-Bot-Api-Secret-Token``.
        webhook_listen: Address the webhook server binds.
        webhook_port: Port the webhook server binds (0 picks a free one).
    """

    token: str
    api_base_url: str
    webhook_url: str
    webhook_secret: str
    webhook_listen: str
    webhook_port: int

    @property
    def use_webhook(self) -> bool:
        """True when updates arrive by webhook rather than long polling."""
        return bool(self.webhook_url)

    @property
    def webhook_path(self) -> str:
        """The path the webhook server answers on: the path of the public URL (a proxy keeps it)."""
        return urlsplit(self.webhook_url).path.strip("/")

    @property
    def file_base_url(self) -> str:
        """The matching file-download URL (``.../bot`` -> ``.../file/bot``)."""
        base = self.api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramConfig:
        """Check the Telegram settings.

        Raises:
            ConfigError: Naming the first setting that is missing or malformed.
        """
        token = settings.telegram_bot_token.strip()
        if not token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN", "is not set; create a bot with @BotFather (/newbot) and paste its token"
            )
        if not TOKEN.match(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN",
                "does not look like a bot token (expected '<digits>:<secret>', such as 123456:ABC-DEF...); "
                "copy it again from @BotFather",
            )
        base = settings.telegram_api_base_url.strip()
        if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
            raise ConfigError(
                "TELEGRAM_API_BASE_URL",
                f"is not an http(s) URL: {base!r} (default https://api.telegram.org/bot)",
            )
        webhook_url = settings.telegram_webhook_url.strip()
        secret = settings.telegram_webhook_secret.strip()
        if webhook_url:
            if urlsplit(webhook_url).scheme not in ("http", "https") or not urlsplit(webhook_url).netloc:
                raise ConfigError("TELEGRAM_WEBHOOK_URL", f"is not an https URL: {webhook_url!r}")
            if not secret:
                raise ConfigError(
                    "TELEGRAM_WEBHOOK_SECRET",
                    "is required with TELEGRAM_WEBHOOK_URL, so that only Telegram can post updates; "
                    "choose 1-256 characters from A-Z, a-z, 0-9, _ and -",
                )
            if not SECRET.match(secret):
                raise ConfigError(
                    "TELEGRAM_WEBHOOK_SECRET", "may only hold 1-256 characters from A-Z, a-z, 0-9, _ and -"
                )
        if not 0 <= settings.telegram_webhook_port <= 65535:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_PORT", f"is not a port number: {settings.telegram_webhook_port}"
            )
        return cls(
            token=token,
            api_base_url=base,
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=settings.telegram_webhook_listen,
            webhook_port=settings.telegram_webhook_port,
        )
