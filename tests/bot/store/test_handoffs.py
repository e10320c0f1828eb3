"""The hand-off rows on SQLite and PostgreSQL: a state changes only from the states allowed, counts
and due reminders by time, the retention purge, organisers' regions and cards."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.handoffs import HandoffRow, HandoffStore, OrganiserCardRow
from tests.conftest import FIXED_NOW


def row(handoff_id: str, user: str = "m1", hours_ago: float = 0) -> HandoffRow:
    at = FIXED_NOW - timedelta(hours=hours_ago)
    return HandoffRow(
        id=handoff_id,
        platform="telegram",
        user_id=user,
        chat_id=user,
        question="Q?",
        created_at=at,
        updated_at=at,
    )


async def test_a_state_changes_only_from_the_states_allowed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = HandoffStore(sessions)
    await store.add(row("h1"))
    assert await store.update("h1", only_if=("open",), state="answered", answer="A.")
    assert not await store.update("h1", only_if=("open",), state="withdrawn")
    stored = await store.get("h1")
    assert stored is not None and stored.state == "answered" and stored.answer == "A."
    assert not await store.update("missing", state="closed")


async def test_counts_and_due_reminders_follow_the_clock(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = HandoffStore(sessions)
    await store.add(row("new"))
    await store.add(row("day", hours_ago=25))
    await store.add(row("old", hours_ago=49))
    await store.add(row("other", user="m2", hours_ago=49))
    assert await store.count_member("telegram", "m1") == 3
    assert await store.count_member("telegram", "m1", since=FIXED_NOW - timedelta(days=1)) == 1
    due = await store.due(FIXED_NOW - timedelta(hours=24), FIXED_NOW - timedelta(hours=48))
    assert [r.id for r in due][-1] == "day" and {r.id for r in due} == {"day", "old", "other"}
    await store.update("day", reminded_at=FIXED_NOW)
    due = await store.due(FIXED_NOW - timedelta(hours=24), FIXED_NOW - timedelta(hours=48))
    assert {r.id for r in due} == {"old", "other"}
    assert await store.purge(FIXED_NOW - timedelta(hours=30)) == 2
    assert [r.id for r in await store.of_member("telegram", "m1")] == ["new", "day"]


async def test_regions_and_cards(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = HandoffStore(sessions)
    await store.set_regions("slack", "U1", ["fr", "BE", "fr"])
    assert await store.regions() == {("slack", "U1"): ["BE", "FR"]}
    await store.set_regions("slack", "U1", [])
    assert await store.regions() == {}
    await store.add_card(
        OrganiserCardRow(
            id="organisers-h1",
            questions=json.dumps({"pl": ["Kto?"]}),
            answers=json.dumps({"pl": "Zarząd."}),
            created_at=FIXED_NOW,
            updated_at=FIXED_NOW,
        )
    )
    assert [c.id for c in await store.cards("draft")] == ["organisers-h1"]
    assert await store.card_stamps() == {}
    changed = await store.update_card("organisers-h1", status="published", updated_at=FIXED_NOW)
    assert changed is not None and changed.status == "published"
    assert await store.card_stamps() == {"organisers-h1": FIXED_NOW}
    assert await store.delete_card("organisers-h1") and not await store.delete_card("organisers-h1")
