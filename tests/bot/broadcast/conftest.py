"""Fixtures of the broadcast tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import Catalogue
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex, chroma_client
from tests.conftest import LINKS, Clock, RememberingEmbeddings


@pytest.fixture
def empty_knowledge(
    tmp_path: Path, embeddings: RememberingEmbeddings, catalogue: Catalogue, clock: Clock
) -> KnowledgeEngine:
    """A knowledge engine with nothing indexed: broadcasts never ask it anything (and the tests
    that deliver need not wait for the shared knowledge base to be indexed)."""
    index = VectorIndex(chroma_client(tmp_path / "chroma"), "eser", embeddings)
    return KnowledgeEngine(index, catalogue, clock=clock, links=LINKS)
