"""The bundled offline embedding model and the errors for optional providers."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.embeddings import build_embeddings, bundled_model_path


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
