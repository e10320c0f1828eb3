"""Periodic jobs: the onboarding-timeout sweep, event reminders and the daily retention purge, on the
fixed clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, text

from bot.app import App
from bot.events import EventService
from bot.jobs import (
    EVERY_TICK,
    PeriodicJob,
    leader_jobs,
    replica_jobs,
    run_card_sync,
    run_event_sync,
    run_handoff_reminders,
    run_onboarding_sweep,
    run_periodic_jobs,
    run_reminders,
    run_retention_purge,
)
from bot.store.answers import AnswerRow, FeedbackRow
from bot.store.guided_chats import GuidedChatRow
from tests.bot.onboarding.member import Member, RecordingSender
from tests.conftest import FIXED_NOW, Clock, loop_ticks


async def count(app: App, table: type) -> int:
    async with app.services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait (up to 5 s) until ``check`` holds: the job loop runs concurrently."""
    async with asyncio.timeout(5):
        while not await check():  # noqa: ASYNC110 - polls the database; there is no event to wait on
            await asyncio.sleep(0.01)


async def test_retention_purge_deletes_old_questions_and_stale_unfinished_flows(
    app: App, clock: Clock
) -> None:
    asker, quitter = Member(app, user="asker"), Member(app, user="quitter")
    finisher = Member(app, user="done")
    await asker.say("What is ESER?")
    await asker.command("feedback", "More examples please")
    *_, question = await quitter.command("start")
    await quitter.press(question, "!cancel")
    *_, question = await finisher.command("start")
    for value in ("en", "other", "!skip", "!done"):
        [question] = await finisher.press(question, value)
    await finisher.press(question, "no")

    clock.advance(days=29)
    assert await run_retention_purge(app) == 0
    assert await count(app, AnswerRow) == 1
    clock.advance(days=2)  # past the 30-day question retention
    assert await run_retention_purge(app) == 1
    assert await count(app, AnswerRow) == 0 and await count(app, FeedbackRow) == 0
    assert await count(app, GuidedChatRow) == 2  # unfinished flows are kept 90 days
    clock.advance(days=60)
    await run_retention_purge(app)
    async with app.services.sessions() as session:
        statuses = (await session.scalars(select(GuidedChatRow.status))).all()
    assert statuses == ["done"]  # the stopped flow went, the finished one stays with its profile


async def test_sweep_job_pauses_idle_flows(app: App, clock: Clock) -> None:
    sender = RecordingSender("telegram")
    app.services.senders["telegram"] = sender
    await Member(app).command("start")
    clock.advance(minutes=31)
    assert await run_onboarding_sweep(app) == 1
    assert [target.chat_id for target, _ in sender.sent] == ["dm-u1"]


async def test_periodic_loop_sweeps_every_tick_and_purges_once_a_day(app: App, clock: Clock) -> None:
    sender = RecordingSender("telegram")
    app.services.senders["telegram"] = sender
    member, asker = Member(app), Member(app, user="asker")
    await asker.say("What is ESER?")
    clock.advance(days=31)  # that question is now past its retention
    await member.command("start")  # a flow that will go idle
    stop = asyncio.Event()
    task = asyncio.create_task(run_periodic_jobs(app, stop, interval_seconds=0.01))
    try:
        await eventually(lambda: _equals(count(app, AnswerRow), 0))  # first tick: purge
        assert sender.sent == []  # the flow is not idle yet
        await asker.say("How can my region join ESER?")  # a fresh question, kept for now
        clock.advance(minutes=31)
        await eventually(lambda: _truthy(len(sender.sent)))  # a later tick: sweep
        assert await count(app, AnswerRow) == 1  # no second purge within the same day
        clock.advance(days=31)
        await eventually(lambda: _equals(count(app, AnswerRow), 0))  # a day later: purge again
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert task.done() and task.exception() is None
    assert len(sender.sent) == 1


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


async def _truthy(value: int) -> bool:
    return bool(value)


async def test_a_failing_job_does_not_stop_the_loop(app: App, clock: Clock) -> None:
    sender = RecordingSender("telegram")
    app.services.senders["telegram"] = sender
    await Member(app).command("start")
    clock.advance(minutes=31)
    calls = 0
    original = app.purge_expired

    async def broken_purge() -> int:
        nonlocal calls
        calls += 1
        raise RuntimeError("database unavailable")

    app.purge_expired = broken_purge  # type: ignore[method-assign]
    stop = asyncio.Event()
    task = asyncio.create_task(run_periodic_jobs(app, stop, interval_seconds=0.01))
    try:
        await eventually(lambda: _truthy(calls >= 2 and len(sender.sent) == 1))
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)
        app.purge_expired = original  # type: ignore[method-assign]
    assert task.exception() is None


async def test_an_event_added_from_the_command_line_reaches_the_running_bot_within_a_tick(
    app: App, clock: Clock
) -> None:
    cli = EventService(app.services.sessions, None, clock)  # what `eser-bot events add` uses
    stop = asyncio.Event()
    task = asyncio.create_task(run_periodic_jobs(app, stop, interval_seconds=0.01))
    try:
        event = await cli.add(
            {"title": "Lisbon social economy day", "start": "2026-12-05 10:00", "region": "PT"}
        )

        async def indexed() -> bool:
            return any(c.doc_id == f"event:{event.id}" for c in app.services.knowledge.index.chunks)

        await eventually(indexed)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    answer = await app.services.knowledge.answer("What's on in Portugal next month?")
    assert "Lisbon social economy day" in answer.text
    assert not await run_event_sync(app)  # nothing changed since: nothing to do


async def _add_event(app: App, hours_ahead: float) -> str:
    event = await app.services.events.add(
        {"title": "Webinar", "start": (FIXED_NOW + timedelta(hours=hours_ahead)).isoformat(), "region": "ES"}
    )
    return event.id


async def _reminders(app: App) -> list[int]:
    return [status.id for status in await app.services.broadcasts.status() if status.kind == "reminder"]


async def test_an_event_is_reminded_once_when_it_enters_the_reminder_window(app: App, clock: Clock) -> None:
    await _add_event(app, hours_ahead=30)  # reminders go 24 hours ahead
    assert await run_reminders(app) == 0
    clock.advance(hours=7)
    assert await run_reminders(app) == 1
    clock.advance(minutes=5)
    assert await run_reminders(app) == 0
    assert len(await _reminders(app)) == 1


async def test_the_loop_reminds_an_event_at_the_first_check_after_it_enters_the_window(
    app: App, clock: Clock
) -> None:
    asker = Member(app, user="asker")
    await asker.say("What is ESER?")
    clock.advance(days=31)  # that question goes at the first tick's purge, which follows the reminders
    await _add_event(app, hours_ahead=24 * 32 + 3 / 60)  # three minutes beyond the window
    stop = asyncio.Event()
    task = asyncio.create_task(run_periodic_jobs(app, stop, interval_seconds=0.01))
    try:
        await eventually(lambda: _equals(count(app, AnswerRow), 0))  # the first tick is over
        assert await _reminders(app) == []
        clock.advance(minutes=5)  # the event is in the window and the reminders are due again
        await eventually(lambda: _truthy_list(_reminders(app)))
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert len(await _reminders(app)) == 1


async def test_an_instance_that_does_not_deliver_makes_no_reminders(app: App, clock: Clock) -> None:
    app.services.settings.broadcast_workers = False
    asker = Member(app, user="asker")
    await asker.say("What is ESER?")
    clock.advance(days=31)
    await _add_event(app, hours_ahead=24 * 31 + 2)  # well within the window
    stop = asyncio.Event()
    task = asyncio.create_task(run_periodic_jobs(app, stop, interval_seconds=0.01))
    try:
        await eventually(lambda: _equals(count(app, AnswerRow), 0))  # the first tick is over
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert await _reminders(app) == []
    assert await run_reminders(app) == 1  # the event was due: only the loop left it alone


async def _truthy_list(value: Awaitable[list[int]]) -> bool:
    return bool(await value)


async def test_hand_off_reminders_run_in_the_leader_and_card_sync_in_every_replica(
    app: App, clock: Clock
) -> None:
    assert "hand-off reminders" in [job.name for job in leader_jobs()]
    assert "organisers' card index sync" in [job.name for job in replica_jobs()]
    app.services.senders["telegram"] = RecordingSender("telegram")
    await app.services.organisers.store.grant("telegram", "100", granted_by="test", now=clock())
    await app.services.handoffs.ask(
        platform="telegram", user_id="m1", chat_id="m1", question="Who funds pilots?", language="en"
    )
    assert await run_handoff_reminders(app) == 0
    clock.advance(hours=24)
    assert await run_handoff_reminders(app) == 1
    assert await run_handoff_reminders(app) == 0  # once
    clock.advance(hours=24)
    assert await run_handoff_reminders(app) == 1  # escalated
    assert await run_card_sync(app) is False  # nothing published


async def test_a_long_maintenance_statement_does_not_hold_up_the_event_loop(app: App) -> None:
    # A purge over a large database can take a while in SQLite; members are served meanwhile.
    @event.listens_for(app.services.db.sync_engine, "connect")
    def _with_pause(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("pause", 1, time.sleep)

    await app.services.db.dispose()  # new connections, with ``pause``

    async def long_purge() -> int:
        async with app.services.sessions() as session:
            await session.execute(text("SELECT pause(0.5)"))
        return 0

    stop = asyncio.Event()
    jobs = [PeriodicJob("long purge", lambda _app: long_purge(), EVERY_TICK)]
    async with loop_ticks() as ticks:
        runner = asyncio.create_task(run_periodic_jobs(app, stop, interval_seconds=60, jobs=jobs))
        try:
            await asyncio.sleep(0.6)
        finally:
            stop.set()
            await asyncio.wait_for(runner, timeout=5)
    assert ticks.count >= 30  # up to 60 ticks of 10 ms in 0.6 s; none during the pause if it blocked
