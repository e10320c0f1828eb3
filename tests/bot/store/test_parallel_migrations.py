"""Replicas starting at once on one fresh PostgreSQL database all migrate it, none dies (issue 13)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from bot.store.database import make_engine, missing_revisions
from bot.store.tables import Base
from tests.bot.store.migrating import migrate_at_the_start_line
from tests.bot.store.postgres import create_database, drop_database, url_of
from tests.conftest import make_settings

pytestmark = pytest.mark.postgres

ENGINES = 6
PROCESSES = 4


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def _assert_current(url: str) -> None:
    engine = make_engine(url)
    try:
        assert await missing_revisions(engine) == set()
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_engines_in_parallel_processes_all_migrate_one_fresh_database(tmp_path: Path) -> None:
    # Processes, not threads: Alembic keeps its migration context in module globals, so one process
    # migrates one database at a time anyway; replicas are processes.
    name = create_database()
    try:
        url = make_settings(tmp_path, DATABASE_URL=url_of(name)).effective_database_url
        spawn = multiprocessing.get_context("spawn")
        start = spawn.Barrier(ENGINES, timeout=60)
        processes = [
            spawn.Process(target=migrate_at_the_start_line, args=(url, start)) for _ in range(ENGINES)
        ]
        for process in processes:
            process.start()
        for process in processes:
            await asyncio.to_thread(process.join, 120)
        assert [process.exitcode for process in processes] == [0] * ENGINES
        await _assert_current(url)
    finally:
        drop_database(name)


async def test_migrate_commands_started_at_once_all_succeed(tmp_path: Path) -> None:
    name = create_database()
    try:
        env = {**os.environ, "DATABASE_URL": url_of(name), "ESER_DATA_DIR": str(tmp_path)}
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "migrate",
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            for _ in range(PROCESSES)
        ]
        outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in processes)), 120)
        for process, (output, _) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, output.decode()
            assert "The database schema is up to date." in output.decode()
        await _assert_current(make_settings(tmp_path, DATABASE_URL=url_of(name)).effective_database_url)
    finally:
        drop_database(name)
