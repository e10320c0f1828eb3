"""Vectors in a Chroma server (``chroma run``): an engine ingests and answers there, and a second
engine — another replica, with its own client — picks up what the first one writes within seconds."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import chromadb
import pytest

from bot.i18n import Catalogue
from bot.parts import build_knowledge
from knowledge.card_index import card_document
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import collection_suffix
from knowledge.engine import KnowledgeEngine
from knowledge.index import CARD_COLLECTION_SUFFIX, VectorIndex
from knowledge.index_watch import IndexWatch
from knowledge.models import Answer
from tests.chroma_server import ChromaServer, chroma_server
from tests.conftest import LINKS, TEST_CONTENT, Clock, make_settings
from tests.knowledge.conftest import write
from tests.knowledge.test_card_index import chunks_of, make_card

NEW_PAGE = """---
title: The Zorblat fund
url: https://example.org/zorblat
language: en
updated: 2026-11-01
audience: [public-authority]
regions: [FR]
tags: [funding]
---
# The Zorblat fund

## Deadline
The Zorblat fund closes its applications on 14 March 2027.

Source: [Zorblat fund](https://example.org/zorblat)
"""
QUESTION = "When does the Zorblat fund close its applications?"


def _engine(server: ChromaServer, embeddings, catalogue: Catalogue, clock: Clock) -> KnowledgeEngine:  # type: ignore[no-untyped-def]
    """One replica's engine: a client of its own on the shared server, checking every 0.2 s."""
    index = VectorIndex(chroma_client(None, server.host, server.port), "eser", embeddings)
    return KnowledgeEngine(index, catalogue, clock=clock, links=LINKS, index_check_seconds=0.2)


def _until(condition: Callable[[], bool], seconds: float) -> float:
    """Wait until ``condition`` holds; the seconds it took (fails the test after ``seconds``)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "not within the time allowed"
        time.sleep(0.05)
    return time.monotonic() - started


async def test_an_engine_on_a_chroma_server_ingests_and_answers(
    tmp_path: Path, chroma: ChromaServer, catalogue: Catalogue, clock: Clock
) -> None:
    settings = make_settings(
        tmp_path, CHROMA_HOST=chroma.host, CHROMA_PORT=chroma.port, ESER_EMBEDDINGS="bundled:all-MiniLM-L6-v2"
    )
    engine = build_knowledge(settings, catalogue, clock)
    content = tmp_path / "content"
    write(content / "resources" / "zorblat.md", NEW_PAGE)
    report = await engine.ingest([TEST_CONTENT, content])
    assert report.ok and "resources/zorblat.md" in report.added
    await engine.upsert_documents(
        [card_document(make_card(), doc_id="answers/x.yaml#eser-who-can-join")], source_root="test"
    )

    answer = await engine.answer(QUESTION)
    assert answer.grounded and "14 March 2027" in answer.text
    # Passages and cards are in the server's two collections, nothing in the data folder.
    server = chromadb.HttpClient(host=chroma.host, port=chroma.port)
    name = engine.index.store._collection.name
    assert name.startswith("eser--")
    assert {collection.name for collection in server.list_collections()} == {
        name,
        f"{name}{CARD_COLLECTION_SUFFIX}",
    }
    assert server.get_collection(f"{name}{CARD_COLLECTION_SUFFIX}").count() == len(engine.index.card_chunks)
    assert not (tmp_path / "chroma").exists()


def test_a_replica_answers_from_a_document_another_process_ingested_within_seconds(
    tmp_path: Path, chroma: ChromaServer, embeddings, catalogue: Catalogue, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    ingester = _engine(chroma, embeddings, catalogue, clock)
    replica = _engine(chroma, embeddings, catalogue, clock)
    assert ingester.ingest_sync([TEST_CONTENT]).ok
    assert not replica.answer_sync(QUESTION).grounded

    # The replica keeps answering (and searching) while the other process ingests and it reloads.
    failures: list[BaseException] = []
    answers: list[Answer] = []
    stop = threading.Event()

    def ask_again_and_again() -> None:
        while not stop.is_set():
            try:
                answers.append(replica.answer_sync(QUESTION))
                replica.search_sync("Zorblat fund deadline")
            except BaseException as error:
                failures.append(error)

    asking = threading.Thread(target=ask_again_and_again)
    asking.start()
    try:
        content = tmp_path / "content"
        write(content / "resources" / "zorblat.md", NEW_PAGE)
        assert ingester.ingest_sync([content]).added == ["resources/zorblat.md"]
        waited = _until(lambda: bool(answers) and answers[-1].grounded, 5)
    finally:
        stop.set()
        asking.join()
    assert not failures
    assert "14 March 2027" in answers[-1].text
    assert waited < 5
    # An ingest stamps a version per write (batches, removals): the replica may have answered from
    # an earlier stamp of this ingest; its next check brings it to the last one.
    final = ingester.index.loaded_token
    assert final == replica.index.marker.read()
    _until(lambda: bool(replica.answer_sync(QUESTION)) and replica.index.loaded_token == final, 5)


def test_a_card_added_and_removed_elsewhere_reaches_the_replica(
    chroma: ChromaServer, embeddings, catalogue: Catalogue, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    writer = _engine(chroma, embeddings, catalogue, clock)
    replica = _engine(chroma, embeddings, catalogue, clock)
    card = card_document(make_card("zorblat-card"), doc_id="answers/z.yaml#zorblat-card")

    def card_ids() -> set[str]:
        replica.watch.poll()
        return {str(chunk.metadata.get("card_id")) for chunk in replica.index.card_chunks}

    asyncio.run(writer.upsert_documents([card], source_root="test"))
    _until(lambda: "zorblat-card" in card_ids(), 5)
    assert replica.index.nearest_card_questions(replica.index.embed_query("Who can join ESER?"), 1)
    asyncio.run(writer.remove_documents([card.doc_id]))
    _until(lambda: "zorblat-card" not in card_ids(), 5)


class SteppedClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_version_is_checked_at_most_once_per_interval_and_a_lost_server_is_survived(
    tmp_path: Path, embeddings, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    monotonic = SteppedClock()
    with chroma_server(tmp_path / "store") as server:
        writer = VectorIndex(chroma_client(None, server.host, server.port), "eser", embeddings)
        reader = VectorIndex(chroma_client(None, server.host, server.port), "eser", embeddings)
        watch = IndexWatch(reader, interval=5.0, monotonic=monotonic)
        reloads: list[int] = []
        watch.after_reload = lambda: reloads.append(reader.version)
        assert watch.poll() is None  # loaded just now
        monotonic.now += 5
        thread = watch.poll()
        assert thread is not None and watch.poll() is None  # one check per interval
        thread.join()
        assert not watch.check()  # nothing changed: nothing reloaded
        version = reader.version
        writer.delete(["no-such-chunk"])
        assert reader.version == version  # deleting nothing stamps nothing
        writer.upsert(chunks_of(make_card()))
        assert watch.check() and reader.version == version + 1 and reader.card_chunks
        assert reloads == [version + 1]  # told once, after the reload (serve freezes the new index)
    # The server is gone: the check says so in the log and the index keeps what it had.
    assert not watch.check()
    assert reader.card_chunks and "index version check failed" in caplog.text
    assert reloads == [version + 1]


@pytest.mark.slow  # a whole `eser-bot ingest` process: about 20 s on two cores
def test_eser_bot_ingest_in_its_own_process_reaches_a_serving_replica(
    tmp_path: Path, chroma: ChromaServer, embeddings, catalogue: Catalogue, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    model = "bundled:all-MiniLM-L6-v2"
    collection = f"eser--{collection_suffix(model)}"  # the name ``build_knowledge`` gives both
    index = VectorIndex(chroma_client(None, chroma.host, chroma.port), collection, embeddings)
    replica = KnowledgeEngine(index, catalogue, clock=clock, links=LINKS, index_check_seconds=0.2)
    assert not replica.answer_sync(QUESTION).grounded
    content = tmp_path / "content"
    write(content / "resources" / "zorblat.md", NEW_PAGE)
    environment = {
        **os.environ,
        "CHROMA_HOST": chroma.host,
        "CHROMA_PORT": str(chroma.port),
        "ESER_EMBEDDINGS": model,
        "ESER_DATA_DIR": str(tmp_path / "data"),
        "ESER_CONTENT_DIRS": str(content),
    }
    failures: list[BaseException] = []
    answers: list[Answer] = []
    stop = threading.Event()

    def ask_again_and_again() -> None:
        while not stop.is_set():
            try:
                answers.append(replica.answer_sync(QUESTION))
            except BaseException as error:  # any failure fails the test
                failures.append(error)
            time.sleep(0.05)

    asking = threading.Thread(target=ask_again_and_again)
    asking.start()
    try:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "eser-bot"), "ingest"],
            env=environment,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        waited = _until(lambda: bool(answers) and answers[-1].grounded, 5)
    finally:
        stop.set()
        asking.join()
    assert not failures and waited < 5
    assert "14 March 2027" in answers[-1].text


def test_answers_and_searches_never_fail_while_the_index_reloads_again_and_again(
    tmp_path: Path, chroma: ChromaServer, embeddings, catalogue: Catalogue, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    writer = _engine(chroma, embeddings, catalogue, clock)
    replica = _engine(chroma, embeddings, catalogue, clock)
    content = tmp_path / "content"
    write(content / "resources" / "zorblat.md", NEW_PAGE)
    assert writer.ingest_sync([TEST_CONTENT, content]).ok
    cards = chunks_of(make_card()) + chunks_of(make_card("other-card"), doc_id="answers/x.yaml#other-card")
    failures: list[BaseException] = []
    reloads: list[bool] = []
    stop = threading.Event()

    def churn() -> None:  # cards come and go, so every reload sees another set
        for n in range(3):  # all, half, all
            part = cards if n % 2 == 0 else cards[: len(cards) // 2]
            writer.index.delete([chunk.id for chunk in cards])
            writer.index.upsert(part)

    def reload() -> None:
        while not stop.is_set():
            reloads.append(replica.watch.check())

    def ask() -> None:
        while not stop.is_set():
            try:
                replica.answer_sync(QUESTION)
                replica.answer_sync("Who can join ESER?")
                replica.search_sync("Zorblat fund deadline")
            except BaseException as error:  # any failure fails the test
                failures.append(error)

    threads = [threading.Thread(target=reload), threading.Thread(target=ask)]
    for thread in threads:
        thread.start()
    try:
        churn()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not failures, failures[0]
    assert sum(reloads) >= 2  # it did reload while answering
    replica.watch.check()
    assert {chunk.id for chunk in replica.index.card_chunks} == {chunk.id for chunk in cards}
