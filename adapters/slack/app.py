"""The Slack runner: slack-bolt ``AsyncApp`` wiring, the HTTP endpoint or the Socket Mode
connection, and a clean start and stop.

Every listener starts a tracked task and acknowledges, with no database or model work in between,
so Slack gets its answer within milliseconds while the core works on the reply; the task records
the payload in the core's inbox first (``adapters.slack.intake``) and marks the event done once its
replies are sent. ``stop()`` stops taking events and then waits for those tasks,
and an event a killed process left unanswered is answered after the restart (the inbox hands it
back), or when Slack retries it — once either way.

The HTTP endpoint checks the signature itself before bolt sees a request (``adapters.slack.verify``):
forged or malformed requests get 401 or 400, never 500, and their bodies are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine, Mapping
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from adapters.health import add_health_routes, app_probe
from adapters.slack.channels import SlackChannelAuthority
from adapters.slack.config import EVENTS_PATH, SlackConfig
from adapters.slack.connect import authenticate, socket_url
from adapters.slack.handlers import SlackHandlers
from adapters.slack.http import events_endpoint
from adapters.slack.intake import SlackIntake
from adapters.slack.retry import RetryPolicy, retry_handlers
from adapters.slack.sender import SlackSender
from adapters.slack.translate import (
    CALLBACK_ACTION_PREFIX,
    LINK_ACTION_PREFIX,
    BotIdentity,
    split_command,
)
from adapters.slack.users import SlackUsers
from adapters.web import mount_organisers
from bot.app import App
from bot.questions import QUESTION_COMMANDS
from bot.settings import Settings

log = logging.getLogger(__name__)

SLASH_COMMAND = "/eser"
ACK_LANGUAGE_WAIT = 1.0  # seconds the slash-command ack waits for the member's locale


class SlackRunner:
    """Runs ESER Assistant on Slack (implements ``adapters.PlatformRunner``).

    Args:
        app: The core app; its ``services.senders["slack"]`` is set to this runner's sender and its
            ``services.channel_authorities["slack"]`` to the channel-manager check.
        settings: ``SLACK_*`` and ``ESER_HTTP_*`` settings.
        retry: Retry limits of Web API calls (defaults of ``RetryPolicy`` when None).

    Raises:
        ConfigError: A token or the signing secret is missing or malformed (no network used).
    """

    platform = "slack"

    def __init__(self, app: App, settings: Settings, *, retry: RetryPolicy | None = None) -> None:
        self.config = SlackConfig.from_settings(settings)
        self.core = app
        self.client = AsyncWebClient(
            token=self.config.bot_token,
            base_url=self.config.api_url,
            retry_handlers=retry_handlers(retry or RetryPolicy()),
            logger=logging.getLogger("slack_sdk.web"),
        )
        self.sender = SlackSender(self.client, app.services.catalogue)
        self.users = SlackUsers(self.client)
        self.registered_sender = app.signing(self.sender)
        app.services.senders["slack"] = self.registered_sender
        app.services.channel_authorities["slack"] = SlackChannelAuthority(self.client)
        self.identity: BotIdentity | None = None
        self._handlers: SlackHandlers | None = None
        self._intake: SlackIntake | None = None
        self._bolt: AsyncApp | None = None
        self._http: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._accepting = False

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``socket`` when ``SLACK_APP_TOKEN`` is set, else ``http``."""
        return "socket" if self.config.socket_mode else "http"

    @property
    def port(self) -> int:
        """The port the HTTP endpoint is bound to (useful with ``ESER_HTTP_PORT=0``)."""
        if self._http is None or not self._http.addresses:
            raise RuntimeError("the Slack HTTP endpoint is not running")
        return int(self._http.addresses[0][1])

    @property
    def url(self) -> str:
        """The local URL of the Events API endpoint."""
        host = self.config.http_host if self.config.http_host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        return f"http://{host}:{self.port}{EVENTS_PATH}"

    async def start(self) -> None:
        """Check the token with ``auth.test``, then serve HTTP or connect Socket Mode.

        Raises:
            ConfigError: Slack rejected ``SLACK_BOT_TOKEN`` (or ``SLACK_APP_TOKEN``).
        """
        if self._bolt is not None:
            raise RuntimeError("the Slack runner is already started")
        self.client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.client.timeout))
        try:
            self.identity = await authenticate(self.client)
            self._handlers = SlackHandlers(self.core, self.sender, self.users, self.identity)
            self._intake = SlackIntake(self.core, self._handlers, self.identity.team_id, self._spawn)
            self._bolt = self._build_bolt(self.identity)
            self.core.inbox.serve(self._intake.prefix, self._intake.replay)
            if self.config.socket_mode:
                await self._connect_socket_mode(self._bolt)
            else:
                await self._serve_http(self._bolt)
        except BaseException:
            if self._intake is not None:
                self.core.inbox.withdraw(self._intake.prefix)
            await self._close_session()
            self._bolt = None
            raise
        log.info("Slack runner started in %s mode as %s", self.mode, self.identity.user_id)

    async def stop(self, grace_seconds: float | None = None) -> None:
        """Stop taking events, finish the answers in flight, then disconnect.

        Args:
            grace_seconds: Longest wait for answers in flight (None: wait for all); the rest are
                cancelled.
        """
        self._accepting = False
        if self._intake is not None:
            self.core.inbox.withdraw(self._intake.prefix)
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._http is not None:
            await self._http.cleanup()
            self._http = None
        await self.wait_idle(grace_seconds)
        await self._close_session()
        self._bolt = None
        log.info("Slack runner stopped")

    async def wait_idle(self, grace_seconds: float | None = None) -> None:
        """Wait until every event taken so far has been answered (or ``grace_seconds`` passed, after
        which the remaining answers are cancelled and logged)."""
        while self._tasks:
            pending = list(self._tasks)
            _, still_running = await asyncio.wait(pending, timeout=grace_seconds)
            if still_running:
                log.error(
                    "cancelling %d Slack answers still running after %ss", len(still_running), grace_seconds
                )
                for task in still_running:
                    task.cancel()
                await asyncio.gather(*still_running, return_exceptions=True)
                return

    # --- wiring -----------------------------------------------------------------------------

    def _build_bolt(self, identity: BotIdentity) -> AsyncApp:
        # Bolt authorizes every request; answering from the auth.test made at start keeps network
        # calls out of the acknowledgement path (bolt's own lazy auth.test would run inside it, once
        # per concurrent request of a burst). Bolt's client gets the token from this result, so it
        # is built without one (a token beside ``authorize`` only makes bolt log that it ignores it).
        authorized = AuthorizeResult(
            enterprise_id=None,
            team_id=identity.team_id or None,
            bot_user_id=identity.user_id,
            bot_id=identity.bot_id or None,
            bot_token=self.config.bot_token,
        )

        async def authorize() -> AuthorizeResult:
            return authorized

        bolt_client = AsyncWebClient(
            base_url=self.config.api_url,
            session=self.client.session,
            retry_handlers=self.client.retry_handlers,
            logger=self.client.logger,
        )
        bolt = AsyncApp(
            name="eser-assistant",
            client=bolt_client,
            authorize=authorize,
            signing_secret=self.config.signing_secret,
            # Listeners only start a task, so running them before the response keeps the ack fast
            # and lets the runner track every answer (bolt's own background futures are untracked).
            process_before_response=True,
            request_verification_enabled=not self.config.socket_mode,
            logger=logging.getLogger("slack_bolt"),
        )
        bolt.event("app_mention")(self._on_message)
        bolt.event("message")(self._on_message)
        bolt.event("app_home_opened")(self._on_home_opened)
        bolt.event("team_join")(self._on_member_joined)
        bolt.event("member_joined_channel")(self._on_member_joined)
        bolt.command(SLASH_COMMAND)(self._on_command)
        bolt.action(re.compile(f"^{re.escape(CALLBACK_ACTION_PREFIX)}"))(self._on_callback)
        bolt.action(re.compile(f"^{re.escape(LINK_ACTION_PREFIX)}"))(self._on_link)
        return bolt

    async def _serve_http(self, bolt: AsyncApp) -> None:
        endpoint = events_endpoint(bolt, self.config.signing_secret, lambda: self._accepting)
        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, endpoint)
        add_health_routes(web_app, app_probe(self.core, lambda: self._accepting))
        mount_organisers(web_app, self.core.web)
        self._http = web.AppRunner(web_app, handle_signals=False, access_log=None)
        await self._http.setup()
        self._accepting = True
        await web.TCPSite(self._http, self.config.http_host, self.config.http_port).start()

    async def _connect_socket_mode(self, bolt: AsyncApp) -> None:
        url = await socket_url(self.client, self.config.app_token)
        self._socket = AsyncSocketModeHandler(bolt, app_token=self.config.app_token, web_client=self.client)
        self._socket.client.wss_uri = url  # use the URL just issued instead of asking again
        self._accepting = True
        await self._socket.connect_async()

    async def _close_session(self) -> None:
        if self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    # --- listeners: record, start a task, acknowledge ----------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None], event_id: object) -> None:
        # Called before the acknowledgement leaves, so every acknowledged event is tracked by
        # ``wait_idle`` (and therefore finished by ``stop``).
        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("slack event %s failed; no reply was sent", event_id)

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _require_handlers(self) -> SlackHandlers:
        if self._handlers is None:
            raise RuntimeError("the Slack runner is not started")
        return self._handlers

    def _require_intake(self) -> SlackIntake:
        if self._intake is None:
            raise RuntimeError("the Slack runner is not started")
        return self._intake

    async def _on_message(self, body: dict[str, Any]) -> None:
        await self._require_intake().take(
            "event", body, body.get("event_id"), (body.get("event") or {}).get("user")
        )

    async def _on_home_opened(self, body: dict[str, Any]) -> None:
        # Publishing the Home tab again is harmless: no inbox record needed.
        self._spawn(self._require_handlers().home_opened(body), body.get("event_id"))

    async def _on_member_joined(self, body: dict[str, Any]) -> None:
        user = (body.get("event") or {}).get("user")
        joined = user.get("id") if isinstance(user, dict) else user
        await self._require_intake().take("joined", body, body.get("event_id"), joined)

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        handlers = self._require_handlers()
        command, _ = split_command(str(body.get("text") or ""), handlers.commands)
        if command in QUESTION_COMMANDS:
            try:
                language = await asyncio.wait_for(
                    handlers.language(str(body.get("user_id"))), ACK_LANGUAGE_WAIT
                )
            except Exception:  # too slow or failed: the acknowledgement must not wait for it
                language = "en"
            text = self.core.services.catalogue.text("slack.looking_up", language)
            await ack(text=text, response_type="ephemeral")
        else:
            await ack()
        # Recorded and started after ack() so that "Looking that up…" is on its way before the
        # answer; bolt sends the response only when this listener returns, so both are done by then.
        await self._require_intake().take("command", body, body.get("trigger_id"), body.get("user_id"))

    async def _on_callback(self, ack: AsyncAck, body: dict[str, Any], action: Mapping[str, Any]) -> None:
        user = (body.get("user") or {}).get("id")
        await ack()
        await self._require_intake().take("action", body, body.get("trigger_id"), user)

    async def _on_link(self, ack: AsyncAck) -> None:
        # Link buttons open their URL in the browser; Slack still expects the click acknowledged.
        await ack()
