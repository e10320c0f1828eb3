"""Knowledge pipeline benchmark: answer latency, ingest throughput, re-ingest, cold start, memory.

Run: ``.venv/bin/python benchmarks/bench_knowledge.py`` (add ``--synthetic 20000`` to change the size
of the large corpus). Everything runs on temporary stores; nothing touches ``data/``.

What it prints, each next to what it is compared with:
- warm answer latency (retrieval + extractive composition, the ``answer`` path members hit) p50/p95,
  on the shipped corpus and on a synthetic corpus of N chunks, next to the *floor* measured in the
  same run: one query embedding plus one Chroma query (what any dense RAG answer must pay);
- ingest throughput in chunks/s next to the bare model's ``encode`` throughput on the same texts;
- re-ingest of the unchanged corpus (nothing may be embedded);
- cold start: a new ``eser-bot ask`` process, from start to its first answer;
- peak memory (max RSS) of this process.

The synthetic corpus reuses the shipped chunks' texts (shuffled sentences) for BM25 and gives each
synthetic chunk the embedding of a shipped chunk plus small noise, written straight into Chroma:
embedding 20,000 texts on a 2-core CPU would take minutes and measure the encoder, which the ingest
figures already do. The query path — embedding, HNSW search, BM25 over 20k chunks, fusion, filters,
composition — is the real one.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, load_questions, percentile

from bot.i18n import Catalogue
from knowledge.chunking import embedding_text
from knowledge.embeddings import build_embeddings
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex, chroma_client
from knowledge.models import Chunk

CONTENT = ROOT / "knowledge" / "content"


def timed_ms(function, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def latency(engine: KnowledgeEngine, questions: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Answer latencies and floor latencies (embed + one Chroma query), interleaved per question."""
    collection = engine.index.store._collection  # the raw Chroma collection: the floor has no extras
    for question in questions[:5]:  # warm caches, threads and the HNSW index
        engine.answer_sync(question)
    answers: list[float] = []
    floors: list[float] = []
    for _ in range(rounds):
        for question in questions:
            answers.append(timed_ms(engine.answer_sync, question))
            floors.append(
                timed_ms(
                    lambda q=question: collection.query(
                        query_embeddings=[engine.index.embed_query(q)], n_results=8
                    )
                )
            )
    return answers, floors


def report_latency(label: str, answers: list[float], floors: list[float]) -> None:
    p50, p95 = percentile(answers, 0.5), percentile(answers, 0.95)
    f50, f95 = percentile(floors, 0.5), percentile(floors, 0.95)
    print(
        f"{label}: answer p50 {p50:.1f} ms, p95 {p95:.1f} ms | floor (embed + 1 Chroma query) "
        f"p50 {f50:.1f} ms, p95 {f95:.1f} ms | p95 ratio {p95 / f95:.2f}x  ({len(answers)} answers)"
    )


def synthetic_corpus(
    source: list[Chunk], vectors: np.ndarray, size: int, seed: int = 7
) -> tuple[list[str], list[str], list[dict[str, str | int | float | bool]], np.ndarray]:
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    sentences = [s for chunk in source for s in chunk.text.split(". ") if len(s) > 20]
    ids, texts, metas, embeddings = [], [], [], []
    for n in range(size):
        base = rng.randrange(len(source))
        chunk = source[base]
        body = ". ".join(rng.sample(sentences, 4)) + "."
        meta = dict(chunk.metadata)
        meta.update(
            {"doc_id": f"synthetic/{n // 4}.md", "source_root": "synthetic", "section": f"part {n % 4}"}
        )
        ids.append(f"synthetic/{n}")
        texts.append(f"{chunk.title} (synthetic {n})\n{body}")
        metas.append(meta)
        vector = vectors[base] + noise.normal(0, 0.05, vectors.shape[1])
        embeddings.append(vector / np.linalg.norm(vector))
    return ids, texts, metas, np.array(embeddings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=int, default=20_000, help="chunks in the large corpus")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set")
    args = parser.parse_args()
    catalogue = Catalogue()
    questions = [question for question, _ in load_questions()]
    print(f"Machine: {os.cpu_count()} CPUs; questions: {len(questions)} (shipped eval set)")

    started = time.perf_counter()
    embeddings = build_embeddings("bundled:all-MiniLM-L6-v2")
    embeddings.embed_query("warm up")
    print(f"Model load: {time.perf_counter() - started:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        # --- ingest throughput vs. the bare encoder ---------------------------------------------
        engine = KnowledgeEngine(
            VectorIndex(chroma_client(Path(tmp) / "a"), "eser", embeddings),
            catalogue,
            content_roots=[CONTENT],
        )
        report = engine.ingest_sync([CONTENT])
        ingest_rate = report.chunks_embedded / report.seconds
        texts = [embedding_text(chunk) for chunk in engine.index.chunks]
        model = embeddings._client  # the SentenceTransformer inside the langchain wrapper
        started = time.perf_counter()
        model.encode(texts, batch_size=64, normalize_embeddings=True)
        encode_rate = len(texts) / (time.perf_counter() - started)
        print(
            f"Ingest: {report.chunks_embedded} chunks in {report.seconds:.2f} s = {ingest_rate:.0f} chunks/s"
            f" | bare encoder {encode_rate:.0f} chunks/s"
            f" | ingest at {ingest_rate / encode_rate:.0%} of the encoder"
        )
        again = engine.ingest_sync([CONTENT])
        print(
            f"Re-ingest unchanged corpus: {again.seconds:.2f} s, {again.chunks_embedded} chunks embedded, "
            f"{len(again.unchanged)} documents unchanged"
        )

        # --- warm latency on the shipped corpus -------------------------------------------------
        report_latency(
            f"Shipped corpus ({len(engine.index)} chunks)", *latency(engine, questions, args.rounds)
        )

        # --- warm latency on a synthetic corpus -------------------------------------------------
        source = engine.index.chunks
        vectors = np.array(
            model.encode([embedding_text(c) for c in source], batch_size=64, normalize_embeddings=True)
        )
        big = KnowledgeEngine(VectorIndex(chroma_client(Path(tmp) / "b"), "big", embeddings), catalogue)
        ids, big_texts, metas, big_vectors = synthetic_corpus(source, vectors, args.synthetic)
        collection = big.index.store._collection
        started = time.perf_counter()
        for start in range(0, len(ids), 2000):
            end = start + 2000
            collection.add(
                ids=ids[start:end],
                documents=big_texts[start:end],
                metadatas=metas[start:end],  # type: ignore[arg-type]
                embeddings=big_vectors[start:end].tolist(),
            )
        big.index.refresh_lexical()
        print(f"Synthetic corpus: {len(big.index)} chunks written in {time.perf_counter() - started:.1f} s")
        report_latency(f"Synthetic corpus ({len(big.index)} chunks)", *latency(big, questions, args.rounds))

        # --- cold start ---------------------------------------------------------------------------
        env = dict(os.environ, ESER_DATA_DIR=str(Path(tmp) / "cold"), ESER_CONTENT_DIRS=str(CONTENT))
        cli = [str(Path(sys.executable).with_name("eser-bot"))]
        subprocess.run([*cli, "ingest"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(
            [*cli, "ask", "Can a cooperative become a member of ESER?"],
            env=env,
            check=True,
            capture_output=True,
        )
        print(f"Cold start (new process to first answer, index ready): {time.perf_counter() - started:.1f} s")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory (max RSS of this process): {peak:.0f} MB")
    print(
        "Targets on a 2-core machine: answer p95 < 50 ms on 20k chunks and within 2x the floor; "
        "ingest >= 80% of the encoder's throughput; re-ingest of the unchanged corpus < 2 s."
    )


if __name__ == "__main__":
    main()
