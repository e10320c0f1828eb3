"""The inbox service: holds renewed while an event is answered, abandoned events replayed to the
adapter that serves their prefix, a poisonous event given up."""

from __future__ import annotations

from bot.app import App
from bot.inbox import MAX_ATTEMPTS
from bot.models import IncomingMessage
from bot.store.inbox import Abandoned, InboxRow
from tests.conftest import Clock


async def test_an_event_held_by_a_live_process_is_not_taken_over(app: App, clock: Clock) -> None:
    inbox = app.inbox
    replayed: list[Abandoned] = []

    async def replay(item: Abandoned) -> None:
        replayed.append(item)

    inbox.serve("telegram:1:", replay)
    assert await inbox.admit("telegram:1:5", platform="telegram", user_id="9", payload='{"a": 1}')
    for _ in range(4):  # two minutes of a slow answer, renewed every lease/3
        clock.advance(seconds=inbox.lease.total_seconds() / 2)
        await inbox.tick()
    assert replayed == []
    await inbox.done("telegram:1:5")


async def test_an_event_left_by_a_dead_process_is_replayed_once(app: App, clock: Clock) -> None:
    inbox = app.inbox
    replayed: list[Abandoned] = []

    async def replay(item: Abandoned) -> None:
        replayed.append(item)

    # A process admitted these and died (nobody renews them).
    await inbox.store.admit(
        "telegram:1:5", platform="telegram", user_id="9", payload='{"a": 1}', now=clock(), hold_until=clock()
    )
    await inbox.store.admit(
        "slack:T1:Ev1", platform="slack", user_id="U", payload="{}", now=clock(), hold_until=clock()
    )
    inbox.serve("telegram:1:", replay)
    clock.advance(seconds=1)
    assert await inbox.tick() == 1
    assert [(item.key, item.payload) for item in replayed] == [("telegram:1:5", '{"a": 1}')]
    clock.advance(seconds=5)
    assert await inbox.tick() == 0  # held by this process now (renewed)
    await inbox.done("telegram:1:5")
    clock.advance(minutes=10)
    assert await inbox.tick() == 0 and len(replayed) == 1


async def test_an_event_that_keeps_killing_the_process_is_given_up(app: App, clock: Clock) -> None:
    inbox = app.inbox

    async def replay(item: Abandoned) -> None:
        raise AssertionError("never replayed")

    await inbox.store.admit(
        "telegram:1:6", platform="telegram", user_id="9", payload="{}", now=clock(), hold_until=clock()
    )
    async with app.services.sessions.begin() as session:
        row = await session.get(InboxRow, "telegram:1:6")
        assert row is not None
        row.attempts = MAX_ATTEMPTS
    inbox.serve("telegram:1:", replay)
    clock.advance(seconds=1)
    await inbox.tick()
    async with app.services.sessions() as session:
        row = await session.get(InboxRow, "telegram:1:6")
    assert row is not None and row.state == "done"
    clock.advance(hours=1)
    assert await inbox.tick() == 0


async def test_the_console_path_answers_a_redelivered_event_once(app: App) -> None:
    message = IncomingMessage(
        platform="console", chat_id="c", user_id="u", text="/help", command="help", event_id="console:x:1"
    )
    assert await app.handle(message)
    assert await app.handle(message) == []
