"""What the benchmark scripts share: the offline set-up, the question set, answer timing, percentiles.

Each ``bench_*.py`` runs as a script (``.venv/bin/python benchmarks/bench_x.py``), so this module is
imported by its bare name and puts the repository root on ``sys.path`` for the packages and
``tests.fakes``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
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
# The longest line either side of the benchmark writes to the other: the members' questions one way,
# every latency and ack back. asyncio's default (64 KiB) is passed at about 500 questions.
PIPE_LINE_LIMIT = 64 * 1024 * 1024

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
    parser.add_argument(
        "--index-cache",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the built index in DIR and start from it next time (the ingest then only checks "
        "what changed; the database is fresh each run)",
    )


def add_path_only_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--path-only`` (see ``answer_instantly``)."""
    parser.add_argument(
        "--path-only",
        action="store_true",
        help="every question gets a copy of one answer computed beforehand: the figures are then the "
        "message path's own (routing, storage, platform calls), the ceiling whatever the engine costs",
    )


async def answer_instantly(app: App) -> None:
    """Make the knowledge engine answer every question with a copy of one answer computed now.

    Only for ``--path-only`` runs: the answer still goes through the engine's pool and the whole
    message path (quota, records, rendering, platform calls), but costs no retrieval.
    """
    answerer = app.services.knowledge.answerer
    computed = await app.services.knowledge.answer("How can a region join ESER?")

    def instant(question: str, **_: Any) -> tuple[Any, bool]:
        return computed.model_copy(deep=True), False

    answerer.answer = instant  # type: ignore[method-assign]


def print_rates(rate: float, bare: float | None) -> None:
    """The full path's rate beside the engine's bare rate (absent in ``--path-only`` runs)."""
    print(f"answers per second:    {rate:.1f}")
    if bare is None:
        print("bare answer rate:      not measured (--path-only: each answer copies one computed before)")
        return
    print(f"bare answer rate:      {bare:.1f} per second (the engine alone, one process, same questions)")
    print(f"full path / bare:      {rate / bare:.2f}x")


def knowledge_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Settings values for the ``add_knowledge_arguments`` options (to pass to ``Settings``)."""
    values: dict[str, Any] = {"ESER_CONTENT_DIRS": [args.content.resolve()]}
    if args.embeddings:
        values["ESER_EMBEDDINGS"] = args.embeddings
    return values


async def app_on_shipped_knowledge(settings: Settings, index_cache: Path | None = None) -> App:
    """The core app with its content folders indexed (stops the benchmark if a file fails).

    Args:
        settings: The benchmark's settings (a fresh data folder).
        index_cache: A folder the index is copied from before the ingest, when it holds one, and to
            after it (``--index-cache``): the e5 ingest of the shipped knowledge base takes minutes
            on one thread, and what a benchmark measures starts after it.
    """
    from adapters.platforms import platform_capabilities
    from bot.app import build_app
    from knowledge.embeddings import effective_embeddings

    cached = index_cache / collection_folder(settings) if index_cache else None
    if cached is not None and cached.is_dir():
        shutil.copytree(cached, settings.chroma_dir, dirs_exist_ok=True)
    app = await build_app(settings, platforms=platform_capabilities(settings))
    folders = ", ".join(str(folder) for folder in settings.content_dirs)
    print(f"model: {effective_embeddings(settings.embeddings)}; indexing {folders}…", flush=True)
    started = time.perf_counter()
    report = await app.services.knowledge.ingest(list(settings.content_dirs))
    if not report.ok:
        raise SystemExit(f"ingest failed: {report.failed}")
    print(f"indexed {report.chunks_embedded} chunks in {time.perf_counter() - started:.1f} s", flush=True)
    if cached is not None and not cached.is_dir():
        shutil.copytree(settings.chroma_dir, cached)
    await app.services.knowledge.warm_up()  # as ``serve`` does before members arrive
    from bot.long_lived import freeze_long_lived

    freeze_long_lived()  # as ``serve`` does once the models are loaded
    return app


def collection_folder(settings: Settings) -> str:
    """The cache sub-folder for this model's index (one model's vectors never meet another's)."""
    from knowledge.embeddings import collection_suffix, effective_embeddings

    return collection_suffix(effective_embeddings(settings.embeddings))


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


class PlatformSide:
    """The fake platform and its members in a process of their own (``platform_side.py``), so that the
    figures measured are the bot's own.

    Args:
        platform: ``telegram`` or ``slack``.
        per_member: Each member's questions, as (text, language) pairs.
    """

    def __init__(self, platform: str, per_member: list[list[tuple[str, str]]]) -> None:
        self.platform = platform
        self.per_member = per_member
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> dict[str, Any]:
        """Start the process and its fake server; returns what the bot needs to reach it."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("platform_side.py")),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            limit=PIPE_LINE_LIMIT,
        )
        return await self._ask({"platform": self.platform, "per_member": self.per_member})

    async def run(self, url: str) -> dict[str, Any]:
        """Let the members ask at ``url``; returns their figures once all are answered, with
        ``bot_cpu``: the CPU seconds this process (the bot's) spent meanwhile, all threads."""
        cpu = time.process_time()
        figures = await self._ask({"url": url})
        return {**figures, "bot_cpu": time.process_time() - cpu}

    async def close(self) -> None:
        """Stop the fake server and wait for the process."""
        if self._process is None:
            return
        if self._process.stdin is not None and not self._process.stdin.is_closing():
            self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), 30)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()

    async def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._process is not None and self._process.stdin and self._process.stdout
        self._process.stdin.write((json.dumps(request) + "\n").encode())
        await self._process.stdin.drain()
        line = await self._process.stdout.readline()
        if not line:
            raise SystemExit(f"the {self.platform} side stopped (see its error output above)")
        answer: dict[str, Any] = json.loads(line)
        return answer


def measure(app: App) -> None:
    """Turn on the per-event timings of ``app`` (``bot.timing``), and split the answer stage into
    composition and the rest (retrieval) by timing the composer."""
    from bot.timing import stage

    app.timings.enabled = True
    answerer = getattr(app.services.knowledge, "answerer", None)
    composer = getattr(answerer, "composer", None)
    compose = getattr(composer, "compose", None)
    if composer is None or compose is None:
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        with stage("composition"):
            return compose(*args, **kwargs)

    composer.compose = timed


def print_cpu(result: dict[str, Any], answers: int) -> None:
    """CPU time per answer of the bot's process and of the platform side (members and fake server):
    on a machine of few cores the two share them, so this is what bounds the rate."""
    bot, side = result["bot_cpu"], result.get("cpu", 0.0)
    cores = (bot + side) / max(result["elapsed"], 1e-9)
    per = max(answers, 1)
    print(
        f"CPU per answer:        bot {bot / per * 1000:.1f} ms, platform side {side / per * 1000:.1f} ms"
        f" ({cores:.2f} cores busy in all)"
    )


def print_breakdown(app: App, questions: int) -> None:
    """Mean milliseconds per event in each stage, and the database statements per question."""
    from bot.timing import STAGES

    records = list(app.timings.requests.values())
    if not records:
        return
    names = [*STAGES[:5], "composition", *STAGES[5:]]
    labels = {
        "inbox": "de-duplication (inbox)",
        "routing": "routing, handler checks",
        "queue": "waiting for a turn",
        "member": "profile and quota",
        "answer": "retrieval",
        "composition": "composition",
        "recording": "recording the answer",
        "rendering": "rendering",
        "platform": "platform calls",
    }
    print(f"time per event (mean of {len(records)} events, ms; the answer runs in a thread):")
    for name in names:
        spent = sum(record.seconds.get(name, 0.0) for record in records) / len(records)
        print(f"  {labels[name]:<25} {spent * 1000:8.1f}")
    statements = sum(record.statements for record in records)
    print(f"database statements:   {statements / max(questions, 1):.1f} per question ({statements} in all)")


async def bare_rate(app: App, asked: list[tuple[str, str]]) -> float:
    """Answers per second of the knowledge engine alone, one question after the other, on ``asked``
    (what ``eser-bot ask --json -`` does)."""
    engine = app.services.knowledge
    started = time.perf_counter()
    for text, _ in asked:
        await engine.answer(text)
    return len(asked) / (time.perf_counter() - started)
