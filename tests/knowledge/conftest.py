"""Fixtures for knowledge tests that need an index of their own (ingestion writes to it)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.i18n import Catalogue
from knowledge.chroma_records import chroma_client
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from tests.chroma_server import ChromaServer, chroma_server
from tests.conftest import LINKS, Clock

_collections = itertools.count()


@pytest.fixture
def fresh_engine(
    tmp_path: Path, embeddings, catalogue: Catalogue, clock: Clock
) -> Callable[[], KnowledgeEngine]:  # type: ignore[no-untyped-def]
    """Builds engines over a new, empty Chroma store (the embedding model is shared)."""

    def build() -> KnowledgeEngine:
        client = chroma_client(tmp_path / "chroma")
        index = VectorIndex(client, f"test{next(_collections)}", embeddings)
        return KnowledgeEngine(index, catalogue, clock=clock, links=LINKS)

    return build


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


RESOURCE = """---
title: Test page about {topic}
url: https://example.org/{slug}
language: en
updated: 2025-11-01
audience: [public-authority]
regions: [FR]
tags: [eser]
---
# Test page about {topic}

Intro sentence about {topic} for the test.

## First section
The {topic} first section explains one thing in a full sentence.

Source: [Section source](https://example.org/{slug}/first)

## Second section
The {topic} second section explains another thing in a full sentence.

Source: [Other source](https://example.org/{slug}/second)
"""


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    """A Chroma server of this test's own, on a free port of 127.0.0.1."""
    with chroma_server(tmp_path / "chroma-server") as server:
        yield server
