"""Slack payloads through the inbox: a retry of an event whose first attempt died is answered, an
event a killed process left is answered after the restart, each once; keys are scoped by workspace;
events are acknowledged at once while the database is busy."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from adapters.slack.app import SlackRunner
from bot.app import App
from bot.settings import Settings
from bot.store.inbox import DONE, InboxRow
from tests.conftest import Clock
from tests.fakes.slack_server import BOT_USER_ID, TEAM_ID, FakeSlack, SlackDeliverer, event_envelope

QUESTION = "Can a cooperative become a member of ESER?"


def mention(slack: SlackDeliverer) -> dict[str, object]:
    return {
        "type": "app_mention",
        "channel": "CGENERAL",
        "user": "U1",
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
        "ts": slack.next_ts(),
    }


async def _died_with(app: App, clock: Clock, event: dict[str, object], event_id: str) -> str:
    """What a process killed while answering leaves: the event recorded, its hold over, no reply."""
    key = f"slack:{TEAM_ID}:{event_id}"
    payload = json.dumps({"kind": "event", "body": event_envelope(event, event_id)})
    await app.inbox.store.admit(
        key, platform="slack", user_id="U1", payload=payload, now=clock(), hold_until=clock()
    )
    clock.advance(seconds=1)
    return key


async def test_a_retry_of_an_event_whose_first_attempt_died_is_answered_once(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, app: App, clock: Clock
) -> None:
    event = mention(slack)
    key = await _died_with(app, clock, event, "EvK1")
    assert (await slack.event(event, event_id="EvK1", retry_num=1)).status == 200
    await runner.wait_idle()
    assert len(fake_slack.messages()) == 1
    assert (await slack.event(event, event_id="EvK1", retry_num=2)).status == 200
    await runner.wait_idle()
    assert len(fake_slack.messages()) == 1
    async with app.services.sessions() as session:
        row = await session.get(InboxRow, key)
    assert row is not None and row.state == DONE and row.payload == ""


async def test_an_event_left_by_a_killed_process_is_answered_after_the_restart(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, app: App, clock: Clock
) -> None:
    event = mention(slack)
    await _died_with(app, clock, event, "EvK2")
    assert await app.inbox.tick() == 1
    await runner.wait_idle()
    [answer] = fake_slack.messages()
    assert answer.params["thread_ts"] == event["ts"]
    # Slack's own retry, arriving later, is answered already.
    await slack.event(event, event_id="EvK2", retry_num=1)
    await runner.wait_idle()
    assert len(fake_slack.messages()) == 1


async def test_keys_carry_the_workspace(runner: SlackRunner, slack: SlackDeliverer, app: App) -> None:
    await slack.event(mention(slack), event_id="EvK3")
    await runner.wait_idle()
    async with app.services.sessions() as session:
        assert await session.get(InboxRow, f"slack:{TEAM_ID}:EvK3") is not None


async def test_events_are_acknowledged_at_once_while_the_database_is_busy(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, app: App, settings: Settings
) -> None:
    # Another writer holds SQLite's write lock: every admission to the inbox waits for it.
    blocker = sqlite3.connect(settings.effective_database_url.split("///", 1)[-1], isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        deliveries = await asyncio.gather(*(slack.event(mention(slack)) for _ in range(8)))
        assert [delivery.status for delivery in deliveries] == [200] * 8
        assert max(delivery.seconds for delivery in deliveries) < 1.0
        assert fake_slack.messages() == []  # acknowledged before anything was recorded or answered
    finally:
        blocker.rollback()
        blocker.close()
    await runner.wait_idle()
    assert len(fake_slack.messages()) == 8
