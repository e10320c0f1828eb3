"""Keeping the cyclic garbage collector away from the objects that live as long as the process.

The loaded index (chunks, BM25 tables, card phrasings) and the models are some 340,000 objects that
stay for the life of the process; every full collection walks all of them again, holding the GIL:
254 ms measured on the shipped knowledge base, during which no member's message is read, no Slack
event acknowledged (the 280–350 ms ack p99 of ``benchmarks/bench_slack.py``) and no answer
computed. ``gc.freeze`` moves the objects alive at that moment to a generation the collector never
walks (a full collection then takes microseconds); objects freed later are still freed by reference
counting, only cycles among them would stay. So it is done once the index and models are loaded,
and again after the index is reloaded.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)


def freeze_long_lived() -> int:
    """Collect the garbage there is now, then freeze every object still alive (see the module).

    Returns:
        How many objects the collector no longer walks.
    """
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info(
        "%d long-lived objects set aside from garbage collection in %.0f ms",
        frozen,
        (time.perf_counter() - started) * 1000,
    )
    return frozen
