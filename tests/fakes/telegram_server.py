"""A fake Telegram Bot API server: a plain aiohttp server on 127.0.0.1 (a free port).

python-telegram-bot talks to it through ``base_url`` exactly as it talks to api.telegram.org. It
serves the methods the bot uses, records every call (multipart uploads included), hands queued
updates to ``getUpdates`` long polling, rejects unknown tokens with 401 and can fail the next N calls
of a method with a 429, a 400 "can't parse entities", a 403 or a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, web

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
        max_poll_seconds: Longest a ``getUpdates`` call waits, whatever its ``timeout``.
    """

    def __init__(self, token: str = TOKEN, *, max_poll_seconds: float = 1.0) -> None:
        self.token = token
        self.max_poll_seconds = max_poll_seconds
        self.bot_user: Payload = {
            "id": BOT_ID,
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
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        self._pending: list[Payload] = []
        self._new_update = asyncio.Event()
        self._recorded = asyncio.Condition()
        self._chats: dict[str, Payload] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

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
        """Queue ``update`` for ``getUpdates`` (the same ``update_id`` twice is delivered twice)."""
        for key in ("message", "callback_query"):
            if key in update:
                message = update[key] if key == "message" else update[key].get("message")
                if message:
                    self._chats[str(message["chat"]["id"])] = message["chat"]
        self._pending.append(update)
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

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[ApiCall]:
        """The recorded calls of ``method`` (by default the successful ones)."""
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    async def wait_for(self, method: str, count: int, *, seconds: float = 20.0) -> list[ApiCall]:
        """Wait until ``count`` successful calls of ``method`` were recorded, and return them all.

        Raises:
            TimeoutError: When they do not come in time.
        """
        async with self._recorded:
            await asyncio.wait_for(
                self._recorded.wait_for(lambda: len(self.calls_to(method)) >= count), seconds
            )
        return self.calls_to(method)

    # --- the API --------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await _read_params(request)
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
        call.result = await handler(params, files)
        await self._record(call)
        return web.json_response({"ok": True, "result": call.result})

    async def _record(self, call: ApiCall) -> None:
        async with self._recorded:
            self.calls.append(call)
            self._recorded.notify_all()
        for listener in self.listeners:
            listener(call)

    async def _api_getMe(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self.bot_user

    async def _api_getUpdates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        wait = min(float(params.get("timeout", 0)), self.max_poll_seconds)
        if not self._pending and wait > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
        limit = int(params.get("limit", 100))
        batch, self._pending = self._pending[:limit], self._pending[limit:]
        return batch

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
        self.commands[params.get("language_code")] = params.get("commands", [])
        return True

    async def _api_sendChatAction(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

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
