"""An app on an empty knowledge index: the gaps need the knowledge service's model, not its documents
(and indexing the shipped knowledge base would cost minutes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from langchain_core.embeddings import Embeddings

from adapters.platforms import platform_capabilities
from bot.app import App, build_app
from bot.i18n import Catalogue
from knowledge.chroma_records import chroma_client
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from tests.conftest import LINKS, Clock, make_settings


async def app_with_model(
    data_dir: Path, embeddings: Embeddings, catalogue: Catalogue, clock: Clock, **settings: object
) -> App:
    """A core app on SQLite in ``data_dir`` whose knowledge service embeds with ``embeddings``."""
    configured = make_settings(data_dir, **settings)
    index = VectorIndex(chroma_client(None), f"gaps-{data_dir.name}", embeddings)
    knowledge = KnowledgeEngine(index, catalogue, clock=clock, links=LINKS)
    return await build_app(
        configured,
        knowledge=knowledge,
        clock=clock,
        platforms=platform_capabilities(configured),
        catalogue=catalogue,
    )


@pytest_asyncio.fixture
async def gap_app(
    tmp_path: Path, embeddings: Embeddings, catalogue: Catalogue, clock: Clock
) -> AsyncIterator[App]:
    """The app with the suite's model (MiniLM) and ``telegram:777`` an organiser."""
    built = await app_with_model(tmp_path, embeddings, catalogue, clock, ESER_ORGANISERS="telegram:777")
    yield built
    await built.services.db.dispose()
