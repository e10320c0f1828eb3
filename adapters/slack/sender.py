"""Delivering rendered replies through the Slack Web API: ``bot.delivery.Sender`` for messages the
core sends on its own (broadcasts, onboarding DMs), and in-context replies to events, slash commands
and button presses (ephemeral messages, ``response_url`` answers, file uploads).

Every SDK failure leaves this module as a ``bot.delivery.DeliveryError``; the client has already
retried rate limits, server errors and dropped connections by then (see ``adapters.slack.retry``).
A message Slack refuses for its blocks (``invalid_blocks``) is sent again as plain text with the
links inline (``render_plain``), keeping the callback buttons, then without any blocks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.render import SlackMessage, render_plain, render_reply
from adapters.slack.retry import retry_after_seconds
from bot.delivery import (
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    RecipientGone,
    SentMessage,
    TransientDeliveryError,
)
from bot.i18n import Catalogue
from bot.models import Attachment, Reply, Target
from bot.timing import stage

log = logging.getLogger(__name__)

GONE_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "account_inactive",
        "user_not_found",
        "user_disabled",
    }
)
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
# Slack refused the message's blocks, not the message: plain text will do.
REFUSED_BLOCKS = ("invalid_blocks", "invalid_blocks_format")
T = TypeVar("T")


def refused_blocks(error: DeliveryError) -> bool:
    """True when Slack refused a message because of its blocks."""
    return isinstance(error, PermanentDeliveryError) and any(code in str(error) for code in REFUSED_BLOCKS)


def delivery_error(error: Exception) -> DeliveryError:
    """Translate a slack_sdk / aiohttp failure into the core's ``DeliveryError`` family."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error") or "")
        status = error.response.status_code
        if status == 429 or code == "ratelimited":
            headers = {name: value for name, value in (error.response.headers or {}).items()}
            wait = retry_after_seconds(HttpResponse(status_code=429, headers=headers))
            return RateLimited(1.0 if wait is None else wait)
        if code in GONE_ERRORS:
            return RecipientGone(code)
        if status >= 500 or code in TRANSIENT_ERRORS:
            return TransientDeliveryError(code or f"HTTP {status}")
        return PermanentDeliveryError(code or f"HTTP {status}")
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError):
        return TransientDeliveryError(f"{type(error).__name__}: {error}")
    if isinstance(error, SlackClientError):
        return PermanentDeliveryError(str(error))
    return PermanentDeliveryError(f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class Origin:
    """Where an answer goes: the conversation an event came from.

    Attributes:
        channel: Channel or DM id of the event.
        user: The member who acted (recipient of ephemeral messages).
        event_id: The event's id, for the logs.
        response_url: Slack's reply URL of a slash command or button press, if any.
        via_response_url: Answer privately through ``response_url`` (a slash command used outside
            the member's DM with the bot, where a visible answer would speak for them).
        files_channel: Where attachments of a private answer go (the member's DM with the bot).
    """

    channel: str
    user: str
    event_id: str
    response_url: str | None = None
    via_response_url: bool = False
    files_channel: str | None = None


class SlackSender:
    """Posts replies with the bot's Web API client.

    Args:
        client: The bot's ``AsyncWebClient`` (its retry handlers and session are reused for
            ``response_url`` calls).
        catalogue: For the "Sources" heading and notes in the reply's language.
    """

    platform = "slack"

    def __init__(self, client: AsyncWebClient, catalogue: Catalogue) -> None:
        self._client = client
        self._catalogue = catalogue

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        """Post ``reply`` to a channel, or to a member's DM when ``target.chat_id`` is a user id.

        Raises:
            DeliveryError: ``RateLimited``, ``RecipientGone``, ``TransientDeliveryError`` or
                ``PermanentDeliveryError``.
        """
        ts = await self.post(target.chat_id, reply)
        if reply.attachments:
            await self.upload(target.chat_id, reply.thread_id, reply.attachments)
        return SentMessage(target=target, message_id=ts)

    async def reply(self, origin: Origin, reply: Reply) -> None:
        """Deliver ``reply`` in the conversation of ``origin``.

        Visible replies are posted (in the reply's thread); ephemeral ones go to the member only.
        When the bot cannot post there (not a member of the channel) and Slack gave a
        ``response_url``, the member gets the answer privately through it instead.

        Raises:
            DeliveryError: When it could not be delivered at all.
        """
        with stage("platform"):
            await self._reply(origin, reply)

    async def _reply(self, origin: Origin, reply: Reply) -> None:
        if origin.via_response_url and origin.response_url:
            await self._respond(origin, reply)
            return
        try:
            if reply.ephemeral:
                await self.post_ephemeral(origin.channel, origin.user, reply)
            else:
                await self.post(origin.channel, reply)
        except RecipientGone:
            if not origin.response_url:
                raise
            log.info(
                "cannot post in %s for event %s; answering via response_url", origin.channel, origin.event_id
            )
            await self._respond(origin, reply)
            return
        if reply.attachments:
            channel = origin.files_channel if reply.ephemeral else origin.channel
            if channel:
                await self.upload(channel, None if reply.ephemeral else reply.thread_id, reply.attachments)

    async def publish_home(self, user_id: str, view: Mapping[str, Any]) -> None:
        """``views.publish`` the member's App Home tab."""
        try:
            await self._client.views_publish(user_id=user_id, view=dict(view))
        except Exception as error:
            raise delivery_error(error) from error

    def render(self, reply: Reply, notes: Sequence[str] = ()) -> SlackMessage:
        """``reply`` as Block Kit, with the "Sources" heading in the reply's language."""
        with stage("rendering"):
            return render_reply(
                reply, sources_label=self._catalogue.text("answer.sources", reply.language), notes=notes
            )

    async def _with_fallbacks(
        self, reply: Reply, send: Callable[[SlackMessage], Awaitable[T]], notes: Sequence[str] = ()
    ) -> T:
        """``send`` the Block Kit message; if Slack refuses its blocks, the plain-text fallbacks."""
        try:
            return await send(self.render(reply, notes))
        except DeliveryError as error:
            if not refused_blocks(error):
                raise
            log.warning("Slack refused a message's blocks (%s); sending it as plain text", error)
        plain = render_plain(reply, sources_label=self._catalogue.text("answer.sources", reply.language))
        try:
            return await send(plain)
        except DeliveryError as error:
            if not refused_blocks(error) or not plain.blocks:
                raise
        return await send(SlackMessage(text=plain.text))

    async def post(self, channel: str, reply: Reply) -> str:
        """``chat.postMessage``; returns the message ``ts``."""

        async def send(message: SlackMessage) -> str:
            try:
                response = await self._client.chat_postMessage(
                    channel=channel,
                    text=message.text,
                    blocks=message.blocks or None,
                    thread_ts=reply.thread_id,
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except Exception as error:
                raise delivery_error(error) from error
            return str(response.get("ts") or "")

        return await self._with_fallbacks(reply, send)

    async def post_ephemeral(self, channel: str, user: str, reply: Reply) -> str:
        """``chat.postEphemeral`` to ``user``; returns the ``message_ts``."""

        async def send(message: SlackMessage) -> str:
            try:
                response = await self._client.chat_postEphemeral(
                    channel=channel,
                    user=user,
                    text=message.text,
                    blocks=message.blocks or None,
                    thread_ts=reply.thread_id,
                )
            except Exception as error:
                raise delivery_error(error) from error
            return str(response.get("message_ts") or "")

        return await self._with_fallbacks(reply, send)

    async def upload(self, channel: str, thread_ts: str | None, attachments: Sequence[Attachment]) -> None:
        """Upload files with the files upload v2 flow (get URL, upload, complete) to ``channel``."""
        uploads = [{"content": a.content, "filename": a.filename, "title": a.filename} for a in attachments]
        try:
            await self._client.files_upload_v2(file_uploads=uploads, channel=channel, thread_ts=thread_ts)
        except Exception as error:
            raise delivery_error(error) from error

    async def _respond(self, origin: Origin, reply: Reply) -> None:
        notes: list[str] = []
        if reply.attachments and origin.files_channel:
            notes = [
                self._catalogue.text("slack.file_in_dm", reply.language, filename=a.filename)
                for a in reply.attachments
            ]
        webhook = AsyncWebhookClient(
            str(origin.response_url),
            session=self._client.session,
            retry_handlers=self._client.retry_handlers,
            timeout=self._client.timeout,
        )

        async def send(message: SlackMessage) -> None:
            try:
                response = await webhook.send(
                    text=message.text,
                    blocks=message.blocks or None,
                    response_type="ephemeral",
                    replace_original=False,
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except Exception as error:
                raise delivery_error(error) from error
            if response.status_code == 429:
                raise RateLimited(1.0)
            if response.status_code >= 500:
                raise TransientDeliveryError(f"response_url: HTTP {response.status_code}")
            if response.status_code != 200:
                raise PermanentDeliveryError(f"response_url: HTTP {response.status_code} {response.body}")

        await self._with_fallbacks(reply, send, notes)
        if reply.attachments and origin.files_channel:
            await self.upload(origin.files_channel, None, reply.attachments)
