"""``eser-bot migrate``: the schema brought up to date, then exit; an unreachable database named."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from bot.store.database import make_engine, missing_revisions
from tests.bot.cli.conftest import Runner
from tests.conftest import make_settings


def test_migrate_brings_the_sqlite_schema_up_to_date(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = run("migrate")
    assert result.exit_code == 0 and "The database schema is up to date." in result.output
    assert asyncio.run(_missing(make_settings(tmp_path).effective_database_url)) == set()
    assert run("migrate").exit_code == 0  # again: nothing to do


async def _missing(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return await missing_revisions(engine)
    finally:
        await engine.dispose()


def test_migrate_names_an_unreachable_database(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://eser:hidden@127.0.0.1:{port}/eser")
    result = run("migrate")
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output and "hidden" not in result.output
