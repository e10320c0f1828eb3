"""The router: first handler that takes a message wins; one error hook for every failure."""

from __future__ import annotations

import logging

import pytest

from bot.models import IncomingMessage, Reply
from bot.router import Router


def _message(text: str) -> IncomingMessage:
    return IncomingMessage(
        platform="console", chat_id="c", user_id="u", text=text, event_id="e", thread_id="t"
    )


class Echo:
    def __init__(self, prefix: str, takes: str) -> None:
        self.prefix, self.takes, self.seen = prefix, takes, 0

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        self.seen += 1
        return [Reply(text=f"{self.prefix}:{message.text}")] if message.text.startswith(self.takes) else None


class Boom:
    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        raise RuntimeError("database on fire")


async def _apology(message: IncomingMessage, reference: str, error: Exception) -> Reply:
    return Reply(text=f"sorry ({reference})", thread_id=message.thread_id)


async def test_first_taker_wins_and_later_handlers_are_not_asked() -> None:
    first, second = Echo("one", "a"), Echo("two", "")
    router = Router([first, second], _apology)
    assert [r.text for r in await router.route(_message("abc"))] == ["one:abc"]
    assert second.seen == 0
    assert [r.text for r in await router.route(_message("xyz"))] == ["two:xyz"]


async def test_nobody_takes_it() -> None:
    assert await Router([Echo("one", "a")], _apology).route(_message("zzz")) == []


async def test_errors_become_an_apology_with_a_reference_and_a_logged_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        [reply] = await Router([Boom()], _apology).route(_message("hi"))
    reference = reply.text.removeprefix("sorry (").removesuffix(")")
    assert len(reference) == 8 and reply.thread_id == "t"
    assert reference in caplog.text and "database on fire" in caplog.text
