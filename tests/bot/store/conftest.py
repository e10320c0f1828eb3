"""Fixtures of the store tests: the throwaway PostgreSQL database and a migrated store per backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.database import make_engine, migrate, session_factory
from bot.store.tables import Base
from tests.bot.store.postgres import postgres_url
from tests.conftest import make_settings

__all__ = ["postgres_url"]


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def sessions(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated database: a fresh SQLite file, or the session's PostgreSQL database
    (emptied after each test)."""
    url = ""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(make_settings(tmp_path, DATABASE_URL=url).effective_database_url)
    await migrate(engine)
    factory = session_factory(engine)
    try:
        yield factory
    finally:
        async with factory.begin() as session:
            for table in reversed(Base.metadata.sorted_tables):
                await session.execute(delete(table))
        await engine.dispose()
