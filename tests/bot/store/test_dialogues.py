"""The organisers' dialogue states: one per member, replaced by a new dialogue, erased by /forget."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.dialogues import DialogueStore
from bot.store.erasure import erase_member

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


async def test_save_get_replace_and_end(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = DialogueStore(sessions)
    assert await store.get("telegram", "1") is None
    await store.save("telegram", "1", chat_id="c1", kind="newevent", state='{"step": "title"}', now=NOW)
    await store.save("telegram", "1", chat_id="c1", kind="newevent", state='{"step": "start"}', now=NOW)
    stored = await store.get("telegram", "1")
    assert stored is not None and stored.kind == "newevent" and stored.state == '{"step": "start"}'
    await store.save("telegram", "1", chat_id="c2", kind="announce", state="{}", now=NOW)
    replaced = await store.get("telegram", "1")
    assert replaced is not None and (replaced.kind, replaced.chat_id) == ("announce", "c2")
    assert await store.get("slack", "1") is None  # keyed by platform too
    assert await store.end("telegram", "1") and not await store.end("telegram", "1")


async def test_forget_erases_an_open_dialogue(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = DialogueStore(sessions)
    await store.save("slack", "U1", chat_id="D1", kind="announce", state="{}", now=NOW)
    assert await erase_member(sessions, "slack", "U1") == 1
    assert await store.get("slack", "U1") is None
