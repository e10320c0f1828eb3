"""A fake Slack for tests and benchmarks: the Web API the bot calls, and Slack's side of the
Events API (signed HTTP deliveries and a Socket Mode websocket) that calls the bot.

The Web API answers on ``http://127.0.0.1:<ephemeral port>/api/<method>`` like slack.com does
(HTTP 200 with ``{"ok": false, "error": ...}`` for API errors, 429 with ``Retry-After`` for rate
limits, ``invalid_blocks`` for blocks beyond Block Kit's limits), records every call, and can be told
to fail the next calls of a method or to be slow to answer one (``delays``). Nothing is mocked
inside the bot: slack_sdk and slack-bolt talk to this server over real HTTP.

For broadcasts it can also enforce ``chat.postMessage``'s limit of one message per second per
channel (``SlackLimits``, off by default) on a ``PacingClock``, answer for channels that were
archived, deleted or that the bot left, and count what each channel received.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bot.broadcast.clock import PacingClock, WallClock
from tests.fakes.limits import Spacing, whole_seconds
from tests.fakes.slack_blocks import VIEW_BLOCKS, block_problems

BOT_TOKEN = "xoxb-test-eser-bot"
APP_TOKEN = "xapp-test-eser-app"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_USER_ID = "UESERBOT"
BOT_ID = "BESERBOT"
TEAM_ID = "TESER"
APP_ID = "AESER"

# Methods whose blocks Slack checks against Block Kit's limits.
BLOCK_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update", "views.publish"})
# Methods whose calls are "messages the bot sent", in the order Slack would show them.
MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "response_url")
# Methods that post into a channel: a channel's state (archived, not found, left) refuses them.
CHANNEL_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "files.completeUploadExternal"}
)


@dataclass(frozen=True)
class SlackLimits:
    """Slack's posting limit, judged on the fake's ``PacingClock``.

    Attributes:
        post_message_interval: Least seconds between two delivered ``chat.postMessage`` calls to
            one channel (Slack allows "1 message per second per channel").
    """

    post_message_interval: float = 1.0


@dataclass
class ApiCall:
    """One request the bot made to the fake.

    Attributes:
        method: Web API method (``chat.postMessage``), ``upload`` or ``response_url``.
        params: Query, form and JSON parameters merged; ``blocks``/``files`` decoded from JSON text.
        token: The bearer token it carried.
        at: ``time.monotonic()`` when the fake received it.
        status: The HTTP status the fake answered with.
        response: The JSON the fake answered with.
    """

    method: str
    params: dict[str, Any]
    token: str
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fault:
    """How the next call of a method fails."""

    status: int = 200
    error: str | None = None
    retry_after: str | None = None


@dataclass
class FakeUser:
    """A workspace member as ``users.info`` describes them."""

    id: str
    locale: str = "en-US"
    is_bot: bool = False
    name: str = ""
    is_admin: bool = False
    is_owner: bool = False


class FakeSlack:
    """The fake Web API server plus Slack's side of Socket Mode.

    Use ``async with running_fake_slack() as fake`` (or the ``fake_slack`` pytest fixture).

    Args:
        limits: Posting limit to enforce; ``None`` (the default) enforces none.
        clock: Judges ``limits`` (``WallClock`` by default). ``Retry-After`` is in this clock's
            seconds, while slack_sdk's retry handler sleeps that many real seconds.
    """

    def __init__(self, *, limits: SlackLimits | None = None, clock: PacingClock | None = None) -> None:
        self.limits = limits
        self.clock: PacingClock = clock or WallClock()
        # Channel id -> the error every post there gets ("is_archived", "channel_not_found", ...).
        self.channel_errors: dict[str, str] = {}
        # Delivered chat.postMessage calls per channel, and 429s per channel.
        self.delivered: Counter[str] = Counter()
        self.delivered_total = 0
        self.rate_limited: Counter[str] = Counter()
        self._posts: dict[str, list[ApiCall]] = {}
        self._per_channel = (
            Spacing(limits.post_message_interval, self.clock)
            if limits is not None and limits.post_message_interval > 0
            else None
        )
        self.calls: list[ApiCall] = []
        self.users: dict[str, FakeUser] = {}
        # Channel id -> the user who created it (``conversations.info``'s ``creator``).
        self.channel_creators: dict[str, str] = {}
        self.valid_tokens = {BOT_TOKEN, APP_TOKEN}
        self.uploads: dict[str, bytes] = {}
        self.delays: dict[str, float] = {}
        # Block Kit limit violations found in the bot's messages (each refused with invalid_blocks).
        self.block_errors: list[str] = []
        # Requests received so far per method, counted on arrival (before any delay).
        self.started: Counter[str] = Counter()
        self.socket_acks: list[dict[str, Any]] = []
        self.listeners: list[Callable[[ApiCall], None]] = []
        self._faults: dict[str, deque[Fault]] = {}
        self._ts = itertools.count(1)
        self._files = itertools.count(1)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 and an ephemeral port."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{hook}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close websockets and stop listening."""
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """What ``SLACK_API_URL`` must be set to."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, hook: str) -> str:
        """A ``response_url`` for a slash command or an action, served by this fake."""
        return f"http://127.0.0.1:{self.port}/response/{hook}"

    # --- configuration ----------------------------------------------------------------------

    def add_user(self, user_id: str, *, locale: str = "en-US", is_bot: bool = False) -> FakeUser:
        """Make ``users.info`` know ``user_id``."""
        user = FakeUser(user_id, locale=locale, is_bot=is_bot, name=user_id.lower())
        self.users[user_id] = user
        return user

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Fail the next ``times`` calls of ``method``.

        Args:
            method: Web API method, or ``upload`` / ``response_url``.
            times: How many calls fail.
            status: HTTP status (429 for rate limits, 500 for server errors).
            error: The ``error`` code of the JSON body (``ratelimited`` by default for 429).
            retry_after: ``Retry-After`` header value in seconds (fractions allowed).
        """
        if status == 429 and error is None:
            error = "ratelimited"
        fault = Fault(
            status=status, error=error, retry_after=None if retry_after is None else f"{retry_after}"
        )
        self._faults.setdefault(method, deque()).extend(fault for _ in range(times))

    def archive(self, *channels: str) -> None:
        """Posts to these channels get ``is_archived``."""
        self.channel_errors.update(dict.fromkeys(channels, "is_archived"))

    def delete_channel(self, *channels: str) -> None:
        """Posts to these channels get ``channel_not_found``."""
        self.channel_errors.update(dict.fromkeys(channels, "channel_not_found"))

    def leave(self, *channels: str) -> None:
        """The bot is no member of these channels: posts get ``not_in_channel``."""
        self.channel_errors.update(dict.fromkeys(channels, "not_in_channel"))

    def restore_channel(self, channel: str) -> None:
        """``channel`` accepts posts again."""
        self.channel_errors.pop(channel, None)

    # --- inspection -------------------------------------------------------------------------

    def posts_to(self, channel: str) -> list[ApiCall]:
        """The ``chat.postMessage`` calls delivered to ``channel``, in order."""
        return list(self._posts.get(channel, ()))

    def duplicates(self, allowed: int = 1) -> dict[str, int]:
        """Channels that received more than ``allowed`` posts, with their counts (``{}`` when none)."""
        return {channel: count for channel, count in self.delivered.items() if count > allowed}

    async def wait_for_deliveries(self, count: int, within: float = 10.0) -> int:
        """Wait until at least ``count`` posts were delivered in all; return how many were."""
        await self.wait_for(lambda fake: fake.delivered_total >= count, within)
        return self.delivered_total

    def calls_of(self, method: str) -> list[ApiCall]:
        """Recorded calls of ``method`` (failed ones included)."""
        return [call for call in self.calls if call.method == method]

    def messages(self) -> list[ApiCall]:
        """Messages the bot delivered (successful postMessage, postEphemeral and response_url)."""
        return [call for call in self.calls if call.method in MESSAGE_METHODS and call.response.get("ok")]

    async def wait_for(self, predicate: Callable[[FakeSlack], bool], within: float = 10.0) -> None:
        """Wait until ``predicate(self)`` holds.

        Raises:
            TimeoutError: When it still does not hold after ``within`` seconds.
        """
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: predicate(self))

    async def wait_for_messages(self, count: int, within: float = 10.0) -> list[ApiCall]:
        """Wait until at least ``count`` messages were delivered; return them all."""
        await self.wait_for(lambda fake: len(fake.messages()) >= count, within)
        return self.messages()

    # --- Web API ----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        token = token or str(params.pop("token", ""))
        async with self._changed:
            self.started[method] += 1
            self._changed.notify_all()
        if method in self.delays:
            await asyncio.sleep(self.delays[method])
        status, body, headers = self._fault_for(method)
        if body is None:
            if token not in self.valid_tokens or (method == "apps.connections.open") != token.startswith(
                "xapp-"
            ):
                body = {"ok": False, "error": "invalid_auth"}
            elif (refusal := self._admit(method, params)) is not None:
                status, body, headers = refusal
            elif method in BLOCK_METHODS and self._invalid_blocks(params, method):
                body = {"ok": False, "error": "invalid_blocks"}
            else:
                body = self._answer(method, params, request)
        await self._record(ApiCall(method, params, token, time.monotonic(), status, body))
        return web.json_response(body, status=status, headers=headers)

    def _admit(
        self, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """The answer refusing this call (rate limit, channel state), or ``None`` to serve it."""
        channel = str(params.get("channel") or params.get("channel_id") or "")
        if method not in CHANNEL_METHODS or not channel:
            return None
        spacing = self._per_channel if method == "chat.postMessage" else None
        if spacing is not None and (wait := spacing.wait(channel)) > 0:
            self.rate_limited[channel] += 1
            headers = {"Retry-After": str(whole_seconds(wait))}
            return 429, {"ok": False, "error": "ratelimited"}, headers
        error = self.channel_errors.get(channel)
        if error is not None:
            return 200, {"ok": False, "error": error}, {}
        if spacing is not None:
            spacing.mark(channel)
        return None

    def _invalid_blocks(self, params: dict[str, Any], method: str) -> bool:
        """Whether the call's blocks break Block Kit's limits (recorded in ``block_errors``)."""
        if method == "views.publish":
            problems = block_problems((params.get("view") or {}).get("blocks", []), max_blocks=VIEW_BLOCKS)
        elif "blocks" in params:
            problems = block_problems(params["blocks"])
        else:
            return False
        self.block_errors.extend(problems)
        return bool(problems)

    def _fault_for(self, method: str) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        queue = self._faults.get(method)
        if not queue:
            return 200, None, {}
        fault = queue.popleft()
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        return fault.status, {"ok": False, "error": fault.error or "internal_error"}, headers

    def _answer(self, method: str, params: dict[str, Any], request: web.Request) -> dict[str, Any]:
        ts = f"{1_790_000_000 + next(self._ts)}.000100"
        channel = str(params.get("channel") or params.get("channel_id") or "")
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://eser.slack.com/",
                "team": "ESER",
                "user": "eser_assistant",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"text": params.get("text"), "ts": ts},
            }
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": params.get("ts"), "text": params.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "views.publish":
            return {"ok": True, "view": {"id": f"V{ts}", **(params.get("view") or {})}}
        if method == "conversations.open":
            users = str(params.get("users", ""))
            return {"ok": True, "channel": {"id": dm_channel(users)}}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            info: dict[str, Any] = {
                "id": user.id,
                "name": user.name,
                "is_bot": user.is_bot,
                "is_admin": user.is_admin,
                "is_owner": user.is_owner,
            }
            if str(params.get("include_locale")).lower() in ("1", "true"):
                info["locale"] = user.locale
            return {"ok": True, "user": info}
        if method == "conversations.info":
            return self._conversation_info(channel)
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._files):06d}"
            upload = f"http://127.0.0.1:{self.port}/upload/{file_id}"
            return {"ok": True, "upload_url": upload, "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": False, "error": "unknown_method"}

    def _conversation_info(self, channel: str) -> dict[str, Any]:
        if not channel or self.channel_errors.get(channel) == "channel_not_found":
            return {"ok": False, "error": "channel_not_found"}
        if channel.startswith("D"):
            return {"ok": True, "channel": {"id": channel, "is_im": True}}
        info = {
            "id": channel,
            "is_channel": not channel.startswith("G"),
            "is_private": channel.startswith("G"),
            "is_mpim": False,
            "creator": self.channel_creators.get(channel, ""),
            "is_member": channel not in self.channel_errors,
        }
        return {"ok": True, "channel": info}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        status, body, _ = self._fault_for("upload")
        if body is None:
            self.uploads[file_id] = data
        await self._record(
            ApiCall("upload", {"file_id": file_id, "length": len(data)}, "", time.monotonic(), status)
        )
        return web.Response(status=status, text=f"OK - {len(data)}", content_type="text/plain")

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await _params(request)
        params["hook"] = request.match_info["hook"]
        status, body, _ = self._fault_for("response_url")
        if body is None and "blocks" in params and self._invalid_blocks(params, "response_url"):
            status, body = 400, {"ok": False, "error": "invalid_blocks"}
        ok = body is None
        await self._record(ApiCall("response_url", params, "", time.monotonic(), status, {"ok": ok}))
        text = "ok" if ok else str((body or {}).get("error") or "error")
        return web.Response(status=status, text=text, content_type="text/plain")

    async def _record(self, call: ApiCall) -> None:
        async with self._changed:
            self.calls.append(call)
            if call.method == "chat.postMessage" and call.response.get("ok"):
                channel = str(call.params.get("channel", ""))
                self.delivered[channel] += 1
                self.delivered_total += 1
                self._posts.setdefault(channel, []).append(call)
            for listener in self.listeners:
                listener(call)
            self._changed.notify_all()

    # --- Socket Mode ------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}})
        self._socket_connected.set()
        try:
            async for frame in socket:
                if frame.type == aiohttp.WSMsgType.TEXT:
                    async with self._changed:
                        self.socket_acks.append(json.loads(frame.data))
                        self._changed.notify_all()
        finally:
            self._sockets.remove(socket)
        return socket

    async def send_envelope(self, envelope_type: str, payload: Mapping[str, Any], envelope_id: str) -> None:
        """Push a Socket Mode envelope (``events_api``, ``slash_commands``, ``interactive``)."""
        await asyncio.wait_for(self._socket_connected.wait(), 10)
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": dict(payload),
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(envelope)


def dm_channel(user_id: str) -> str:
    """The id of the bot's DM with ``user_id`` in the fake workspace."""
    return f"D{user_id}"


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            params.update(
                {key: value for key, value in (await request.post()).items() if isinstance(value, str)}
            )
    for key in ("blocks", "files", "view"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


@asynccontextmanager
async def running_fake_slack(
    *, limits: SlackLimits | None = None, clock: PacingClock | None = None
) -> AsyncIterator[FakeSlack]:
    """A started ``FakeSlack`` (with ``limits`` judged on ``clock``, if given), stopped on exit."""
    fake = FakeSlack(limits=limits, clock=clock)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


# --- Slack's side of the Events API: signed deliveries to the bot ------------------------------


def signature_headers(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The ``X-Slack-Signature`` (v0 HMAC-SHA256 of ``v0:<timestamp>:<body>``) and timestamp headers."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(stamp), "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Delivery:
    """What the bot's endpoint answered to one delivery."""

    status: int
    body: str
    sent_at: float
    answered_at: float

    @property
    def seconds(self) -> float:
        """Time from sending the request to receiving the full response."""
        return self.answered_at - self.sent_at


class SlackDeliverer:
    """Delivers events, slash commands and interactions to a bot endpoint the way Slack does.

    Args:
        url: The bot's request URL (``http://127.0.0.1:<port>/slack/events``).
        fake: The fake Web API (for ``response_url``s).
        secret: The signing secret.
    """

    def __init__(self, url: str, fake: FakeSlack, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.fake = fake
        self.secret = secret
        self._ids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()

    def next_id(self, prefix: str) -> str:
        """A fresh id such as ``Ev000001``."""
        return f"{prefix}{next(self._ids):06d}"

    def next_ts(self) -> str:
        """A fresh message timestamp."""
        return f"{1_780_000_000 + next(self._ids)}.000200"

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: Mapping[str, str] | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> Delivery:
        """POST a raw body, signed (with ``secret`` or the right one) at ``timestamp``."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        all_headers = {"Content-Type": content_type}
        all_headers.update(signature_headers(body, secret or self.secret, timestamp))
        all_headers.update(headers or {})
        sent = time.monotonic()
        async with self._session.post(self.url, data=body.encode(), headers=all_headers) as response:
            text = await response.text()
            return Delivery(response.status, text, sent, time.monotonic())

    async def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        **options: Any,
    ) -> Delivery:
        """Deliver an Events API ``event_callback`` wrapping ``event``."""
        envelope = event_envelope(event, event_id or self.next_id("Ev"))
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        )
        return await self.post(json.dumps(envelope), "application/json", headers=headers, **options)

    async def command(self, user: str, channel: str, text: str, **options: Any) -> Delivery:
        """Deliver the slash command ``/eser <text>`` typed by ``user`` in ``channel``."""
        form = command_payload(
            user, channel, text, self.next_id("T"), self.fake.response_url(self.next_id("h"))
        )
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **options)

    async def action(self, payload: Mapping[str, Any], **options: Any) -> Delivery:
        """Deliver an interaction payload (``block_actions``)."""
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **options)

    async def url_verification(self, challenge: str) -> Delivery:
        """Slack's check of a new request URL."""
        body = json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"})
        return await self.post(body, "application/json")


def event_envelope(event: Mapping[str, Any], event_id: str) -> dict[str, Any]:
    """The ``event_callback`` body Slack sends for ``event``."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_780_000_000,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def command_payload(user: str, channel: str, text: str, trigger_id: str, response_url: str) -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "eser",
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/eser",
        "text": text,
        "api_app_id": APP_ID,
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def block_actions_payload(
    *,
    user: str,
    channel: str,
    message: Mapping[str, Any],
    action: Mapping[str, Any],
    trigger_id: str,
    response_url: str,
) -> dict[str, Any]:
    """The interaction payload Slack sends when ``user`` presses a button of ``message``."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message.get("ts"),
        "channel_id": channel,
        "is_ephemeral": False,
    }
    if message.get("thread_ts"):
        container["thread_ts"] = message["thread_ts"]
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": TEAM_ID, "domain": "eser"},
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
        "message": dict(message),
        "response_url": response_url,
        "actions": [dict(action, action_ts=str(time.time()))],
    }
