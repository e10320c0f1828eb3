"""The two calls that tell whether Slack accepts the tokens: ``auth.test`` for the bot token and
``apps.connections.open`` for the app-level token; a refusal is a ``ConfigError`` naming the setting."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.translate import BotIdentity
from bot.errors import ConfigError

AUTH_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)


async def authenticate(client: AsyncWebClient) -> BotIdentity:
    """Who the bot is in its workspace (``auth.test``).

    Raises:
        ConfigError: Slack rejected ``SLACK_BOT_TOKEN``.
    """
    try:
        response = await client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error")
        if code in AUTH_ERRORS:
            raise ConfigError(
                "SLACK_BOT_TOKEN",
                f"was rejected by Slack's auth.test ({code}); reinstall the app and copy its token",
            ) from None
        raise
    return BotIdentity(
        user_id=str(response.get("user_id") or ""),
        bot_id=str(response.get("bot_id") or ""),
        team_id=str(response.get("team_id") or ""),
    )


async def socket_url(client: AsyncWebClient, app_token: str) -> str:
    """A Socket Mode websocket URL (``apps.connections.open``).

    Raises:
        ConfigError: Slack rejected ``SLACK_APP_TOKEN``.
    """
    try:
        opened = await client.apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        code = error.response.get("error")
        if code in AUTH_ERRORS:
            raise ConfigError(
                "SLACK_APP_TOKEN",
                f"was rejected by Slack ({code}); create an app-level token with connections:write",
            ) from None
        raise
    return str(opened["url"])
