"""The sliding-window question quota, counted in the database (SQLite, PostgreSQL) or in Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.quota import Quota, minutes_to_wait, take
from bot.redis_quota import RedisQuota
from bot.store.erasure import erase_member
from bot.store.quota import DatabaseQuota, QuotaRow
from tests.conftest import Clock

REDIS_URL = "redis://127.0.0.1:6379/0"
QuotaMaker = Callable[[int, timedelta], Quota]


@pytest_asyncio.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
async def make_quota(
    request: pytest.FixtureRequest, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> AsyncIterator[QuotaMaker]:
    """Builds quotas of one kind sharing one store (the ``sessions`` database, or one Redis prefix)."""
    made: list[RedisQuota] = []
    prefix = f"eser-test:{uuid.uuid4().hex}:"  # the server outlives the test: keys of its own

    def build(limit: int, window: timedelta) -> Quota:
        if request.param == "database":
            return DatabaseQuota(sessions, limit, window, clock)
        quota = RedisQuota.from_url(REDIS_URL, limit, window, clock, prefix=prefix)
        made.append(quota)
        return quota

    yield build
    for quota in made:
        await quota.close()
    if made:
        client = Redis.from_url(REDIS_URL)
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_window_slides(make_quota: QuotaMaker, clock: Clock) -> None:
    quota = make_quota(3, timedelta(minutes=10))
    assert [await quota.try_take("telegram:a") for _ in range(3)] == [None, None, None]
    clock.advance(minutes=4)
    assert await quota.try_take("telegram:a") == pytest.approx(6 * 60)
    assert await quota.try_take("telegram:b") is None  # per member
    clock.advance(minutes=6)
    assert await quota.try_take("telegram:a") is None


async def test_two_quotas_on_one_store_count_together(make_quota: QuotaMaker, clock: Clock) -> None:
    first, second = make_quota(4, timedelta(minutes=10)), make_quota(4, timedelta(minutes=10))
    # Taken at the same moment from both: exactly the limit is granted, never more.
    results = await asyncio.gather(*(quota.try_take("slack:U1") for quota in (first, second) * 4))
    assert results.count(None) == 4
    assert all(wait == pytest.approx(600) for wait in results if wait is not None)


async def test_forget_resets_a_member(make_quota: QuotaMaker) -> None:
    quota = make_quota(1, timedelta(minutes=10))
    await quota.try_take("telegram:a")
    assert await quota.try_take("telegram:a") is not None
    await quota.forget("telegram:a")
    if isinstance(quota, DatabaseQuota):  # the row is a member table's: /forget's erasure takes it
        assert await quota.try_take("telegram:a") is not None
        await erase_member(quota._sessions, "telegram", "a")
    assert await quota.try_take("telegram:a") is None


async def test_purge_drops_rows_past_their_window(
    sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    quota = DatabaseQuota(sessions, 2, timedelta(minutes=10), clock)
    await quota.try_take("telegram:old")
    clock.advance(minutes=5)
    await quota.try_take("telegram:recent")
    clock.advance(minutes=6)
    assert await quota.purge() == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(QuotaRow)) == 1


def test_take_keeps_only_the_window_and_names_the_wait() -> None:
    assert take([0.0, 50.0], 100.0, 2, 60.0) == ([50.0, 100.0], None)
    assert take([90.0, 50.0], 100.0, 2, 60.0) == ([50.0, 90.0], 10.0)


def test_minutes_to_wait_rounds_up() -> None:
    assert minutes_to_wait(1) == 1 and minutes_to_wait(61) == 2 and minutes_to_wait(0) == 1
