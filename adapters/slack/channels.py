"""Who manages a Slack channel, for the core's channel subscriptions (``bot.channels.ChannelAuthority``).

Slack's own "channel manager" role is not readable through the Web API outside Enterprise Grid, so
the bot counts as managers the people Slack lets manage any channel: the channel's creator
(``conversations.info``) and workspace admins and owners (``users.info``). A DM or group DM has no
manager. Both answers are asked fresh on every check (a demoted admin loses the right at once); any
error refuses and is logged.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class SlackChannelAuthority:
    """Channel managers on Slack: the channel's creator and workspace admins/owners.

    Args:
        client: The bot's Web API client (scopes ``channels:read``, ``groups:read``, ``users:read``).
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def can_manage(self, chat_id: str, user_id: str) -> bool:
        """True when ``user_id`` created channel ``chat_id`` or administers the workspace."""
        try:
            channel = (await self._client.conversations_info(channel=chat_id)).get("channel") or {}
            if channel.get("is_im") or channel.get("is_mpim"):
                return False
            if channel.get("creator") == user_id:
                return True
            user = (await self._client.users_info(user=user_id)).get("user") or {}
        except SlackApiError as error:
            log.warning(
                "slack channel check of %s in %s failed: %s", user_id, chat_id, error.response.get("error")
            )
            return False
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
