"""Profiles, the consent log and subscriptions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.profiles import ProfileStore
from tests.conftest import FIXED_NOW


async def test_update_creates_then_changes_only_the_given_fields(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = ProfileStore(sessions)
    assert await store.get("slack", "U1") is None
    created = await store.update("slack", "U1", chat_id="D1", now=FIXED_NOW, language="fr", country="FR")
    assert (created.language, created.country, created.region, created.interests) == ("fr", "FR", None, ())
    later = FIXED_NOW + timedelta(minutes=3)
    await store.update(
        "slack", "U1", chat_id="D1", now=later, region="FR-IDF", interests=["events", "policy"], ignored="x"
    )
    profile = await store.get("slack", "U1")
    assert profile is not None
    assert (profile.language, profile.country, profile.region) == ("fr", "FR", "FR-IDF")
    assert profile.interests == ("events", "policy")
    await store.update("slack", "U1", chat_id="D1", now=later, region=None)
    cleared = await store.get("slack", "U1")
    assert cleared is not None and cleared.region is None and cleared.country == "FR"
    assert await store.get("telegram", "U1") is None  # members are per platform


async def test_consent_is_logged_and_drives_the_subscriptions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = ProfileStore(sessions)
    await store.update("telegram", "7", chat_id="7", now=FIXED_NOW, interests=["funding", "events"])
    await store.record_announcements(
        "telegram",
        "7",
        chat_id="7",
        granted=True,
        topics=["funding", "events"],
        country="PL",
        region="PL-14",
        now=FIXED_NOW,
    )
    subscriptions = await store.subscriptions("telegram", "7")
    assert [(s.topic, s.country, s.region, s.chat_id) for s in subscriptions] == [
        ("events", "PL", "PL-14", "7"),
        ("funding", "PL", "PL-14", "7"),
    ]
    profile = await store.get("telegram", "7")
    assert profile is not None and profile.announcements is True and profile.announcements_at == FIXED_NOW

    later = FIXED_NOW + timedelta(days=1)
    await store.record_announcements(
        "telegram", "7", chat_id="7", granted=False, topics=["funding"], country="PL", region=None, now=later
    )
    assert await store.subscriptions("telegram", "7") == []
    assert await store.consents("telegram", "7") == [
        ("announcements", True, FIXED_NOW),
        ("announcements", False, later),
    ]
    profile = await store.get("telegram", "7")
    assert profile is not None and profile.announcements is False and profile.announcements_at == later


async def test_consent_without_topics_subscribes_to_everything(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = ProfileStore(sessions)
    await store.record_announcements(
        "slack", "U2", chat_id="D2", granted=True, topics=[], country=None, region=None, now=FIXED_NOW
    )
    [subscription] = await store.subscriptions("slack", "U2")
    assert (subscription.topic, subscription.country, subscription.region) == ("all", None, None)
