"""What one message reads about its member, read once: the member snapshot shared by the handlers.

Several handlers look at the same rows while routing one message (the guided-chat handler at the
member's dialogues, then at their onboarding run; the handlers' language choice and the question
handler at their profile). While ``App`` routes a message, the stores' member reads go through
``read_once``: the first read of a row goes to the database, later ones in the same message get the
same (immutable) value.

Nothing is kept between messages, so another replica's changes are seen by the next message, as
before. Any write this process sends while the message is handled (an ``INSERT``, ``UPDATE`` or
``DELETE`` of any table) forgets everything read so far, so that a handler never reads back a row
older than its own change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")


class _Reads:
    """The rows read during one message (``open`` until the message is answered)."""

    def __init__(self) -> None:
        self.values: dict[Hashable, Any] = {}
        self.open = True


_reads: ContextVar[_Reads | None] = ContextVar("eser_message_reads", default=None)


@contextmanager
def message_reads() -> Iterator[None]:
    """Share member reads within the ``with`` block (one message's routing)."""
    reads = _Reads()
    token = _reads.set(reads)
    try:
        yield
    finally:
        # A task started during the message keeps this context: it must read afresh afterwards.
        reads.open = False
        reads.values.clear()
        _reads.reset(token)


async def read_once(key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
    """``load()``, or the value it gave earlier in the same message.

    Args:
        key: What is read (the table and the row's key).
        load: Reads it from the database; its value must not be changed by callers (frozen models,
            tuples).
    """
    reads = _reads.get()
    if reads is None or not reads.open:
        return await load()
    if key in reads.values:
        return cast(T, reads.values[key])
    value = await load()
    if reads.open:
        reads.values[key] = value
    return value


def forget_reads_on_writes(engine: AsyncEngine) -> None:
    """Forget the current message's reads whenever ``engine`` sends anything but a ``SELECT``."""

    def on_statement(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        reads = _reads.get()
        if reads is not None and reads.values and not statement.lstrip()[:6].upper().startswith("SELECT"):
            reads.values.clear()

    event.listen(engine.sync_engine, "before_cursor_execute", on_statement)
