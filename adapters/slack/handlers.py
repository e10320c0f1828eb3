"""What the Slack runner does with each acknowledged payload: translate it, add the member's
language hint, let the core answer, and deliver the replies where the member will see them.

Runs after the acknowledgement (in a task the runner tracks), so nothing here is on Slack's
3-second clock. Each payload comes with its inbox key, which becomes the message's ``event_id``.
Failures are logged with the event id; nothing is dropped silently.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from adapters.slack.render import render_home
from adapters.slack.sender import Origin, SlackSender
from adapters.slack.translate import (
    BotIdentity,
    action_channel,
    joined_user,
    translate_action,
    translate_command,
    translate_event,
    welcome_message,
)
from adapters.slack.users import SlackUsers
from bot.app import App
from bot.commands import MEMBER_COMMANDS, ORGANISER_COMMANDS
from bot.delivery import DeliveryError
from bot.i18n import preferred_language
from bot.models import IncomingMessage, command_prefix

log = logging.getLogger(__name__)


class SlackHandlers:
    """Processes acknowledged Slack payloads.

    Args:
        core: The core app.
        sender: Delivers the replies.
        users: Cached member look-ups.
        identity: The bot's identity from ``auth.test``.
    """

    def __init__(self, core: App, sender: SlackSender, users: SlackUsers, identity: BotIdentity) -> None:
        self.core = core
        self.sender = sender
        self.users = users
        self.identity = identity
        self.commands = frozenset(MEMBER_COMMANDS + ORGANISER_COMMANDS)

    async def language(self, user_id: str) -> str:
        """The language of the adapter's own texts for a member: their profile's, else Slack's."""
        member = await self.core.services.members.context("slack", user_id)
        return preferred_language(member.language, await self.hint(user_id))

    async def hint(self, user_id: str) -> str | None:
        """The member's Slack locale (``fr-FR``), or None when it cannot be looked up."""
        try:
            return await self.users.locale(user_id)
        except Exception as error:
            log.warning("no locale for slack user %s: %s", user_id, error)
            return None

    async def event(self, body: Mapping[str, Any], key: str) -> None:
        """An ``app_mention`` or ``message`` event (``key``: its inbox key)."""
        message = translate_event(
            body.get("event") or {},
            event_id=key,
            identity=self.identity,
            known_commands=self.commands,
        )
        if message is None:
            return
        await self.answer(
            message, Origin(channel=message.chat_id, user=message.user_id, event_id=message.event_id)
        )

    async def command(self, body: Mapping[str, Any], key: str) -> None:
        """A ``/eser`` slash command: answered visibly in the member's DM with the bot, privately
        (``response_url``, ephemeral) anywhere else."""
        user, channel = str(body.get("user_id") or ""), str(body.get("channel_id") or "")
        dm = await self._dm(user)
        in_bot_dm = dm is not None and dm == channel
        message = translate_command(body, known_commands=self.commands, in_bot_dm=in_bot_dm)
        message = message.model_copy(update={"event_id": key})
        origin = Origin(
            channel=channel,
            user=user,
            event_id=message.event_id,
            response_url=body.get("response_url"),
            via_response_url=not in_bot_dm,
            files_channel=dm,
        )
        await self.answer(message, origin)

    async def action(self, body: Mapping[str, Any], action: Mapping[str, Any], key: str) -> None:
        """A pressed callback button (👍/👎 and other choices the core offers)."""
        message = translate_action(body, action)
        if message is None:
            return
        message = message.model_copy(update={"event_id": key})
        is_ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
        origin = Origin(
            channel=action_channel(body) or message.chat_id,
            user=message.user_id,
            event_id=message.event_id,
            response_url=body.get("response_url"),
            via_response_url=is_ephemeral,
            files_channel=self.users.known_dm(message.user_id),
        )
        await self.answer(message, origin)

    async def home_opened(self, body: Mapping[str, Any]) -> None:
        """``app_home_opened`` on the Home tab: publish the guide in the member's language."""
        event = body.get("event") or {}
        user = event.get("user")
        if event.get("tab") != "home" or not user:
            return
        language = await self.language(user)
        text = self.core.services.catalogue.text
        cmd = command_prefix("slack")
        view = render_home(
            text("slack.home_title", language),
            [text("slack.home_intro", language, cmd=cmd), text("help.text", language, cmd=cmd)],
        )
        try:
            await self.sender.publish_home(user, view)
        except DeliveryError as error:
            log.error("slack event %s: App Home of %s not published: %s", body.get("event_id"), user, error)

    async def member_joined(self, body: Mapping[str, Any], key: str) -> None:
        """``team_join`` / ``member_joined_channel``: open a DM and let the core welcome the member."""
        event_id = key
        user = joined_user(body.get("event") or {}, self.identity)
        if user is None:
            return
        profile = await self.users.profile(user)
        if profile.is_bot:
            return
        dm = await self._dm(user)
        if dm is None:
            log.error("slack event %s: could not open a DM to welcome %s", event_id, user)
            return
        message = welcome_message(user, dm, event_id, profile.locale)
        await self.answer(message, Origin(channel=dm, user=user, event_id=event_id))

    async def answer(self, message: IncomingMessage, origin: Origin) -> None:
        """Let the core answer ``message`` and deliver every reply to ``origin``."""
        with self.core.timings.request(message.event_id):
            await self._answer(message, origin)

    async def _answer(self, message: IncomingMessage, origin: Origin) -> None:
        if message.language_hint is None:
            message = message.model_copy(update={"language_hint": await self.hint(message.user_id)})
        for reply in await self.core.answer(message):
            try:
                await self.sender.reply(origin, reply)
            except DeliveryError as error:
                log.error(
                    "slack event %s: reply not delivered to %s after retries (%s: %s)",
                    origin.event_id,
                    origin.channel,
                    type(error).__name__,
                    error,
                )

    async def _dm(self, user: str) -> str | None:
        try:
            return await self.users.dm_channel(user)
        except Exception as error:
            log.warning("conversations.open for slack user %s failed: %s", user, error)
            return None
