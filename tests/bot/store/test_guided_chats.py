"""Stored guided chats: one run per member and flow, the active one last touched takes the member's
messages, idle runs pause once, unfinished ones are purged, /forget erases them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.erasure import erase_member
from bot.store.guided_chats import ChatStatus, GuidedChatStore
from tests.conftest import FIXED_NOW


async def save(store: GuidedChatStore, user: str, flow: str, status: ChatStatus, minutes: int = 0) -> None:
    now = FIXED_NOW + timedelta(minutes=minutes)
    await store.save(
        "telegram", user, flow, chat_id=f"c{user}", status=status, state="{}", hint="pl", now=now
    )


async def test_save_get_status_and_end(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = GuidedChatStore(sessions)
    assert await store.get("telegram", "1", "onboarding") is None
    await store.save(
        "telegram",
        "1",
        "onboarding",
        chat_id="1",
        status="active",
        state='{"step": "country"}',
        hint="pl",
        now=FIXED_NOW,
    )
    later = FIXED_NOW + timedelta(minutes=1)
    await store.save(
        "telegram",
        "1",
        "onboarding",
        chat_id="1",
        status="active",
        state='{"step": "region"}',
        hint="pl",
        now=later,
    )
    stored = await store.get("telegram", "1", "onboarding")
    assert stored is not None
    assert (stored.flow, stored.status, stored.state, stored.hint, stored.updated_at) == (
        "onboarding",
        "active",
        '{"step": "region"}',
        "pl",
        later,
    )
    await store.set_status("telegram", "1", "onboarding", "stopped", later)
    stopped = await store.get("telegram", "1", "onboarding")
    assert stopped is not None and stopped.status == "stopped"
    assert await store.get("slack", "1", "onboarding") is None  # keyed by platform too
    assert await store.end("telegram", "1", "onboarding") and not await store.end(
        "telegram", "1", "onboarding"
    )


async def test_active_runs_answered_last_first(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = GuidedChatStore(sessions)
    await save(store, "1", "onboarding", "active", minutes=0)
    await save(store, "1", "newevent", "active", minutes=5)
    await save(store, "1", "announce", "stopped", minutes=9)
    assert [run.flow for run in await store.active("telegram", "1")] == ["newevent", "onboarding"]
    await store.end("telegram", "1", "newevent")
    assert [run.flow for run in await store.active("telegram", "1")] == ["onboarding"]
    assert await store.active("telegram", "2") == []


async def test_idle_runs_are_paused_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = GuidedChatStore(sessions)
    for user, minutes in (("old", 0), ("fresh", 50)):
        await save(store, user, "onboarding", "active", minutes)
    await save(store, "organiser", "newevent", "active", 0)
    cutoff = FIXED_NOW + timedelta(minutes=30)
    [idle] = await store.idle(["onboarding"], cutoff)
    assert idle.user_id == "old"
    now = FIXED_NOW + timedelta(hours=1)
    assert await store.pause_if_idle(idle, cutoff, now) is True
    assert await store.pause_if_idle(idle, cutoff, now) is False  # a second sweep does nothing
    assert await store.idle(["onboarding"], cutoff) == []


async def test_purge_removes_only_old_unfinished_runs(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = GuidedChatStore(sessions)
    for user, status in (("a", "active"), ("p", "paused"), ("s", "stopped"), ("d", "done")):
        await save(store, user, "onboarding", status)  # type: ignore[arg-type]
    await save(store, "new", "onboarding", "stopped", minutes=60 * 24 * 10)
    assert await store.purge_unfinished(FIXED_NOW + timedelta(days=1)) == 2
    remaining = {
        user for user in ("a", "p", "s", "d", "new") if await store.get("telegram", user, "onboarding")
    }
    assert remaining == {"a", "d", "new"}


async def test_forget_erases_every_run_of_the_member(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = GuidedChatStore(sessions)
    await save(store, "U1", "onboarding", "done")
    await save(store, "U1", "announce", "active")
    assert await erase_member(sessions, "telegram", "U1") == 2
    assert (
        await store.active("telegram", "U1") == [] and await store.get("telegram", "U1", "onboarding") is None
    )
