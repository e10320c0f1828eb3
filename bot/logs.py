"""Logging for every ``eser-bot`` command: one format, secrets redacted, repeated problems throttled.

Three filters sit on the root handler, so they see every record, the libraries' included:

- ``RepeatFilter`` lets the first of a run of identical warnings or errors through and then one per
  window, with the count of those it held back: a database outage writes a few lines a minute, not
  a traceback every second from every worker.
- ``OutageFilter`` writes "database unreachable" as one line instead of a driver traceback.
- ``RedactingFilter`` replaces the bot's secrets (tokens, the signing secret, the database password)
  and anything shaped like a platform token, in messages and tracebacks alike: httpx and
  python-telegram-bot put the token in URLs.

``ESER_LOG_FORMAT=json`` writes one JSON object per line (python-json-logger) with the id of the
update being answered (``request_id``), for a log collector; redaction and throttling apply alike.

``ESER_LOG_LEVEL=DEBUG`` makes the bot's own modules verbose, but the platform and HTTP libraries stay
at INFO: at DEBUG they log whole request and update bodies, which hold members' questions and names.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from bot.settings import Settings
from bot.store.database import is_unavailable, one_line

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
# The update being answered, for every record logged while answering it. A context variable is
# module-level by design: each asyncio task (one per update) sees its own value.
REQUEST_ID: ContextVar[str] = ContextVar("eser_request_id", default="-")
# Their DEBUG output carries message bodies (questions, names) or request URLs with the token.
BODY_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "hpack",
    "slack_sdk",
    "aiohttp",
    "asyncio",
    "asyncpg",
    "sqlalchemy",
    "aiosqlite",
    "tornado",
    "urllib3",
    "websockets",
)
# Chatty at INFO and never needed to run the bot.
QUIET_LOGGERS = (
    "httpx",
    "chromadb",
    "sentence_transformers",
    "transformers",
    "alembic",
    "sqlalchemy",
    "asyncpg",
    "aiosqlite",
)
# slack_bolt logs a rejected request's raw body at INFO; its warnings and errors are still wanted.
WARNING_LOGGERS = ("slack_bolt",)
REDACTED = "***"
MARK = "_eser_handler"
TOKEN_PATTERNS = (
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"),  # Telegram bot token (also inside /bot<token>/ URLs)
    re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]+"),  # Slack bot and user tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]+"),  # Slack app-level token
    re.compile(r"(?<=://)([^:/@\s]+):[^@\s/]+(?=@)"),  # the password of user:password@host
)


def bind_request(request_id: str) -> None:
    """Mark every record logged from now on in this task with ``request_id`` (an update's id)."""
    REQUEST_ID.set(request_id)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the update being answered, ``-`` outside one) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record."""
        record.request_id = REQUEST_ID.get()
        return True


class RedactingFilter(logging.Filter):
    """Replaces known secrets and token-shaped text in every record (message and traceback).

    Args:
        secrets: Literal values to hide wherever they appear (empty ones are ignored).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({secret for secret in secrets if len(secret) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(lambda match: _keep_user(match), text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops it."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _keep_user(match: re.Match[str]) -> str:
    # For user:password@host keep the user (it helps) and hide the password.
    return f"{match.group(1)}:{REDACTED}" if match.lastindex else REDACTED


@dataclass
class _Run:
    started: float
    held: int = 0


class OutageFilter(logging.Filter):
    """Shortens a record whose exception only says the database is out of reach to one line: its
    traceback (dozens of lines of driver internals) tells nothing the message does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops it."""
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_unavailable(error):
            record.msg = f"{record.getMessage()} (database unreachable: {one_line(error)})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class RepeatFilter(logging.Filter):
    """Throttles identical warnings and errors: the first passes, then one per ``window`` seconds.

    Two records are identical when they come from the same logger with the same level, message
    template and exception type. The record that ends a quiet window says how many were held back;
    after the first, tracebacks are shortened to their last line.

    Args:
        window: Seconds during which repeats are held back.
        clock: Monotonic time source.
    """

    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.window = window
        self._clock = clock
        self._runs: dict[tuple[str, int, str, str], _Run] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """True to let ``record`` through."""
        if record.levelno < logging.WARNING:
            return True
        error = record.exc_info[1] if record.exc_info else None
        key = (record.name, record.levelno, str(record.msg), type(error).__name__ if error else "")
        now = self._clock()
        run = self._runs.get(key)
        if run is not None and now - run.started < self.window:
            run.held += 1
            return False
        if len(self._runs) > 1000:  # forget old runs rather than grow without bound
            self._runs = {k: v for k, v in self._runs.items() if now - v.started < self.window}
        self._runs[key] = _Run(started=now)
        if run is not None:
            message = record.getMessage()
            if error is not None:
                # Known by now: one line is enough to tell it is still happening.
                message += f" ({type(error).__name__}: {error})"
                record.exc_info = None
                record.exc_text = None
            if run.held:
                message += f" [{run.held} more like this in the last {self.window:.0f} s]"
            record.msg, record.args = message, None
        return True


def secrets_of(settings: Settings) -> list[str]:
    """The setting values that must never appear in a log."""
    return [
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.slack_bot_token,
        settings.slack_app_token,
        settings.slack_signing_secret,
    ]


def configure_logging(
    settings: Settings, *, stream: TextIO | None = None, force: bool = False
) -> logging.Handler | None:
    """Set up the root logger for a command.

    Like ``logging.basicConfig``, a root logger that already has handlers of someone else's (a test
    runner's) keeps them and only gets the levels, unless ``force`` is set. A handler installed by an
    earlier call is replaced.

    Args:
        settings: ``ESER_LOG_LEVEL``, ``ESER_LOG_FORMAT`` and the secrets to redact.
        stream: Where log lines go (standard error by default).
        force: Install the handler even beside foreign handlers.

    Returns:
        The handler installed on the root logger, or None when none was.
    """
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        level = logging.INFO
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if getattr(handler, MARK, False)]
    for old in ours:
        root.removeHandler(old)
    handler: logging.Handler | None = None
    if force or not root.handlers:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level"})
            if settings.log_format == "json"
            else logging.Formatter(FORMAT)
        )
        handler.addFilter(RequestIdFilter())
        handler.addFilter(RepeatFilter())  # first: it reads the message template before redaction
        handler.addFilter(OutageFilter())
        handler.addFilter(RedactingFilter(secrets_of(settings)))
        setattr(handler, MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    for name in BODY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    for name in WARNING_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
