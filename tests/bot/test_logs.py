"""Log set-up: secrets redacted everywhere, repeated problems throttled, library bodies kept out."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App
from bot.logs import OutageFilter, RedactingFilter, RepeatFilter, configure_logging
from tests.conftest import make_settings
from tests.fakes.telegram_server import TOKEN as TELEGRAM
from tests.fakes.telegram_updates import user
from tests.scenarios.telegram_driver import telegram_driver

TOKEN = "123456789:AAHfakeTOKENforTESTSonly-0123456789ab"


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _record(
    msg: str, *args: object, level: int = logging.ERROR, exc: BaseException | None = None
) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("bot.x", level, __file__, 1, msg, args, exc_info)


def test_repeated_errors_pass_once_per_window_with_a_count() -> None:
    ticks = Ticks()
    throttle = RepeatFilter(window=60, clock=ticks)
    error = ConnectionRefusedError("connect call failed")
    passed = []
    for second in range(180):  # the outbox worker failing every second for three minutes
        ticks.now = float(second)
        record = _record("%s outbox: claiming rows failed; trying again", "telegram", exc=error)
        if throttle.filter(record):
            passed.append(record)
    assert len(passed) == 3
    assert passed[0].exc_info is not None  # the first one has its traceback
    later = passed[1].getMessage()
    assert "59 more like this in the last 60 s" in later and "ConnectionRefusedError" in later
    assert passed[1].exc_info is None


def test_different_problems_and_infos_are_not_throttled() -> None:
    throttle = RepeatFilter(window=60, clock=Ticks())
    assert throttle.filter(_record("a %s", 1)) and throttle.filter(_record("b %s", 1))
    assert all(throttle.filter(_record("info %s", n, level=logging.INFO)) for n in range(5))


def test_tokens_and_passwords_are_redacted_in_messages_and_tracebacks() -> None:
    redact = RedactingFilter(["s3cret-signing"])
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError as error:
        record = _record(
            "HTTP Request: POST %s with %s and %s",
            f"https://api.telegram.org/bot{TOKEN}/sendMessage",
            "xoxb-1234-5678-abcdef",
            "postgresql://eser:hunter2@db:5432/eser",
            exc=error,
        )
    record.msg = record.msg + " s3cret-signing"
    assert redact.filter(record)
    text = logging.Formatter().format(record)
    for secret in (TOKEN, "xoxb-1234", "hunter2", "s3cret-signing"):
        assert secret not in text
    assert "postgresql://eser:***@db:5432/eser" in text


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = (
        "telegram",
        "httpx",
        "httpcore",
        "slack_bolt",
        "slack_sdk",
        "aiohttp",
        "asyncio",
        "sqlalchemy",
        "bot",
    )
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_debug_keeps_the_platform_libraries_at_info_and_redacts(
    restore_logging: None, tmp_path: Path
) -> None:
    stream = io.StringIO()
    settings = make_settings(tmp_path, ESER_LOG_LEVEL="DEBUG", TELEGRAM_BOT_TOKEN=TOKEN)
    configure_logging(settings, stream=stream, force=True)
    logging.getLogger("bot.app").debug("our own debug line")
    logging.getLogger("telegram.ext.ExtBot").debug("Calling Bot API endpoint with text 'my question'")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    logging.getLogger("slack_bolt.AsyncRequestVerification").info("Invalid request signature (body: x)")
    logging.getLogger("adapters.x").warning("token %s", TOKEN)
    text = stream.getvalue()
    assert "our own debug line" in text
    assert "my question" not in text and "body: x" not in text and TOKEN not in text
    assert "token ***" in text


async def test_debug_logs_of_a_telegram_conversation_hold_no_token_question_or_name(
    restore_logging: None, app: App
) -> None:
    stream = io.StringIO()
    settings = app.services.settings.model_copy(update={"log_level": "DEBUG", "telegram_bot_token": TELEGRAM})
    configure_logging(settings, stream=stream, force=True)
    async with telegram_driver(app) as driver:
        member = driver.user_id("ana")
        chat = {"id": member, "type": "private", "first_name": "Annegret"}
        sender = user(member, name="Annegret Quast")
        update = driver.server.updates.message(chat, sender, "Can a cooperative from Zwickau join ESER?")
        [answer] = await driver.deliver(update)
        assert answer.text
    text = stream.getvalue()
    assert (
        logging.getLogger("adapters.telegram.app").isEnabledFor(logging.DEBUG)
        and "Application started" in text
    )
    for secret in (TELEGRAM, "Zwickau", "Annegret", "Quast"):
        assert secret not in text


def test_a_database_outage_is_one_line_without_its_traceback() -> None:
    try:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
    except ConnectionRefusedError as error:
        record = _record("%s outbox: claiming rows failed; trying again", "telegram", exc=error)
    assert OutageFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "\n" not in text and "database unreachable" in text and "Connect call failed" in text
    other = _record("handler failed", exc=ValueError("a bug"))
    OutageFilter().filter(other)
    assert other.exc_info is not None  # real bugs keep their traceback


async def test_json_lines_carry_the_updates_id_and_no_question_at_info(
    restore_logging: None, app: App
) -> None:
    stream = io.StringIO()
    settings = app.services.settings.model_copy(update={"log_format": "json", "telegram_bot_token": TELEGRAM})
    configure_logging(settings, stream=stream, force=True)
    async with telegram_driver(app) as driver:
        member = driver.user_id("ana")
        chat = {"id": member, "type": "private", "first_name": "Annegret"}
        update = driver.server.updates.message(
            chat, user(member), "Can a cooperative from Zwickau join ESER?"
        )
        await driver.deliver(update)
        logging.getLogger("bot.test").info("outside any update")
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert records and all({"time", "level", "name", "message", "request_id"} <= set(r) for r in records)
    answering = [r for r in records if r["request_id"] not in ("-", "")]
    [request_id] = {r["request_id"] for r in answering}  # one update, one id on all its lines
    assert request_id.startswith("telegram:") and request_id.endswith(f":{update['update_id']}")
    assert any(r["message"].startswith("telegram update answered: 1 replies") for r in answering)
    [outside] = [r for r in records if r["message"] == "outside any update"]
    assert outside["request_id"] == "-"
    assert not any("Zwickau" in json.dumps(r) for r in records)
