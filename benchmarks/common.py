"""What the benchmark scripts share: the offline set-up, the question set, answer timing, percentiles.

Each ``bench_*.py`` runs as a script (``.venv/bin/python benchmarks/bench_x.py``), so this module is
imported by its bare name and puts the repository root on ``sys.path`` for the packages and
``tests.fakes``.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Nothing may reach a model hub or telemetry; set before the libraries are imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

ANSWER_TIMEOUT_SECONDS = 120

if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings


async def app_on_shipped_knowledge(settings: Settings) -> App:
    """The core app with the shipped knowledge base indexed (stops the benchmark if a file fails)."""
    from bot.app import build_app

    app = await build_app(settings)
    print("indexing the shipped knowledge base…", flush=True)
    report = await app.services.knowledge.ingest(list(settings.content_dirs))
    if not report.ok:
        raise SystemExit(f"ingest failed: {report.failed}")
    return app


def load_questions() -> list[tuple[str, str]]:
    """(question, language) pairs from the shipped evaluation set, in file order."""
    from knowledge.evaluation import load_questions as load_eval_questions

    return [(question.question, question.language) for question in load_eval_questions()]


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` from 0 to 1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


class AnswerClock:
    """When each conversation received a message, so that a simulated member can await its answer.

    The benchmark's fake-server listener calls ``record`` with a conversation key of its platform.
    """

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self._waiters: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def record(self, key: str, at: float) -> None:
        """Note a message to conversation ``key`` at monotonic time ``at``."""
        self.arrivals[key].append(at)
        self._waiters[key].set()

    async def first_after(self, key: str, since: float) -> float:
        """The time of the first message to ``key`` sent at or after ``since`` (waits for it)."""
        while True:
            later = [at for at in self.arrivals[key] if at >= since]
            if later:
                return min(later)
            self._waiters[key].clear()
            await asyncio.wait_for(self._waiters[key].wait(), ANSWER_TIMEOUT_SECONDS)
