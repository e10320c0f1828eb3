"""The readiness check names the embedding model until it is loaded: ``model`` is failing before the
warm-up, passes once it finished, and stays failing (with why) when the model cannot be loaded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.i18n import Catalogue
from bot.readiness import check_readiness
from bot.store.database import open_database
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import build_embeddings
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from tests.conftest import LINKS, Clock, RememberingEmbeddings


@pytest_asyncio.fixture
async def database(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite database: the database checks pass, only the model is in question."""
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'eser.db'}", setting="ESER_DATA_DIR")
    yield engine
    await engine.dispose()


def _engine(folder: Path, embeddings: object, catalogue: Catalogue, clock: Clock) -> KnowledgeEngine:
    index = VectorIndex(chroma_client(folder), "eser", embeddings)  # type: ignore[arg-type]
    return KnowledgeEngine(index, catalogue, clock=clock, links=LINKS)


async def test_not_ready_until_the_model_is_loaded_then_ready(
    tmp_path: Path,
    database: AsyncEngine,
    embeddings: RememberingEmbeddings,
    catalogue: Catalogue,
    clock: Clock,
) -> None:
    knowledge = _engine(tmp_path / "chroma", embeddings, catalogue, clock)

    before = await check_readiness(database, knowledge)
    assert not before.ready
    assert list(before.problems) == ["model"]

    await knowledge.warm_up()
    after = await check_readiness(database, knowledge)
    assert after.ready, after.problems


async def test_a_model_that_cannot_be_loaded_keeps_the_replica_not_ready(
    tmp_path: Path, database: AsyncEngine, catalogue: Catalogue, clock: Clock
) -> None:
    # A model folder that is not there: what a wrong ESER_EMBEDDINGS or a broken image gives.
    missing = build_embeddings(str(tmp_path / "no-such-model"))
    knowledge = _engine(tmp_path / "chroma", missing, catalogue, clock)

    with pytest.raises(Exception):  # noqa: B017 - whichever error the model loader raises
        await knowledge.warm_up()

    readiness = await check_readiness(database, knowledge)
    assert not readiness.ready
    assert list(readiness.problems) == ["model"]
    assert readiness.problems["model"].startswith("failed: ")
