"""The Alembic-migrated schema is exactly ``Base.metadata``, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from bot.guided.state import GuidedState
from bot.store.database import MIGRATIONS_DIR, make_engine, migrate, session_factory
from bot.store.guided_chats import GuidedChatStore
from bot.store.tables import Base
from tests.bot.store.postgres import create_database, drop_database, url_of
from tests.conftest import FIXED_NOW, make_settings

ONBOARDING_TABLES = {"member_profiles", "member_consents", "subscriptions", "guided_chats"}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _downgrade_onboarding(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.downgrade(config, "onboarding@0000_base")


async def _check(url: str) -> None:
    engine = make_engine(url)
    try:
        await migrate(engine)
        await migrate(engine)  # running it again is harmless
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert await connection.run_sync(_tables) >= ONBOARDING_TABLES
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_onboarding)
        async with engine.connect() as connection:
            remaining = await connection.run_sync(_tables)
        assert not ONBOARDING_TABLES & remaining and "answers" in remaining  # only this branch went
        await migrate(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


def test_onboarding_is_its_own_branch_from_the_base() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    revision = ScriptDirectory.from_config(config).get_revision("0002_onboarding")
    assert revision is not None
    assert revision.down_revision == "0000_base" and revision.branch_labels == {"onboarding"}


async def test_migrated_sqlite_schema_matches_the_models(tmp_path: Path) -> None:
    await _check(make_settings(tmp_path).effective_database_url)


@pytest.mark.postgres
async def test_migrated_postgresql_schema_matches_the_models(tmp_path: Path) -> None:
    name = create_database()  # an empty database of its own: migrations start from nothing
    try:
        await _check(make_settings(tmp_path, DATABASE_URL=url_of(name)).effective_database_url)
    finally:
        drop_database(name)


def _upgrade_to(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


OLD_ROWS = [
    "INSERT INTO onboarding_states (platform, user_id, chat_id, status, state, hint, started_at, updated_at) "
    "VALUES ('telegram', 'm1', 'm1', 'paused', "
    '\'{"step": "country", "answers": {"language": "pl"}}\', \'pl\', :now, :now)',
    "INSERT INTO dialogue_states (platform, user_id, chat_id, kind, state, started_at, updated_at) "
    "VALUES ('slack', 'o1', 'C1', 'announce', "
    '\'{"id": "abc", "step": "when", "answers": {"text": "Hi"}, "language": "it"}\', :now, :now)',
]


async def _moved(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to, "0003_broadcast")
            for statement in OLD_ROWS:
                await connection.execute(text(statement), {"now": FIXED_NOW})
        await migrate(engine)
        store = GuidedChatStore(session_factory(engine))
        member = await store.get("telegram", "m1", "onboarding")
        assert member is not None and (member.status, member.hint) == ("paused", "pl")
        assert GuidedState.model_validate_json(member.state).answers == {"language": "pl"}
        [organiser] = await store.active("slack", "o1")
        assert (organiser.flow, organiser.chat_id, organiser.hint) == (
            "announce",
            "C1",
            "it",
        )
        state = GuidedState.model_validate_json(organiser.state)
        assert (state.id, state.step, state.answers) == ("abc", "when", {"text": "Hi"})
        async with engine.connect() as connection:
            assert not {"onboarding_states", "dialogue_states"} & await connection.run_sync(_tables)
    finally:
        await engine.dispose()


async def test_both_guided_chat_tables_move_into_one_on_sqlite(tmp_path: Path) -> None:
    await _moved(make_settings(tmp_path).effective_database_url)


@pytest.mark.postgres
async def test_both_guided_chat_tables_move_into_one_on_postgresql(tmp_path: Path) -> None:
    name = create_database()
    try:
        await _moved(make_settings(tmp_path, DATABASE_URL=url_of(name)).effective_database_url)
    finally:
        drop_database(name)
