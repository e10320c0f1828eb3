"""What the benchmark scripts share: the offline set-up, the question set, answer timing, percentiles.

Each ``bench_*.py`` runs as a script (``.venv/bin/python benchmarks/bench_x.py``), so this module is
imported by its bare name and puts the repository root on ``sys.path`` for the packages and
``tests.fakes``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "knowledge" / "content"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Nothing may reach a model hub or telemetry; set before the libraries are imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

ANSWER_TIMEOUT_SECONDS = 120
T = TypeVar("T")

if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings


def add_content_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--content DIR``: the content root a benchmark indexes."""
    parser.add_argument(
        "--content",
        type=Path,
        default=CONTENT,
        metavar="DIR",
        help="content root to index (default knowledge/content, the shipped knowledge base)",
    )


def add_knowledge_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--content DIR`` and ``--embeddings SPEC`` (read back by ``knowledge_settings``)."""
    add_content_argument(parser)
    parser.add_argument(
        "--embeddings",
        default="",
        metavar="SPEC",
        help="embedding model (default: ESER_EMBEDDINGS, else the product default)",
    )


def knowledge_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Settings values for the ``add_knowledge_arguments`` options (to pass to ``Settings``)."""
    values: dict[str, Any] = {"ESER_CONTENT_DIRS": [args.content.resolve()]}
    if args.embeddings:
        values["ESER_EMBEDDINGS"] = args.embeddings
    return values


async def app_on_shipped_knowledge(settings: Settings) -> App:
    """The core app with its content folders indexed (stops the benchmark if a file fails)."""
    from adapters.platforms import platform_capabilities
    from bot.app import build_app
    from knowledge.embeddings import effective_embeddings

    app = await build_app(settings, platforms=platform_capabilities(settings))
    folders = ", ".join(str(folder) for folder in settings.content_dirs)
    print(f"model: {effective_embeddings(settings.embeddings)}; indexing {folders}…", flush=True)
    started = time.perf_counter()
    report = await app.services.knowledge.ingest(list(settings.content_dirs))
    if not report.ok:
        raise SystemExit(f"ingest failed: {report.failed}")
    print(f"indexed {report.chunks_embedded} chunks in {time.perf_counter() - started:.1f} s", flush=True)
    await app.services.knowledge.warm_up()  # as ``serve`` does before members arrive
    return app


def load_questions() -> list[tuple[str, str]]:
    """(question, language) pairs from the shipped evaluation set, in file order."""
    from knowledge.evaluation import load_questions as load_eval_questions

    return [(question.question, question.language) for question in load_eval_questions()]


def spread(items: list[T], count: int) -> list[T]:
    """``count`` items evenly spaced over ``items`` (all of them when ``count`` is not smaller).

    The evaluation sets list English questions first; an even spread keeps the other languages in a
    small sample.
    """
    if count <= 0 or count >= len(items):
        return list(items)
    return [items[n * len(items) // count] for n in range(count)]


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
