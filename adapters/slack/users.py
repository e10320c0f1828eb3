"""What the adapter looks up about members once and then remembers for the runner's life: their
Slack locale (the language hint), whether they are a bot, and the id of their DM with the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class SlackUser:
    """What ``users.info`` told about a member.

    Attributes:
        id: Their user id.
        locale: Their Slack locale (``fr-FR``), if Slack gave one.
        is_bot: True for bot users and apps.
    """

    id: str
    locale: str | None = None
    is_bot: bool = False


class SlackUsers:
    """Cached ``users.info`` and ``conversations.open`` look-ups.

    Concurrent look-ups of the same member share one API call. An answer from Slack (even an error
    such as ``user_not_found``) is remembered; a network failure is not, so the next event retries.

    Args:
        client: The bot's Web API client.
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._profiles: dict[str, asyncio.Task[SlackUser]] = {}
        self._dms: dict[str, asyncio.Task[str]] = {}

    async def profile(self, user_id: str) -> SlackUser:
        """The member's profile (an empty one when Slack would not tell)."""
        return await self._cached(self._profiles, user_id, self._fetch_profile)

    async def locale(self, user_id: str) -> str | None:
        """The member's Slack locale, e.g. ``fr-FR``."""
        return (await self.profile(user_id)).locale

    async def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM with the member (opened when needed).

        Raises:
            SlackApiError: When Slack refuses to open it.
        """
        return await self._cached(self._dms, user_id, self._open_dm)

    def known_dm(self, user_id: str) -> str | None:
        """The member's DM id if it was already looked up (no API call)."""
        task = self._dms.get(user_id)
        if task is None or not task.done() or task.cancelled() or task.exception() is not None:
            return None
        return task.result()

    async def _cached(
        self, cache: dict[str, asyncio.Task[T]], user_id: str, fetch: Callable[[str], Awaitable[T]]
    ) -> T:
        task = cache.get(user_id)
        if task is None:
            task = asyncio.ensure_future(fetch(user_id))
            cache[user_id] = task
        try:
            # Shielded: one caller giving up (a timeout) must not cancel the others' look-up.
            return await asyncio.shield(task)
        except Exception:
            if cache.get(user_id) is task and task.done():
                del cache[user_id]
            raise

    async def _fetch_profile(self, user_id: str) -> SlackUser:
        try:
            response = await self._client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            log.warning(
                "users.info for %s failed (%s); no language hint", user_id, error.response.get("error")
            )
            return SlackUser(id=user_id)
        user = response.get("user") or {}
        return SlackUser(id=user_id, locale=user.get("locale") or None, is_bot=bool(user.get("is_bot")))

    async def _open_dm(self, user_id: str) -> str:
        response = await self._client.conversations_open(users=user_id)
        return str((response.get("channel") or {})["id"])
