"""The engine's answer pool (``knowledge.pool``): its size, and the BLAS threads it keeps away."""

from __future__ import annotations

import os
import threading

import numpy as np
from threadpoolctl import threadpool_info

from knowledge.pool import THREADS_PER_CORE, AnswerPool, usable_cores


def test_usable_cores_follow_the_affinity() -> None:
    assert usable_cores() == len(os.sched_getaffinity(0))


async def test_the_pool_runs_work_on_its_own_threads_with_the_callers_context() -> None:
    pool = AnswerPool()
    try:
        assert pool.workers == THREADS_PER_CORE * usable_cores()
        name = await pool.run(lambda: threading.current_thread().name)
        assert name.startswith("eser-answer") and name != threading.current_thread().name
    finally:
        pool.shutdown()


async def test_numpy_products_stay_on_the_answer_s_own_thread() -> None:
    """OpenBLAS would spread each product over a thread per core whose workers busy-wait between
    products; answers already run in parallel, so the pool keeps BLAS to one thread."""
    pool = AnswerPool(2)
    try:
        await pool.run(lambda: np.ones((300, 384), dtype=np.float32) @ np.ones(384, dtype=np.float32))
        blas = [library for library in threadpool_info() if library["user_api"] == "blas"]
        assert blas, "numpy's BLAS is loaded"
        assert {library["num_threads"] for library in blas} == {1}
    finally:
        pool.shutdown()
