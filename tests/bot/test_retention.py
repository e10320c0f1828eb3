"""The retention policy, as a member sees it: a redelivered event is answered once while the bot
remembers it, and forgotten once it is past the de-duplication window."""

from __future__ import annotations

from bot.app import App
from bot.models import IncomingMessage
from bot.retention import DEDUPLICATION_WINDOW
from tests.conftest import Clock


def _question(event_id: str) -> IncomingMessage:
    return IncomingMessage(
        platform="telegram",
        chat_id="77",
        user_id="77",
        text="/help",
        is_direct=True,
        command="help",
        event_id=event_id,
        language_hint="en",
    )


async def test_a_redelivered_event_is_answered_once_inside_the_window(app: App, clock: Clock) -> None:
    assert await app.handle(_question("telegram:update:1"))
    clock.advance(seconds=DEDUPLICATION_WINDOW.total_seconds() - 3600)

    assert await app.purge_expired() == 0
    assert await app.handle(_question("telegram:update:1")) == []  # still remembered: no second answer


async def test_an_event_past_the_window_is_forgotten_by_the_purge(app: App, clock: Clock) -> None:
    first = await app.handle(_question("telegram:update:2"))
    assert first
    clock.advance(seconds=DEDUPLICATION_WINDOW.total_seconds() + 3600)
    assert await app.handle(_question("telegram:update:2")) == []  # not purged yet: still remembered

    await app.purge_expired()

    again = await app.handle(_question("telegram:update:2"))
    assert [reply.text for reply in again] == [reply.text for reply in first]
