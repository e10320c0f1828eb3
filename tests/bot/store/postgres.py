"""A throwaway PostgreSQL database per test session (on 127.0.0.1:5432, made from ``test``).

Import ``postgres_url`` into a ``conftest.py`` to use it; tests that use it are marked ``postgres``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg2
import pytest

HOST = "127.0.0.1"
PORT = 5432
USER = "postgres"
ADMIN_DATABASE = "test"


def _admin(sql: str) -> None:
    # A blocking driver on purpose: the fixture may be set up while an event loop is running.
    connection = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=ADMIN_DATABASE)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def database_name() -> str:
    """A random name for a throwaway database (made by ``create_database``)."""
    return f"eser_test_{uuid.uuid4().hex[:12]}"


def create_database(name: str = "") -> str:
    """Create an empty database, with a random name unless ``name`` is given; returns its name."""
    name = name or database_name()
    _admin(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    """Drop a database made by ``create_database`` (closing any connection left open)."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(name: str) -> str:
    """The ``DATABASE_URL`` of a database (the form members of the team put in ``.env``)."""
    return f"postgresql://{USER}@{HOST}:{PORT}/{name}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end."""
    name = create_database()
    try:
        yield url_of(name)
    finally:
        drop_database(name)


def refuse_connections(name: str) -> None:
    """Make a database unreachable, as an outage would: no new connections, open ones closed."""
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")


def allow_connections(name: str) -> None:
    """End the outage ``refuse_connections`` started."""
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
