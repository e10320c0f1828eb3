"""A fake Telegram Bot API server: a plain aiohttp server on 127.0.0.1 (a free port).

python-telegram-bot talks to it through ``base_url`` exactly as it talks to api.telegram.org. It
serves the methods the bot uses, records every call (multipart uploads included), hands queued
updates to ``getUpdates`` long polling — again and again until a later ``offset`` confirms them, as
Telegram does — rejects unknown tokens with 401, can fail the next N calls of a method with a 429, a
400 "can't parse entities", a 403 or a 500, and can be slow to answer a method (``delays``).

For broadcasts it can also enforce Telegram's flood limits (``TelegramLimits``, off by default) on
a ``PacingClock``, answer for chats that blocked the bot, kicked it, never existed or migrated to a
supergroup, make a chat flaky (500s, dropped connections, lost replies), and count what each chat
received so a test can assert that nobody got a message twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from aiohttp import BodyPartReader, web

from bot.broadcast.clock import PacingClock, WallClock
from tests.fakes.limits import SlidingWindow, Spacing, TokenBucket, whole_seconds
from tests.fakes.telegram_updates import DATE, Payload, UpdateFactory

TOKEN = "123456789:AAHfakeTOKENforTESTSonly-0123456789ab"
BOT_ID = 123456789
BOT_USERNAME = "EserTestBot"
# Parameters python-telegram-bot sends JSON-encoded; every other parameter is plain text.
JSON_PARAMETERS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
    }
)
# Methods that put a message in a chat: the flood limits, recipient states and delivery counts apply.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
# ``ApiCall.status`` of a call whose connection the fake dropped before answering.
DROPPED = 0
# How a flaky chat fails: HTTP 500, a connection dropped before delivering, or the message
# delivered and then the connection dropped (the sender cannot tell it from "drop").
Flake = Literal["error", "drop", "lost_reply"]


@dataclass(frozen=True)
class TelegramLimits:
    """Telegram's broadcast flood limits, judged on the server's ``PacingClock``.

    Attributes:
        messages_per_second: Refill rate of the bot-wide token bucket ("about 30 messages per second").
        burst: Capacity of that bucket (defaults to ``messages_per_second``); it starts full.
        per_chat_interval: Least seconds between two delivered messages in one chat (0 disables).
        group_messages_per_minute: Most messages delivered to one group (negative chat id) in any
            ``group_window`` seconds (0 disables).
        group_window: The sliding window of the group limit, in seconds.
    """

    messages_per_second: float = 30.0
    burst: float | None = None
    per_chat_interval: float = 1.0
    group_messages_per_minute: int = 20
    group_window: float = 60.0


@dataclass
class Refusal:
    """What the Bot API answers every message to one chat."""

    status: int
    description: str
    parameters: dict[str, Any] | None = None


@dataclass
class Flakiness:
    """The next ``remaining`` messages to one chat fail as ``mode`` says."""

    mode: Flake
    remaining: int


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart call."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class ApiCall:
    """One Bot API request and what the fake answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """The error the next ``remaining`` calls of a method get (only calls with ``only_with``, if set)."""

    status: int
    description: str
    parameters: dict[str, Any] | None
    remaining: int
    only_with: str | None = None


class FakeTelegramServer:
    """The fake Bot API; use ``async with FakeTelegramServer() as server``.

    Args:
        token: The only token accepted.
        bot_id: The bot's user id (``getMe``); a new token for a new bot means a new id.
        max_poll_seconds: Longest a ``getUpdates`` call waits, whatever its ``timeout``.
        limits: Flood limits on the message-sending methods; ``None`` (the default) enforces none.
        clock: Judges ``limits`` (``WallClock`` by default; a ``ScaledClock`` shared with the
            sender makes minutes of pacing take seconds).
    """

    def __init__(
        self,
        token: str = TOKEN,
        *,
        bot_id: int = BOT_ID,
        max_poll_seconds: float = 1.0,
        limits: TelegramLimits | None = None,
        clock: PacingClock | None = None,
    ) -> None:
        self.token = token
        self.max_poll_seconds = max_poll_seconds
        self.limits = limits
        self.clock: PacingClock = clock or WallClock()
        self.bot_user: Payload = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "ESER Assistant",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.message_ids = itertools.count(1)
        self.updates = UpdateFactory(self.bot_user, self.message_ids)
        self.calls: list[ApiCall] = []
        # Called with every recorded call (benchmarks time answers per chat with it).
        self.listeners: list[Callable[[ApiCall], None]] = []
        self.webhook: dict[str, Any] = {}
        self.commands: dict[str | None, list[dict[str, str]]] = {}
        # Menus set for one chat (scope "chat"), by (chat id, language code).
        self.chat_commands: dict[tuple[int, str | None], list[dict[str, str]]] = {}
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        # Queued updates, each with whether getUpdates has handed it out yet.
        self._pending: list[list[Any]] = []
        # Seconds the fake waits before answering a method, and the requests it received so far
        # (counted on arrival, before any delay: a test can tell a call is under way).
        self.delays: dict[str, float] = {}
        self.started: Counter[str] = Counter()
        self._new_update = asyncio.Event()
        self._recorded = asyncio.Condition()
        self._chats: dict[str, Payload] = {}
        # (chat id, user id) -> getChatMember status ("creator", "administrator"; "member" if unset).
        self.member_statuses: dict[tuple[str, str], str] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Delivered messages (successful calls of SENDING_METHODS) per chat id, and refused ones.
        self.delivered: Counter[int] = Counter()
        self.delivered_total = 0
        self.rate_limited: Counter[str] = Counter()  # by reason: "global", "chat", "group"
        self._deliveries: dict[int, list[ApiCall]] = defaultdict(list)
        self._ok_calls: Counter[str] = Counter()
        self._refusals: dict[int, Refusal] = {}
        self._flaky: dict[int, Flakiness] = {}
        self._bucket: TokenBucket | None = None
        self._per_chat: Spacing | None = None
        self._per_group: SlidingWindow | None = None
        self.enforce(limits)

    def enforce(self, limits: TelegramLimits | None) -> None:
        """Enforce ``limits`` from now on (None: none), as if no message had been sent yet.

        A benchmark answers questions without limits, then measures a broadcast under them.
        """
        self.limits = limits
        self._bucket = self._per_chat = self._per_group = None
        if limits is not None:
            rate = limits.messages_per_second
            self._bucket = TokenBucket(rate, limits.burst or rate, self.clock)
            if limits.per_chat_interval > 0:
                self._per_chat = Spacing(limits.per_chat_interval, self.clock)
            if limits.group_messages_per_minute > 0:
                self._per_group = SlidingWindow(
                    limits.group_messages_per_minute, limits.group_window, self.clock
                )

    # --- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port."""
        application = web.Application()
        application.router.add_route("*", "/{bot_token}/{method}", self._dispatch)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        """Stop serving."""
        self._new_update.set()  # release long polls at once instead of letting them time out
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegramServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """The ``TELEGRAM_API_BASE_URL`` that points python-telegram-bot here."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests do --------------------------------------------------------------------------
    def enqueue(self, update: Payload) -> Payload:
        """Queue ``update`` for ``getUpdates`` (the same ``update_id`` twice is delivered twice).

        It is handed out until a ``getUpdates`` call with a higher ``offset`` confirms it.
        """
        for key in ("message", "callback_query"):
            if key in update:
                message = update[key] if key == "message" else update[key].get("message")
                if message:
                    self._chats[str(message["chat"]["id"])] = message["chat"]
        self._pending.append([update, False])
        self._new_update.set()
        return update

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        times: int = 1,
        only_with: str | None = None,
    ) -> None:
        """Fail the next ``times`` calls of ``method`` (that carry parameter ``only_with``, if given)."""
        self._faults[method].append(Fault(status, description, parameters, times, only_with))

    def rate_limit(self, method: str, retry_after: float, *, times: int = 1) -> None:
        """429 Too Many Requests with ``parameters.retry_after``."""
        self.fail(
            method,
            429,
            f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
            times=times,
        )

    def parse_error(self, method: str = "sendMessage", *, times: int = 1) -> None:
        """400 "can't parse entities" (only for calls that ask for a ``parse_mode``)."""
        self.fail(
            method,
            400,
            "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 12",
            times=times,
            only_with="parse_mode",
        )

    # --- recipients -----------------------------------------------------------------------------
    def refuse(
        self, chat_id: int, status: int, description: str, *, parameters: dict[str, Any] | None = None
    ) -> None:
        """Answer every message to ``chat_id`` with this error until ``restore``."""
        self._refusals[int(chat_id)] = Refusal(status, description, parameters)

    def block(self, *chat_ids: int) -> None:
        """These users blocked the bot: 403 "Forbidden: bot was blocked by the user"."""
        for chat_id in chat_ids:
            self.refuse(chat_id, 403, "Forbidden: bot was blocked by the user")

    def deactivate(self, *chat_ids: int) -> None:
        """These users deleted their account: 403 "Forbidden: user is deactivated"."""
        for chat_id in chat_ids:
            self.refuse(chat_id, 403, "Forbidden: user is deactivated")

    def kick(self, *chat_ids: int) -> None:
        """The bot was removed from these groups: 403 "Forbidden: bot was kicked from the group chat"."""
        for chat_id in chat_ids:
            kind = "supergroup chat" if str(chat_id).startswith("-100") else "group chat"
            self.refuse(chat_id, 403, f"Forbidden: bot was kicked from the {kind}")

    def forget(self, *chat_ids: int) -> None:
        """These chats do not exist (any more): 400 "Bad Request: chat not found"."""
        for chat_id in chat_ids:
            self.refuse(chat_id, 400, "Bad Request: chat not found")

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group ``chat_id`` became the supergroup ``new_chat_id`` (which accepts messages)."""
        self.refuse(
            chat_id,
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            parameters={"migrate_to_chat_id": int(new_chat_id)},
        )
        self.restore(new_chat_id)

    def flaky(self, chat_id: int, times: int = 1, *, mode: Flake = "error") -> None:
        """Fail the next ``times`` messages to ``chat_id`` that would otherwise be delivered.

        Args:
            chat_id: The chat.
            times: How many messages fail.
            mode: ``"error"`` answers 500 (not delivered); ``"drop"`` drops the connection without
                delivering; ``"lost_reply"`` delivers, then drops the connection before answering.
        """
        self._flaky[int(chat_id)] = Flakiness(mode, times)

    def restore(self, chat_id: int) -> None:
        """``chat_id`` accepts messages again (no refusal, no flakiness)."""
        self._refusals.pop(int(chat_id), None)
        self._flaky.pop(int(chat_id), None)

    # --- deliveries -----------------------------------------------------------------------------
    def messages_to(self, chat_id: int) -> list[ApiCall]:
        """The messages delivered to ``chat_id``, in order."""
        return list(self._deliveries.get(int(chat_id), ()))

    def duplicates(self, allowed: int = 1) -> dict[int, int]:
        """Chats that received more than ``allowed`` messages, with their counts (``{}`` when none)."""
        return {chat: count for chat, count in self.delivered.items() if count > allowed}

    async def wait_for_deliveries(self, count: int, *, seconds: float = 20.0) -> int:
        """Wait until at least ``count`` messages were delivered in all; return how many were.

        Raises:
            TimeoutError: When they do not come in time.
        """
        async with self._recorded:
            await asyncio.wait_for(self._recorded.wait_for(lambda: self.delivered_total >= count), seconds)
        return self.delivered_total

    async def wait_for_messages_to(self, chat_id: int, count: int, *, seconds: float = 20.0) -> list[ApiCall]:
        """Wait until ``chat_id`` has received at least ``count`` messages; return them all.

        Raises:
            TimeoutError: When they do not come in time.
        """
        async with self._recorded:
            await asyncio.wait_for(
                self._recorded.wait_for(lambda: len(self._deliveries.get(int(chat_id), ())) >= count), seconds
            )
        return self.messages_to(chat_id)

    def set_member_status(self, chat_id: int | str, user_id: int | str, status: str) -> None:
        """What ``getChatMember`` says of ``user_id`` in ``chat_id`` (``creator``, ``administrator``...)."""
        self.member_statuses[(str(chat_id), str(user_id))] = status

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[ApiCall]:
        """The recorded calls of ``method`` (by default the successful ones)."""
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    async def wait_for(self, method: str, count: int, *, seconds: float = 20.0) -> list[ApiCall]:
        """Wait until ``count`` successful calls of ``method`` were recorded, and return them all.

        Raises:
            TimeoutError: When they do not come in time.
        """
        async with self._recorded:
            await asyncio.wait_for(self._recorded.wait_for(lambda: self._ok_calls[method] >= count), seconds)
        return self.calls_to(method)

    # --- the API --------------------------------------------------------------------------------
    async def wait_started(self, method: str, count: int = 1, *, seconds: float = 20.0) -> None:
        """Wait until ``count`` requests of ``method`` have arrived (answered or not).

        Raises:
            TimeoutError: When they do not come in time.
        """
        async with self._recorded:
            await asyncio.wait_for(self._recorded.wait_for(lambda: self.started[method] >= count), seconds)

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await _read_params(request)
        async with self._recorded:
            self.started[method] += 1
            self._recorded.notify_all()
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        call = ApiCall(method, params, files)
        if request.match_info["bot_token"] != f"bot{self.token}":
            call.status = 401
            await self._record(call)
            return _error(401, "Unauthorized")
        faults = self._faults.get(method)
        if faults and (faults[0].only_with is None or faults[0].only_with in params):
            fault = faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.pop(0)
            call.status = fault.status
            await self._record(call)
            return _error(fault.status, fault.description, fault.parameters)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            call.status = 404
            await self._record(call)
            return _error(404, "Not Found: method not found")
        sending = method in SENDING_METHODS and "chat_id" in params
        verdict = self._admit(int(params["chat_id"])) if sending else None
        if isinstance(verdict, web.Response):
            call.status = verdict.status
            await self._record(call)
            return verdict
        if verdict == "drop":
            call.status = DROPPED
            await self._record(call)
            return _drop(request)
        call.result = await handler(params, files)
        await self._record(call)
        if verdict == "lost_reply":
            return _drop(request)
        return web.json_response({"ok": True, "result": call.result})

    def _admit(self, chat_id: int) -> web.Response | Flake | None:
        """Judge one message to ``chat_id``: the error answer, ``None`` to deliver it, or how it flakes.

        The bot-wide bucket counts every message request (refused ones included, as Telegram
        counts requests); the per-chat and per-group limits count delivered messages only.
        """
        if self._bucket is not None and (wait := self._bucket.take()) > 0:
            return self._too_many("global", wait)
        refusal = self._refusals.get(chat_id)
        if refusal is not None:
            return _error(refusal.status, refusal.description, refusal.parameters)
        waits = {
            "chat": self._per_chat.wait(chat_id) if self._per_chat else 0.0,
            "group": self._per_group.wait(chat_id) if self._per_group and chat_id < 0 else 0.0,
        }
        reason = max(waits, key=lambda name: waits[name])
        if waits[reason] > 0:
            return self._too_many(reason, waits[reason])
        flakiness = self._flaky.get(chat_id)
        flake: Flake | None = None
        if flakiness is not None:
            flake = flakiness.mode
            flakiness.remaining -= 1
            if flakiness.remaining <= 0:
                del self._flaky[chat_id]
        if flake == "error":
            return _error(500, "Internal Server Error")
        if flake != "drop":  # delivered: it counts against the chat's and the group's limits
            if self._per_chat is not None:
                self._per_chat.mark(chat_id)
            if self._per_group is not None and chat_id < 0:
                self._per_group.mark(chat_id)
        return flake

    def _too_many(self, reason: str, wait: float) -> web.Response:
        self.rate_limited[reason] += 1
        retry_after = whole_seconds(wait)
        return _error(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    async def _record(self, call: ApiCall) -> None:
        async with self._recorded:
            self.calls.append(call)
            if call.status == 200:
                self._ok_calls[call.method] += 1
                if call.method in SENDING_METHODS and "chat_id" in call.params:
                    chat_id = int(call.params["chat_id"])
                    self.delivered[chat_id] += 1
                    self.delivered_total += 1
                    self._deliveries[chat_id].append(call)
            self._recorded.notify_all()
        for listener in self.listeners:
            listener(call)

    async def _api_getMe(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self.bot_user

    async def _api_getUpdates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        offset = int(params.get("offset") or 0)
        # An offset confirms the updates below it that were handed out; the rest come again.
        self._pending = [
            entry for entry in self._pending if not (entry[1] and entry[0]["update_id"] < offset)
        ]
        wait = min(float(params.get("timeout", 0)), self.max_poll_seconds)
        if not self._pending and wait > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
        limit = int(params.get("limit", 100))
        batch = self._pending[:limit]
        for entry in batch:
            entry[1] = True
        return [entry[0] for entry in batch]

    async def _api_deleteWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.webhook = {}
        return True

    async def _api_setWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.webhook = {"url": params.get("url", ""), "secret_token": params.get("secret_token")}
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    async def _api_setMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "chat":
            self.chat_commands[(int(scope["chat_id"]), params.get("language_code"))] = params.get(
                "commands", []
            )
        else:
            self.commands[params.get("language_code")] = params.get("commands", [])
        return True

    async def _api_sendChatAction(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    async def _api_getChatMember(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id, user_id = str(params["chat_id"]), str(params["user_id"])
        status = self.member_statuses.get((chat_id, user_id), "member")
        member: Payload = {
            "status": status,
            "user": {"id": int(user_id), "is_bot": False, "first_name": f"Member {user_id}"},
        }
        if status in ("creator", "administrator"):
            member["is_anonymous"] = False
        if status == "administrator":
            rights = "manage_chat delete_messages manage_video_chats restrict_members promote_members"
            rights += " change_info invite_users post_stories edit_stories delete_stories"
            member.update({f"can_{right}": True for right in rights.split()}, can_be_edited=False)
        return member

    async def _api_sendMessage(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        message = self._bot_message(params["chat_id"])
        message["text"] = params.get("text", "")
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _api_editMessageText(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        message = self._bot_message(params["chat_id"])
        message.update(message_id=int(params["message_id"]), text=params.get("text", ""), edit_date=DATE)
        return message

    async def _api_sendDocument(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        message = self._bot_message(params["chat_id"])
        upload = files.get("document")
        message["document"] = {
            "file_id": f"file-{message['message_id']}",
            "file_unique_id": f"u{message['message_id']}",
            "file_name": upload.filename if upload else "",
            "mime_type": upload.content_type if upload else "",
            "file_size": len(upload.content) if upload else 0,
        }
        return message

    def _bot_message(self, chat_id: str) -> Payload:
        chat = self._chats.get(str(chat_id)) or {
            "id": int(chat_id),
            "type": "private" if int(chat_id) > 0 else "supergroup",
        }
        return {"message_id": next(self.message_ids), "date": DATE, "chat": chat, "from": self.bot_user}


def _drop(request: web.Request) -> web.Response:
    """Close the connection: the client sees the server disconnect without an answer."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=500)


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Form fields (URL-encoded or multipart) or a JSON body, with JSON parameters decoded."""
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        params = await request.json()
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename:
                content = await part.read()
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                files[part.name] = UploadedFile(part.filename, bytes(content), content_type)
            else:
                params[part.name] = await part.text()
    else:
        params = dict(await request.post())
    for name in JSON_PARAMETERS & params.keys():
        if isinstance(params[name], str):
            params[name] = json.loads(params[name])
    return params, files
