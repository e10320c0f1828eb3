"""The Slack settings, checked before any network call so a typo fails fast and names its setting."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import ConfigError
from bot.settings import Settings

BOT_TOKEN_PREFIX = "xoxb-"
APP_TOKEN_PREFIX = "xapp-"
EVENTS_PATH = "/slack/events"


@dataclass(frozen=True)
class SlackConfig:
    """Validated Slack settings.

    Attributes:
        bot_token: ``SLACK_BOT_TOKEN`` (``xoxb-...``).
        signing_secret: ``SLACK_SIGNING_SECRET``; needed in HTTP mode only.
        app_token: ``SLACK_APP_TOKEN`` (``xapp-...``); when set, the runner uses Socket Mode.
        api_url: ``SLACK_API_URL``, the Web API base URL ending in ``/``.
        http_host: ``ESER_HTTP_HOST``, the address the HTTP endpoint binds.
        http_port: ``ESER_HTTP_PORT`` (0 picks a free port).
    """

    bot_token: str
    signing_secret: str
    app_token: str
    api_url: str
    http_host: str
    http_port: int

    @property
    def socket_mode(self) -> bool:
        """True when events arrive over Socket Mode rather than HTTP."""
        return bool(self.app_token)

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackConfig:
        """Check the Slack settings.

        Raises:
            ConfigError: Naming the first setting that is missing or malformed.
        """
        bot_token = settings.slack_bot_token.strip()
        app_token = settings.slack_app_token.strip()
        secret = settings.slack_signing_secret.strip()
        if not bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN",
                "is not set; copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions",
            )
        _check_token("SLACK_BOT_TOKEN", bot_token, BOT_TOKEN_PREFIX, "Bot User OAuth Token")
        if app_token:
            _check_token(
                "SLACK_APP_TOKEN", app_token, APP_TOKEN_PREFIX, "App-Level Token (connections:write)"
            )
        elif not secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET",
                "is required in HTTP mode; copy it from Basic Information > App Credentials "
                "(or set SLACK_APP_TOKEN to use Socket Mode instead)",
            )
        if secret and any(char.isspace() for char in secret):
            raise ConfigError("SLACK_SIGNING_SECRET", "contains spaces; paste the secret exactly as shown")
        api_url = settings.slack_api_url.strip()
        if not api_url.startswith(("https://", "http://")):
            raise ConfigError(
                "SLACK_API_URL", f"must be an http(s) URL such as https://slack.com/api/, not {api_url!r}"
            )
        if not 0 <= settings.http_port <= 65535:
            raise ConfigError("ESER_HTTP_PORT", f"must be a TCP port (0-65535), not {settings.http_port}")
        return cls(
            bot_token=bot_token,
            signing_secret=secret,
            app_token=app_token,
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            http_host=settings.http_host.strip() or "0.0.0.0",
            http_port=settings.http_port,
        )


def _check_token(setting: str, token: str, prefix: str, kind: str) -> None:
    if not token.startswith(prefix) or len(token) <= len(prefix) or any(char.isspace() for char in token):
        shown = token[: len(prefix)] + "..." if len(token) > len(prefix) else token
        raise ConfigError(setting, f"must be the {kind}, starting with '{prefix}' (got '{shown}')")
