"""Slack payloads through the core's inbox: acknowledged at once, recorded first thing in a tracked
task that then handles them, marked done once their replies are sent, and handled again after a
restart when a stopped process left them unanswered.

The acknowledgement does not wait for the record: under load a database write can take longer than
Slack's 3 seconds, and every retry Slack sends then is one more event to admit. The price is a
window of a few milliseconds, between the acknowledgement and the record, in which a process killed
loses the event (Slack does not retry an acknowledged one).

The inbox key is the payload's id within the workspace (``event_id`` for events, ``trigger_id`` for
slash commands and button presses), so a retry Slack sends for an event whose first attempt never
finished is answered — once — while a retry of an answered event is dropped.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from adapters.slack.handlers import SlackHandlers
from adapters.slack.translate import CALLBACK_ACTION_PREFIX, event_key
from bot.app import App
from bot.store.database import is_unavailable
from bot.store.inbox import Abandoned

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None], object], None]
PLATFORM = "slack"


class SlackIntake:
    """Admits payloads and runs their handlers.

    Args:
        core: The core app (its inbox).
        handlers: What each kind of payload is handed to.
        team_id: The workspace (scopes the keys).
        spawn: Starts a task the runner tracks (so that ``stop`` waits for it).
    """

    def __init__(self, core: App, handlers: SlackHandlers, team_id: str, spawn: Spawn) -> None:
        self._core = core
        self._handlers = handlers
        self._team_id = team_id
        self._spawn = spawn

    @property
    def prefix(self) -> str:
        """The start of this workspace's inbox keys."""
        return event_key(self._team_id, "")

    async def take(self, kind: str, body: Mapping[str, Any], delivery_id: object, user: object) -> None:
        """Start handling a payload of ``kind`` (``event``, ``command``, ``action``, ``joined``):
        returns at once, so that the acknowledgement waits for no database (Slack retries what is
        not acknowledged within 3 seconds, and a busy database must not make it retry).

        The task records the payload in the inbox first and drops it there if it is a repeat."""
        # Slack always sends these ids; without one, a key of its own: never taken for another's.
        key = event_key(self._team_id, str(delivery_id or f"unnamed-{uuid.uuid4().hex}"))
        self._spawn(self._admitted(kind, body, key, str(user or "")), key)

    async def _admitted(self, kind: str, body: Mapping[str, Any], key: str, user: str) -> None:
        payload = json.dumps({"kind": kind, "body": body})
        try:
            fresh = await self._core.inbox.admit(key, platform=PLATFORM, user_id=user, payload=payload)
        except Exception as error:  # answer it all the same, without the guarantee
            if is_unavailable(error):
                log.warning("slack event %s taken without the inbox: database unreachable", key)
            else:
                log.exception("slack event %s taken without the inbox", key)
            fresh = True
        if fresh:
            await self._work(kind, body, key)

    async def replay(self, item: Abandoned) -> None:
        """Handle a payload a stopped process left unanswered (the inbox handed it back)."""
        data = json.loads(item.payload)
        self._spawn(self._work(str(data.get("kind")), data.get("body") or {}, item.key), item.key)

    async def _work(self, kind: str, body: Mapping[str, Any], key: str) -> None:
        try:
            if kind == "event":
                await self._handlers.event(body, key)
            elif kind == "command":
                await self._handlers.command(body, key)
            elif kind == "action":
                action = next(
                    (
                        action
                        for action in body.get("actions") or []
                        if str(action.get("action_id", "")).startswith(CALLBACK_ACTION_PREFIX)
                    ),
                    None,
                )
                if action is not None:
                    await self._handlers.action(body, action, key)
            elif kind == "joined":
                await self._handlers.member_joined(body, key)
        finally:
            await self._core.inbox.done(key)
