"""Stored onboarding flows: save, idle lookup, pausing once, purging unfinished ones."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.onboarding_states import FlowStateStore
from tests.conftest import FIXED_NOW


async def test_save_get_and_status(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = FlowStateStore(sessions)
    assert await store.get("telegram", "1") is None
    await store.save(
        "telegram", "1", chat_id="1", status="active", state='{"step": "country"}', hint="pl", now=FIXED_NOW
    )
    later = FIXED_NOW + timedelta(minutes=1)
    await store.save(
        "telegram", "1", chat_id="1", status="active", state='{"step": "region"}', hint="pl", now=later
    )
    stored = await store.get("telegram", "1")
    assert stored is not None
    assert (stored.status, stored.state, stored.hint, stored.updated_at) == (
        "active",
        '{"step": "region"}',
        "pl",
        later,
    )
    await store.set_status("telegram", "1", "stopped", later)
    stopped = await store.get("telegram", "1")
    assert stopped is not None and stopped.status == "stopped"


async def test_idle_flows_are_paused_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = FlowStateStore(sessions)
    for user, minutes in (("old", 0), ("fresh", 50)):
        await store.save(
            "slack",
            user,
            chat_id=f"D{user}",
            status="active",
            state="{}",
            hint="en",
            now=FIXED_NOW + timedelta(minutes=minutes),
        )
    cutoff = FIXED_NOW + timedelta(minutes=30)
    idle = await store.idle(cutoff)
    assert [flow.user_id for flow in idle] == ["old"]
    now = FIXED_NOW + timedelta(hours=1)
    assert await store.pause_if_idle("slack", "old", cutoff, now) is True
    assert await store.pause_if_idle("slack", "old", cutoff, now) is False  # a second sweep does nothing
    assert await store.idle(cutoff) == []


async def test_purge_removes_only_old_unfinished_flows(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = FlowStateStore(sessions)
    for user, status in (("a", "active"), ("p", "paused"), ("s", "stopped"), ("d", "done")):
        await store.save("telegram", user, chat_id=user, status=status, state="{}", hint="en", now=FIXED_NOW)  # type: ignore[arg-type]
    await store.save(
        "telegram",
        "new",
        chat_id="new",
        status="stopped",
        state="{}",
        hint="en",
        now=FIXED_NOW + timedelta(days=10),
    )
    assert await store.purge_unfinished(FIXED_NOW + timedelta(days=1)) == 2
    remaining = {user for user in ("a", "p", "s", "d", "new") if await store.get("telegram", user)}
    assert remaining == {"a", "d", "new"}
