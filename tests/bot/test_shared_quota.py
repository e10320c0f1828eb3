"""Two replicas (two ``App`` instances on one PostgreSQL database) count one member's questions
against one quota: in the database, and in Redis when ``REDIS_URL`` is set."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from bot.app import App
from bot.redis_quota import KEY_PREFIX, RedisQuota
from bot.store.quota import DatabaseQuota
from tests.bot.test_questions import message
from tests.conftest import Clock, PostgresReplicas, make_settings

pytestmark = pytest.mark.postgres

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMIT = 3
Replicas = Callable[..., Awaitable[tuple[App, App]]]


@pytest.fixture
def replicas(postgres_replicas: PostgresReplicas) -> Replicas:
    """Two apps on one fresh PostgreSQL database with a quota of ``LIMIT`` questions."""

    async def build(**overrides: object) -> tuple[App, App]:
        return await postgres_replicas(
            lambda folder: make_settings(folder, ESER_QUOTA_QUESTIONS=LIMIT, **overrides)
        )

    return build


async def _asks_spread_over(first: App, second: App, clock: Clock, user: str) -> None:
    replies = []
    for turn in range(LIMIT):
        [reply] = await (first, second)[turn % 2].handle(message("What is ESER?", user=user))
        replies.append(reply)
    assert all(reply.citations for reply in replies)
    for app in (first, second):  # the quota is spent on both replicas
        [blocked] = await app.handle(message("What is ESER?", user=user))
        assert not blocked.citations and str(LIMIT) in blocked.text
    [other] = await second.handle(message("What is ESER?", user=f"{user}-other"))
    assert other.citations  # per member
    clock.advance(minutes=10, seconds=1)
    [again] = await second.handle(message("What is ESER?", user=user))
    assert again.citations


async def test_two_replicas_share_a_members_quota_in_the_database(replicas: Replicas, clock: Clock) -> None:
    first, second = await replicas()
    assert isinstance(first.services.quota, DatabaseQuota)
    await _asks_spread_over(first, second, clock, "u-db")


@pytest.mark.redis
async def test_two_replicas_share_a_members_quota_in_redis(replicas: Replicas, clock: Clock) -> None:
    first, second = await replicas(REDIS_URL=REDIS_URL)
    assert isinstance(first.services.quota, RedisQuota)
    user = f"u-redis-{uuid.uuid4().hex}"  # the server outlives the test: a member of its own
    try:
        await _asks_spread_over(first, second, clock, user)
    finally:
        client = Redis.from_url(REDIS_URL)
        await client.delete(f"{KEY_PREFIX}telegram:{user}", f"{KEY_PREFIX}telegram:{user}-other")
        await client.aclose()
