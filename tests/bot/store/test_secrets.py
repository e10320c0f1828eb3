"""The application's own secrets: made once, the same for every caller and instance."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.secrets import app_secret
from tests.conftest import FIXED_NOW


async def test_a_secret_is_made_once_and_shared(sessions: async_sessionmaker[AsyncSession]) -> None:
    keys = await asyncio.gather(*(app_secret(sessions, "callbacks", FIXED_NOW) for _ in range(5)))
    assert len(set(keys)) == 1 and len(keys[0]) == 32
    assert await app_secret(sessions, "callbacks", FIXED_NOW) == keys[0]
    assert await app_secret(sessions, "other", FIXED_NOW) != keys[0]
