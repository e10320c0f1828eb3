"""Shared fixtures: one knowledge engine for the session (the model loads once), a fixed clock,
and a fresh core ``App`` with its own SQLite database per test."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.app import App, build_app
from bot.events import SOURCE_ROOT as EVENTS_ROOT
from bot.i18n import Catalogue
from bot.settings import Settings
from knowledge.embeddings import build_embeddings
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex, chroma_client

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "knowledge" / "content"
TEST_CONTENT = ROOT / "tests" / "data" / "content"
FIXED_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


class Clock:
    """A settable clock: ``clock()`` returns ``clock.now``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def session_clock() -> Clock:
    return Clock(FIXED_NOW)


@pytest.fixture(autouse=True)
def clock(session_clock: Clock) -> Iterator[Clock]:
    """The clock of the engine and the app, reset to ``FIXED_NOW`` for every test."""
    session_clock.now = FIXED_NOW
    yield session_clock
    session_clock.now = FIXED_NOW


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue()


@pytest.fixture(scope="session")
def embeddings():  # type: ignore[no-untyped-def]
    """The bundled all-MiniLM-L6-v2 model, loaded once."""
    return build_embeddings("bundled:all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def knowledge(
    tmp_path_factory: pytest.TempPathFactory,
    embeddings,
    catalogue: Catalogue,  # type: ignore[no-untyped-def]
    session_clock: Clock,
) -> KnowledgeEngine:
    """The shipped knowledge base plus the test fixtures (future events, an open call), indexed once."""
    client = chroma_client(tmp_path_factory.mktemp("chroma"))
    engine = KnowledgeEngine(VectorIndex(client, "eser", embeddings), catalogue, clock=session_clock)
    report = asyncio.run(engine.ingest([CONTENT, TEST_CONTENT]))
    assert report.ok, report.failed
    return engine


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: nothing from the environment or ``.env``."""
    values: dict[str, object] = {"ESER_DATA_DIR": str(data_dir)}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest_asyncio.fixture
async def app(settings: Settings, knowledge: KnowledgeEngine, clock: Clock) -> AsyncIterator[App]:
    """A core app on a fresh SQLite database, sharing the session's knowledge engine."""
    built = await build_app(settings, knowledge=knowledge, clock=clock)
    yield built
    await built.services.db.dispose()
    # Events a test stored went into the shared index too: take them out for the next test.
    if any(chunk.metadata.get("source_root") == EVENTS_ROOT for chunk in knowledge.index.chunks):
        await knowledge.sync_documents([], source_root=EVENTS_ROOT)
