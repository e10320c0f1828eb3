"""Engine creation and schema migration (Alembic, run in-process)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, InvalidRequestError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import ConfigError, DatabaseUnavailable
from bot.store.sqlite_inline import inline_connector

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Seconds to wait for a PostgreSQL connection: an unreachable server must not hold a member's
# answer (or the apology) for asyncpg's default minute.
CONNECT_TIMEOUT = 5.0
# SQLSTATE classes meaning "the database cannot serve you now": connection exceptions, operator
# intervention (shutdown, not accepting connections), insufficient resources; and no such database.
UNAVAILABLE_SQLSTATES = ("08", "57", "53", "3D000")
# The advisory lock every process migrating a PostgreSQL database takes first: replicas starting at
# once would otherwise race to create the same tables (``alembic_version`` first) and all but one die.
# Any fixed 64-bit number works; this one is "ESER" in ASCII followed by "mig".
MIGRATION_LOCK_KEY = 0x45534552_006D6967
# How long a statement on SQLite waits for a lock that another connection or process holds.
SQLITE_BUSY_SECONDS = 30.0


def make_engine(url: str) -> AsyncEngine:
    """Create the async engine for ``url`` (``sqlite+aiosqlite://`` or ``postgresql+asyncpg://``).

    Args:
        url: SQLAlchemy URL with an async driver.

    Returns:
        The engine. SQLite files get WAL mode (synchronous ``NORMAL``) and foreign keys on, and their
        folder is created.
    """
    if url.startswith("sqlite"):
        path = make_url(url).database or ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Statements run on the event loop's thread (``sqlite_inline``: a fifth of a message's CPU
        # went to aiosqlite's hand-offs); a lock held elsewhere is waited for without blocking it.
        engine = create_async_engine(url, async_creator=inline_connector(path, SQLITE_BUSY_SECONDS))

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL syncs at checkpoints instead of at every commit: a killed process
            # still loses nothing committed (only a power cut could lose the last commits), and each
            # message's few small writes stop waiting for the disk.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, connect_args={"timeout": CONNECT_TIMEOUT})


def is_unavailable(error: BaseException) -> bool:
    """True when ``error`` means the database cannot be reached (rather than a bad query).

    Args:
        error: An exception raised while using the database.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError | TimeoutError | OperationalError | InterfaceError):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        state = str(getattr(current, "sqlstate", "") or getattr(current, "pgcode", "") or "")
        if state and state.startswith(UNAVAILABLE_SQLSTATES):
            return True
        if state == "55000" and "accepting connections" in str(current):  # ALLOW_CONNECTIONS false
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def one_line(error: BaseException) -> str:
    """``error`` as one short line: its driver message, without SQLAlchemy's background link."""
    text = " ".join(str(getattr(error, "orig", None) or error).split())
    return text.split(" (Background on this error")[0][:300]


def safe_url(url: str) -> str:
    """``url`` without its password, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable URL)"


async def open_database(url: str, *, setting: str, shown: str = "") -> AsyncEngine:
    """An engine on ``url`` with its schema migrated, or one clear error when it cannot be reached.

    Args:
        url: SQLAlchemy URL with an async driver.
        setting: The setting to name when the database is out of reach (``DATABASE_URL``).
        shown: The URL as the operator wrote it, for the message (``url`` when empty).

    Raises:
        DatabaseUnavailable: The database cannot be reached (yet); a ``ConfigError``.
        ConfigError: The URL is not usable or the folder cannot be made; the message names
            ``setting``, the URL without its password and the reason, on one line.
    """
    where = safe_url(shown or url)
    try:
        engine = make_engine(url)
    except OSError as error:
        raise ConfigError(setting, f"cannot create the database folder for {where}: {error}") from None
    except (ArgumentError, InvalidRequestError, ValueError) as error:  # not a URL, or not a database we drive
        raise ConfigError(setting, f"{where} is not a usable database URL ({one_line(error)})") from None
    try:
        await migrate(engine)
    except Exception as error:
        await engine.dispose()
        if not is_unavailable(error):
            raise
        raise DatabaseUnavailable(
            setting, f"cannot reach the database at {where} ({one_line(error)})"
        ) from None
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory that keeps objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once per process (reading them imports a dozen modules)."""
    return ScriptDirectory.from_config(_alembic_config())


def _missing_revisions(connection: Connection) -> set[str]:
    script = _scripts()
    current = MigrationContext.configure(connection).get_current_heads()
    # The version table keeps only the newest applied revision of each line; a head another revision
    # depends on (0001_conversation) is applied when any revision after it is.
    applied = {revision.revision for revision in script.iterate_revisions(current, "base")}
    return set(script.get_heads()) - applied


async def missing_revisions(engine: AsyncEngine) -> set[str]:
    """The migration heads the database has not reached yet (empty when its schema is current).

    Args:
        engine: The engine of the database to look at.

    Raises:
        Exception: Whatever the driver raises when the database cannot be reached.
    """
    async with engine.connect() as connection:
        return await connection.run_sync(_missing_revisions)


def _upgrade(connection: Connection) -> None:
    command.upgrade(_alembic_config(connection), "heads")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema up to date (every migration branch to its head).

    On PostgreSQL the migrating transaction first takes an advisory lock on a fixed key
    (``MIGRATION_LOCK_KEY``), so any number of processes may start at once: one migrates, the others
    wait for it and then find nothing left to do. The lock is transaction-scoped, so it goes with the
    commit, or with the connection when a process dies mid-migration. SQLite needs none: it lets one
    writer at a time in anyway.

    Args:
        engine: The engine of the database to migrate.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        # A database already at every head (each restart, each replica after the first) is left
        # alone: running alembic's upgrade would still load its environment and every script.
        if await connection.run_sync(_missing_revisions):
            await connection.run_sync(_upgrade)
