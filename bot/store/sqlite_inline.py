"""SQLite for SQLAlchemy's asyncio engine, run on the event loop's thread instead of a thread per connection.

aiosqlite (SQLAlchemy's ``sqlite+aiosqlite`` driver) runs every call — open a cursor, execute, fetch,
close, commit, the rollback when a connection returns to the pool — on a thread of its own and wakes
the event loop with the result: six hand-offs per transaction, each a wake-up of the loop and a wait
for the GIL behind the answers being computed. Measured on the Telegram path with 50 members on two
cores, those hand-offs cost as much of the loop's time as SQLAlchemy itself. A statement of the
message path takes tens of microseconds in SQLite, so this driver runs it in place and sqlite3
releases the GIL while SQLite works.

What a thread bought aiosqlite is waiting for a lock without blocking the loop; that is kept. The
engine's connections take turns to write (``WriterTurn``), and a statement that finds the database
locked by another process is retried after an asyncio sleep, with backoff, until the timeout the
engine was given, as SQLite's own busy handler would (the connection's own busy timeout is zero).
Statements known to be long run on a worker thread instead (``off_the_loop``).

It speaks the subset of aiosqlite's interface that SQLAlchemy's aiosqlite dialect uses, and is
plugged in through ``create_async_engine(..., async_creator=...)``, the engine's documented hook for
a custom connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# sqlite3's result code for "the database is locked by another connection". Its extended codes
# share the low byte; SQLITE_BUSY_SNAPSHOT (517) is not one to wait out: the transaction's snapshot
# is stale and only a new transaction helps, so it is raised at once, as SQLite's busy handler does.
SQLITE_BUSY = 5
SQLITE_BUSY_SNAPSHOT = 517
# Backoff between retries, in seconds: short at first (a write of the message path holds the lock
# for well under a millisecond), then no longer than SQLite's own handler sleeps.
FIRST_WAIT = 0.0005
LONGEST_WAIT = 0.05
# Statements that never write: they run without the writer's turn (WAL readers block no one).
READS = ("SELECT", "PRAGMA")


_off_the_loop: ContextVar[bool] = ContextVar("eser_sqlite_off_the_loop", default=False)


@contextmanager
def off_the_loop() -> Iterator[None]:
    """Run the SQLite statements of the ``with`` block on a worker thread.

    For the few statements that take long enough to hold up every message and acknowledgement (an
    announcement's outbox rows for 100,000 subscribers: 0.4 s; counting its audience: 0.1 s); the
    message path's statements take microseconds and run in place.
    """
    token = _off_the_loop.set(True)
    try:
        yield
    finally:
        _off_the_loop.reset(token)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # raised without a code (Python before 3.11 or a message only)
        return "database is locked" in str(error)
    return code & 0xFF == SQLITE_BUSY and code != SQLITE_BUSY_SNAPSHOT


class _RunAtOnce:
    """Runs what aiosqlite would queue for its thread, here and now."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, call = item
        try:
            future.set_result(call())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(error)


class InlineCursor:
    """An aiosqlite-like cursor over a sqlite3 cursor."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection.sqlite().cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        await self._connection.run_statement(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)  # a generator could not be read twice by a retry
        await self._connection.run_statement(self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        return await self._connection.run(self._cursor.fetchone)

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return await self._connection.run(self._cursor.fetchmany, size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return await self._connection.run(self._cursor.fetchall)

    async def close(self) -> None:
        self._cursor.close()


class WriterTurn:
    """One writer at a time among the connections of one engine, in the order they asked.

    SQLite lets one connection write at a time. SQLAlchemy's asyncio session commits through
    ``asyncio.shield``, a turn of the event loop, so a transaction holds the write lock across other
    tasks' statements; without this turn those would find the database locked and retry on a timer,
    about 1.5 retries per transaction with 50 members asking. Waiting here instead costs nothing
    until the writer ends its transaction. Locks held by another process are still found by SQLite
    and waited out by ``InlineConnection.when_unlocked``.
    """

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None
        self.holder: object | None = None

    async def take(self, connection: object, patience: float) -> None:
        """Wait for the turn (``sqlite3.OperationalError`` after ``patience`` seconds, as SQLite)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        try:
            async with asyncio.timeout(patience):
                await self._lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self.holder = connection

    def give_back(self, connection: object) -> None:
        """End ``connection``'s turn, if it has it."""
        if self.holder is connection and self._lock is not None:
            self.holder = None
            self._lock.release()


class InlineConnection:
    """An aiosqlite-like connection whose calls run on the calling thread.

    Args:
        connection: An open sqlite3 connection (busy timeout zero).
        busy_timeout: Seconds to keep retrying a statement that finds the database locked.
        turn: The writer's turn shared by the engine's connections.
    """

    def __init__(self, connection: sqlite3.Connection, busy_timeout: float, turn: WriterTurn) -> None:
        # ``_connection`` is the name SQLAlchemy's aiosqlite adapter reads to tell an open
        # connection from a closed one.
        self._connection: sqlite3.Connection | None = connection
        self._busy_timeout = busy_timeout
        self._turn = turn

    def sqlite(self) -> sqlite3.Connection:
        """The open sqlite3 connection (``ValueError`` once closed, as aiosqlite)."""
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    async def run_statement(self, call: Callable[..., T], sql: str, *args: Any) -> T:
        """Run a statement, taking the writer's turn first unless it only reads."""
        if self._turn.holder is not self and not sql.lstrip()[:6].upper().startswith(READS):
            await self._turn.take(self, self._busy_timeout)
        try:
            return await self.when_unlocked(call, sql, *args)
        finally:
            self._end_of_transaction()

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)`` here, or on a worker thread inside ``off_the_loop``."""
        if _off_the_loop.get():
            return await asyncio.to_thread(call, *args)
        return call(*args)

    def _end_of_transaction(self) -> None:
        if self._connection is None or not self._connection.in_transaction:
            self._turn.give_back(self)

    async def when_unlocked(self, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)``, retried after a pause while SQLite reports the database locked."""
        try:
            return await self.run(call, *args)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
        deadline = time.monotonic() + self._busy_timeout
        wait = FIRST_WAIT
        while True:
            await asyncio.sleep(wait)
            try:
                return await self.run(call, *args)
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            wait = min(wait * 2, LONGEST_WAIT)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self.sqlite()

    @property
    def _tx(self) -> _RunAtOnce:
        return _RunAtOnce()

    @property
    def isolation_level(self) -> str | None:
        return self.sqlite().isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self.sqlite().isolation_level = value  # type: ignore[assignment]  # typeshed narrows to three levels

    def cursor(self) -> InlineCursor:
        """A new cursor (SQLAlchemy enters it with ``__aenter__``)."""
        return InlineCursor(self)

    async def commit(self) -> None:
        """Commit, waiting out a lock like any statement."""
        try:
            await self.when_unlocked(self.sqlite().commit)
        finally:
            self._end_of_transaction()

    async def rollback(self) -> None:
        """Roll back."""
        try:
            self.sqlite().rollback()
        finally:
            self._end_of_transaction()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register a SQL function (SQLAlchemy's dialect registers ``regexp``)."""
        self.sqlite().create_function(*args, **kwargs)

    async def close(self) -> None:
        """Close; closing twice does nothing."""
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's ``terminate``); an open transaction is rolled back."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._turn.give_back(self)


def inline_connector(path: str, busy_timeout: float) -> Callable[[], Awaitable[InlineConnection]]:
    """The ``async_creator`` for an engine on the SQLite file ``path``.

    Args:
        path: The database file (or ``:memory:``).
        busy_timeout: Seconds a statement waits for a lock held elsewhere before failing.
    """

    turn = WriterTurn()

    async def connect() -> InlineConnection:
        # check_same_thread off: SQLAlchemy may close a connection from the garbage collector's
        # thread; every other call comes from the event loop's thread, one at a time per
        # connection, which SQLAlchemy's adapter enforces with a lock per connection.
        connection = sqlite3.connect(path, timeout=0, check_same_thread=False)
        return InlineConnection(connection, busy_timeout, turn)

    return connect
