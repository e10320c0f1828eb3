"""Fixtures of the organisers' web app: a core app with one organiser, and an HTTP client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import pytest_asyncio

from adapters.platforms import platform_capabilities
from bot.app import App, build_app
from bot.events import SOURCE_ROOT as EVENTS_ROOT
from bot.handoffs.card_documents import SOURCE_ROOT as ORGANISER_CARDS_ROOT
from bot.i18n import Catalogue
from knowledge.chroma_records import chroma_client
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from tests.conftest import LINKS, Clock, RememberingEmbeddings, make_settings, with_database

ORGANISER = ("telegram", "100")
MEMBER = ("telegram", "200")


@pytest.fixture(scope="session")
def web_knowledge(
    tmp_path_factory: pytest.TempPathFactory,
    embeddings: RememberingEmbeddings,
    catalogue: Catalogue,
    session_clock: Clock,
) -> KnowledgeEngine:
    """A knowledge engine with an empty index: the web pages read the database, not the knowledge
    base, and indexing the whole knowledge base would cost minutes (events saved on a page go in)."""
    client = chroma_client(tmp_path_factory.mktemp("web-chroma"))
    return KnowledgeEngine(
        VectorIndex(client, "eser", embeddings), catalogue, clock=session_clock, links=LINKS
    )


@pytest_asyncio.fixture
async def web_app(
    tmp_path: Path,
    web_knowledge: KnowledgeEngine,
    clock: Clock,
    catalogue: Catalogue,
    migrated_database: Path,
) -> AsyncIterator[App]:
    """A core app whose one organiser is ``telegram:100``."""
    knowledge = web_knowledge
    settings = make_settings(
        with_database(tmp_path, migrated_database),
        ESER_ORGANISERS="telegram:100",
        ESER_WEB_BASE_URL="http://testserver",
    )
    built = await build_app(
        settings,
        knowledge=knowledge,
        clock=clock,
        platforms=platform_capabilities(settings),
        catalogue=catalogue,
    )
    yield built
    await built.close()
    # Events and organisers' cards a test stored went into the shared index: out for the next test.
    for root in (EVENTS_ROOT, ORGANISER_CARDS_ROOT):
        indexed = [*knowledge.index.chunks, *knowledge.index.card_chunks]
        if any(chunk.metadata.get("source_root") == root for chunk in indexed):
            await knowledge.sync_documents([], source_root=root)


@pytest_asyncio.fixture
async def client(web_app: App) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the web app in process (cookies kept, redirects not followed)."""
    assert web_app.web is not None
    transport = httpx.ASGITransport(app=web_app.web)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def login_path(app: App, who: tuple[str, str] = ORGANISER) -> str:
    """A fresh sign-in link of ``who``, as a path with its query."""
    assert app.services.login_links is not None
    url = urlsplit(app.services.login_links.issue(*who))
    return f"{url.path}?{url.query}"


async def signed_in(app: App, http: httpx.AsyncClient) -> None:
    """Sign ``http`` in as the organiser."""
    response = await http.get(login_path(app))
    assert response.status_code == 303, response.text
