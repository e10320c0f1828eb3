"""Blocking work in a daemon thread of its own, awaited from the event loop.

``asyncio.to_thread`` runs work in the loop's default executor, which ``asyncio.run`` joins before
the process may exit: a model still loading when ``serve`` is asked to stop would hold the stop up
for as long as the load takes (tens of seconds on a loaded machine). Work that is only worth its
result — warming up models — runs here instead: when the process stops, it is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def run_detached(work: Callable[[], T], *, name: str) -> T:
    """Run ``work()`` in a new daemon thread and return its result (or raise its exception).

    Cancelling the awaiting coroutine does not stop the thread; the process may exit without it.

    Args:
        work: What to run.
        name: The thread's name (in thread dumps).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # the waiter was cancelled
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result, error = work(), None
        except BaseException as failure:  # handed to the waiter, whatever it is
            result, error = None, failure
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
