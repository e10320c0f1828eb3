"""SQLite on the event loop's thread: writers take turns, a lock held elsewhere is waited out without
blocking the loop (or given up after the timeout, as SQLite would), and long statements can be sent
to a worker thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store.database import make_engine
from bot.store.sqlite_inline import inline_connector, off_the_loop
from tests.conftest import loop_ticks


def _with_thread_function(engine: AsyncEngine) -> AsyncEngine:
    @event.listens_for(engine.sync_engine, "connect")
    def _register(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("thread_id", 0, threading.get_ident)

    return engine


@pytest_asyncio.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """The product's engine on a fresh file, with a ``counter`` table and ``thread_id()``."""
    engine = _with_thread_function(make_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}"))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (name TEXT PRIMARY KEY, n INTEGER NOT NULL)"))
        await connection.execute(text("INSERT INTO counter VALUES ('hits', 0)"))
    yield engine
    await engine.dispose()


async def _hits(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT n FROM counter WHERE name = 'hits'"))).scalar_one())


async def test_fifty_concurrent_writers_take_turns(engine: AsyncEngine) -> None:
    increment = text("UPDATE counter SET n = n + 1 WHERE name = 'hits'")

    async def writer() -> None:
        for _ in range(10):
            async with engine.begin() as connection:
                await connection.execute(increment)
                await asyncio.sleep(0.001)  # other tasks run while this one holds the write lock
                await connection.execute(increment)

    async with asyncio.timeout(30):
        await asyncio.gather(*(writer() for _ in range(50)))

    assert await _hits(engine) == 1000


async def test_statements_run_on_the_loop_thread_unless_sent_off_it(engine: AsyncEngine) -> None:
    loop_thread = threading.get_ident()
    async with engine.connect() as connection:
        here = (await connection.execute(text("SELECT thread_id()"))).scalar_one()
        with off_the_loop():
            there = (await connection.execute(text("SELECT thread_id()"))).scalar_one()

    assert here == loop_thread
    assert there != loop_thread


async def test_a_lock_held_by_another_process_is_waited_out_while_the_loop_runs(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Another process (here a plain sqlite3 connection) holds the write lock for half a second.
    blocker = sqlite3.connect(tmp_path / "inline.db", isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.5, blocker.execute, args=("COMMIT",))
    started = time.monotonic()
    released.start()
    try:
        async with loop_ticks() as ticks, engine.begin() as connection:
            await connection.execute(text("UPDATE counter SET n = n + 1 WHERE name = 'hits'"))
    finally:
        released.join()
        blocker.close()

    assert time.monotonic() - started >= 0.45  # it did wait for the other writer
    assert ticks.count >= 20  # and the loop went on meanwhile (50 ticks of 10 ms in 0.5 s when idle)
    assert await _hits(engine) == 1


async def test_a_lock_held_past_the_timeout_fails_as_sqlite_does(tmp_path: Path) -> None:
    path = tmp_path / "short.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.commit()
    engine = create_async_engine("sqlite+aiosqlite://", async_creator=inline_connector(str(path), 0.2))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        await engine.dispose()


async def test_a_failed_write_gives_the_turn_back(engine: AsyncEngine) -> None:
    # A duplicate key fails inside the transaction; its rollback must let the next writer in at once.
    with pytest.raises(Exception, match="UNIQUE"):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO counter VALUES ('hits', 5)"))

    async with asyncio.timeout(2):
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE counter SET n = 7 WHERE name = 'hits'"))
    assert await _hits(engine) == 7
