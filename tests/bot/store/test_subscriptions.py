"""Subscriptions of members and channels, their consent log and the outbox's deactivation hooks, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.profiles import ProfileStore, Subscription
from bot.store.subscriptions import SubscriptionStore, merged_topics, remaining_topics
from tests.conftest import FIXED_NOW

LATER = FIXED_NOW + timedelta(hours=1)


def topics_of(subscriptions: list[Subscription]) -> list[str]:
    return [item.topic for item in subscriptions]


@pytest.mark.parametrize(
    ("current", "added", "expected"),
    [
        ([], ["funding"], ["funding"]),
        (["funding"], ["events"], ["events", "funding"]),
        (["funding"], ["all"], ["all"]),
        (["all"], ["funding"], ["all"]),
        ([], [], ["all"]),
    ],
)
def test_merged_topics(current: list[str], added: list[str], expected: list[str]) -> None:
    assert merged_topics(current, added) == expected


@pytest.mark.parametrize(
    ("current", "removed", "expected"),
    [
        (["events", "funding"], ["funding"], ["events"]),
        (["events", "funding"], [], []),
        (["events", "funding"], ["all"], []),
        (["all"], ["funding"], ["events", "policy", "skills", "join"]),
        (["events"], ["policy"], ["events"]),
    ],
)
def test_remaining_topics(current: list[str], removed: list[str], expected: list[str]) -> None:
    assert remaining_topics(current, removed) == expected


async def test_member_subscribe_logs_consent_and_creates_a_profile(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store, profiles = SubscriptionStore(sessions), ProfileStore(sessions)
    subscribed = await store.subscribe(
        "telegram",
        "7",
        chat_id="7",
        topics=["funding", "events"],
        country="ES",
        region="ES-CT",
        language="es",
        now=FIXED_NOW,
    )
    assert [(s.topic, s.country, s.region, s.chat_id, s.kind, s.language, s.active) for s in subscribed] == [
        ("events", "ES", "ES-CT", "7", "member", "es", True),
        ("funding", "ES", "ES-CT", "7", "member", "es", True),
    ]
    profile = await profiles.get("telegram", "7")
    assert profile is not None and profile.announcements is True and profile.chat_id == "7"
    assert profile.language is None  # the member chose no language; the rows keep the one used
    assert await profiles.consents("telegram", "7") == [("announcements", True, FIXED_NOW)]


async def test_subscribe_adds_topics_and_moves_every_row_to_the_new_place(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = SubscriptionStore(sessions)
    await store.subscribe(
        "slack",
        "U1",
        chat_id="D1",
        topics=["events"],
        country="FR",
        region=None,
        language="fr",
        now=FIXED_NOW,
    )
    after = await store.subscribe(
        "slack", "U1", chat_id="D1", topics=["policy"], country="DE", region="DE-BY", language="de", now=LATER
    )
    assert [(s.topic, s.country, s.region, s.language) for s in after] == [
        ("events", "DE", "DE-BY", "de"),
        ("policy", "DE", "DE-BY", "de"),
    ]
    everything = await store.subscribe(
        "slack", "U1", chat_id="D1", topics=["all"], country=None, region=None, language="de", now=LATER
    )
    assert topics_of(everything) == ["all"]


async def test_unsubscribe_some_then_all_and_the_flag_follows(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store, profiles = SubscriptionStore(sessions), ProfileStore(sessions)
    await profiles.update("telegram", "8", chat_id="8", now=FIXED_NOW, language="pl")
    await store.subscribe(
        "telegram", "8", chat_id="8", topics=["all"], country="PL", region=None, language="pl", now=FIXED_NOW
    )
    left = await store.unsubscribe("telegram", "8", topics=["funding"], now=LATER)
    assert topics_of(left) == ["events", "policy", "skills", "join"]
    assert {(s.country, s.chat_id, s.language) for s in left} == {("PL", "8", "pl")}
    profile = await profiles.get("telegram", "8")
    assert profile is not None and profile.announcements is True

    assert await store.unsubscribe("telegram", "8", now=LATER) == []
    profile = await profiles.get("telegram", "8")
    assert profile is not None and profile.announcements is False and profile.announcements_at == LATER
    assert await profiles.consents("telegram", "8") == [
        ("announcements", True, FIXED_NOW),
        ("announcements", False, LATER),
        ("announcements", False, LATER),
    ]
    # Idempotent: nothing left to remove, nothing more logged.
    assert await store.unsubscribe("telegram", "8", now=LATER) == []
    assert len(await profiles.consents("telegram", "8")) == 3


async def test_channels_have_no_profile_and_no_consent_log(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store, profiles = SubscriptionStore(sessions), ProfileStore(sessions)
    [row] = await store.subscribe(
        "slack",
        "C1",
        chat_id="C1",
        topics=[],
        country=None,
        region=None,
        language="it",
        now=FIXED_NOW,
        kind="channel",
    )
    assert (row.topic, row.kind, row.chat_id, row.language) == ("all", "channel", "C1", "it")
    assert await profiles.get("slack", "C1") is None
    assert await store.unsubscribe("slack", "C1", now=LATER) == []
    assert await profiles.consents("slack", "C1") == []
    with pytest.raises(ValueError, match="kind"):
        await store.subscribe(
            "slack",
            "C1",
            chat_id="C1",
            topics=[],
            country=None,
            region=None,
            language=None,
            now=LATER,
            kind="x",
        )


async def test_deactivate_chat_and_resubscribing_reactivates(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = SubscriptionStore(sessions)
    for topic in ("events", "funding"):
        await store.subscribe(
            "telegram",
            "9",
            chat_id="9",
            topics=[topic],
            country=None,
            region=None,
            language="en",
            now=FIXED_NOW,
        )
    await store.subscribe(
        "telegram",
        "10",
        chat_id="10",
        topics=["events"],
        country=None,
        region=None,
        language="en",
        now=FIXED_NOW,
    )
    assert await store.deactivate_chat("telegram", "9", LATER) == 2
    assert await store.deactivate_chat("telegram", "9", LATER) == 0  # already inactive
    assert [s.active for s in await store.subscriptions("telegram", "9")] == [False, False]
    assert [s.active for s in await store.subscriptions("telegram", "10")] == [True]
    assert await store.deactivate_chat("slack", "9", LATER) == 0  # other platform untouched

    again = await store.subscribe(
        "telegram", "9", chat_id="9", topics=["policy"], country=None, region=None, language="en", now=LATER
    )
    assert [(s.topic, s.active) for s in again] == [("events", True), ("funding", True), ("policy", True)]


async def test_move_chat_follows_a_migrated_group(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = SubscriptionStore(sessions)
    old, new = "-100", "-1001234"
    await store.subscribe(
        "telegram",
        old,
        chat_id=old,
        topics=["events", "funding"],
        country="IT",
        region=None,
        language="it",
        now=FIXED_NOW,
        kind="channel",
    )
    # The new id already holds "events" (subscribed again after the migration): no duplicate.
    await store.subscribe(
        "telegram",
        new,
        chat_id=new,
        topics=["events"],
        country="IT",
        region=None,
        language="it",
        now=LATER,
        kind="channel",
    )
    assert await store.move_chat("telegram", old, new) == 1
    assert await store.subscriptions("telegram", old) == []
    moved = await store.subscriptions("telegram", new)
    assert [(s.topic, s.chat_id) for s in moved] == [("events", new), ("funding", new)]
    assert await store.move_chat("telegram", old, new) == 0


async def test_onboarding_consent_sets_kind_and_language(sessions: async_sessionmaker[AsyncSession]) -> None:
    profiles = ProfileStore(sessions)
    await profiles.update("slack", "U5", chat_id="D5", now=FIXED_NOW, language="de")
    await profiles.record_announcements(
        "slack", "U5", chat_id="D5", granted=True, topics=["skills"], country="AT", region=None, now=FIXED_NOW
    )
    [row] = await SubscriptionStore(sessions).subscriptions("slack", "U5")
    assert (row.topic, row.kind, row.language, row.active) == ("skills", "member", "de", True)


async def test_subscribing_again_to_the_same_logs_no_new_consent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store, profiles = SubscriptionStore(sessions), ProfileStore(sessions)
    same = dict(chat_id="7", topics=["funding"], country="ES", region=None, language="es")
    for minutes in range(5):  # "Done" pressed again and again, or the same /subscribe repeated
        await store.subscribe("telegram", "7", **same, now=FIXED_NOW + timedelta(minutes=minutes))  # type: ignore[arg-type]
    assert await profiles.consents("telegram", "7") == [("announcements", True, FIXED_NOW)]
    # A real change is logged: a new topic, then a new place.
    await store.subscribe("telegram", "7", **{**same, "topics": ["events"]}, now=LATER)  # type: ignore[arg-type]
    await store.subscribe("telegram", "7", **{**same, "country": "FR"}, now=LATER + timedelta(hours=1))  # type: ignore[arg-type]
    assert len(await profiles.consents("telegram", "7")) == 3
