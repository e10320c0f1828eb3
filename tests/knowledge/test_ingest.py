"""Incremental ingestion: idempotency, updates, deletions, and files that fail to load."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.engine import KnowledgeEngine
from tests.knowledge.conftest import RESOURCE, write
from tests.knowledge.poison import ALIAS_BOMB, JAVASCRIPT_URL_PAGE, POISONED_PAGE


def _corpus(root: Path) -> None:
    write(root / "resources" / "alpha.md", RESOURCE.format(topic="alpha", slug="alpha"))
    write(root / "resources" / "beta.md", RESOURCE.format(topic="beta", slug="beta"))
    write(
        root / "funding" / "gamma.yaml",
        "programme: Gamma\nurl: https://example.org/gamma\n"
        "what_it_funds: Gamma funds test projects.\ndeadline: rolling\n",
    )


def test_reingesting_unchanged_content_embeds_nothing(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]
) -> None:
    root = tmp_path / "content"
    _corpus(root)
    engine = fresh_engine()
    first = engine.ingest_sync([root])
    assert sorted(first.added) == ["funding/gamma.yaml", "resources/alpha.md", "resources/beta.md"]
    assert first.chunks_embedded > 0 and first.ok
    chunk_ids = sorted(chunk.id for chunk in engine.index.chunks)

    second = engine.ingest_sync([root])
    assert second.chunks_embedded == 0 and second.chunks_deleted == 0
    assert sorted(second.unchanged) == sorted(first.added)
    assert sorted(chunk.id for chunk in engine.index.chunks) == chunk_ids


def test_changed_document_replaces_only_its_changed_chunks(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]
) -> None:
    root = tmp_path / "content"
    _corpus(root)
    engine = fresh_engine()
    engine.ingest_sync([root])
    page = root / "resources" / "alpha.md"
    page.write_text(page.read_text().replace("explains another thing", "now explains a new thing"))

    report = engine.ingest_sync([root])
    assert report.updated == ["resources/alpha.md"]
    assert report.chunks_embedded == 1  # only the edited section
    texts = [chunk.text for chunk in engine.index.chunks if chunk.doc_id == "resources/alpha.md"]
    assert any("new thing" in text for text in texts) and not any("another thing" in text for text in texts)


def test_removed_section_and_deleted_document_disappear(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]
) -> None:
    root = tmp_path / "content"
    _corpus(root)
    engine = fresh_engine()
    engine.ingest_sync([root])
    (root / "resources" / "beta.md").unlink()
    page = root / "resources" / "alpha.md"
    page.write_text(page.read_text().split("## Second section")[0])

    report = engine.ingest_sync([root])
    assert report.removed == ["resources/beta.md"]
    assert report.updated == ["resources/alpha.md"]
    doc_ids = {chunk.doc_id for chunk in engine.index.chunks}
    assert "resources/beta.md" not in doc_ids
    assert not any("second section" in chunk.text for chunk in engine.index.chunks)
    hits = engine.search_sync("beta second section explains another thing", k=5)
    assert hits and all(p.chunk.doc_id != "resources/beta.md" for p in hits)


def test_malformed_files_are_reported_with_line_and_the_rest_loads(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]
) -> None:
    root = tmp_path / "content"
    _corpus(root)
    write(
        root / "funding" / "broken.yaml", "programme: Broken\nurl: https://example.org\nbudget: [unclosed\n"
    )
    write(root / "resources" / "bad-front.md", "---\ntitle: Bad\ntags: [a, b\n---\n# Bad\n\nText.\n")
    (root / "resources" / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    engine = fresh_engine()

    report = engine.ingest_sync([root])
    assert not report.ok
    failures = {Path(failure.path).name: failure for failure in report.failed}
    assert set(failures) == {"broken.yaml", "bad-front.md", "latin1.txt"}
    assert failures["broken.yaml"].line == 3 and "broken.yaml:3" in str(failures["broken.yaml"])
    assert failures["bad-front.md"].line == 3  # the line with the unclosed list
    assert "UTF-8" in failures["latin1.txt"].message
    assert sorted(report.added) == ["funding/gamma.yaml", "resources/alpha.md", "resources/beta.md"]


def test_a_file_that_starts_failing_is_withdrawn_with_a_warning(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]
) -> None:
    root = tmp_path / "content"
    _corpus(root)
    engine = fresh_engine()
    engine.ingest_sync([root])
    write(root / "funding" / "gamma.yaml", "programme: [oops\n")

    report = engine.ingest_sync([root])
    assert [Path(f.path).name for f in report.failed] == ["gamma.yaml"]
    assert report.withdrawn == ["funding/gamma.yaml"] and report.removed == []
    assert not any(chunk.doc_id == "funding/gamma.yaml" for chunk in engine.index.chunks)
    assert all(p.chunk.doc_id != "funding/gamma.yaml" for p in engine.search_sync("Gamma funds test", k=5))


def test_emptying_a_poisoned_file_withdraws_it_also_when_ingested_by_name(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]
) -> None:
    root = tmp_path / "content"
    _corpus(root)
    engine = fresh_engine()
    engine.content_roots = [root]
    engine.ingest_sync([root])
    page = root / "resources" / "alpha.md"
    page.write_text("---\ntitle: Alpha\nurl: https://example.org/alpha\n---\n")

    report = engine.ingest_sync([page])
    assert report.withdrawn == ["resources/alpha.md"] and "no text" in report.failed[0].message
    assert {chunk.doc_id for chunk in engine.index.chunks} == {"resources/beta.md", "funding/gamma.yaml"}


async def test_the_poisoned_document_set_never_reaches_a_member(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ESER_SOURCE_DOMAINS", raising=False)
    monkeypatch.delenv("ESER_MAX_FILE_BYTES", raising=False)
    root = tmp_path / "content"
    write(root / "resources" / "join.md", POISONED_PAGE)
    write(root / "resources" / "script.md", JAVASCRIPT_URL_PAGE)
    write(root / "notes" / "numbat-notes.txt", "Cooperatives can join ESER through their region.\n")
    secret = write(tmp_path / "secret.md", "---\nurl: https://example.org/s\n---\n# S\n\nThe secret.\n")
    (root / "resources" / "secret.md").symlink_to(secret)
    write(root / "funding" / "bomb.yaml", ALIAS_BOMB)
    with (root / "notes" / "huge.txt").open("w", encoding="utf-8") as huge:
        huge.write("Source: https://example.org/huge\n" + "Cooperatives join ESER. " * 2_100_000)
    engine = fresh_engine()

    started = time.perf_counter()
    report = engine.ingest_sync([root])
    assert time.perf_counter() - started < 10
    assert report.added == ["resources/join.md"]
    failed = {Path(f.path).name: f.message for f in report.failed}
    assert set(failed) == {"script.md", "numbat-notes.txt", "secret.md", "bomb.yaml", "huge.txt"}
    assert "http(s)" in failed["script.md"] and "no source link" in failed["numbat-notes.txt"]
    assert "symlink" in failed["secret.md"] and "alias bomb" in failed["bomb.yaml"]
    assert "too large" in failed["huge.txt"]
    assert sorted(str(f).split(": ")[0].rsplit("/", 1)[-1] for f in report.suspicious) == [
        "join.md",
        "join.md:10",
        "join.md:15",
        "join.md:19",
        "join.md:20",
    ]

    for question in ("Can a cooperative join ESER?", "How do regions apply to ESER?", "Is membership free?"):
        answer = await engine.answer(question)
        for gone in ("evil", "password", "Passwort", "1,000,000", "Ignore", "secret", "[2]", "termites"):
            assert gone not in answer.text, (question, answer.text)
        assert all(c.url.startswith("https://") for c in answer.citations)
        assert all(p.chunk.url.startswith("https://") for p in answer.passages)


def test_progress_is_reported(tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]) -> None:
    root = tmp_path / "content"
    _corpus(root)
    calls: list[tuple[int, int]] = []
    fresh_engine().ingest_sync([root], progress=lambda total, done: calls.append((total, done)))
    assert calls[0][1] == 0 and calls[-1][0] == calls[-1][1] > 0


def test_a_subfolder_of_a_content_root_keeps_its_document_ids(
    tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]
) -> None:
    root = tmp_path / "content"
    _corpus(root)
    engine = fresh_engine()
    engine.content_roots = [root]
    engine.ingest_sync([root])
    write(root / "resources" / "delta.md", RESOURCE.format(topic="delta", slug="delta"))
    (root / "resources" / "beta.md").unlink()

    report = engine.ingest_sync([root / "resources"])
    assert report.added == ["resources/delta.md"] and report.removed == ["resources/beta.md"]
    assert sorted(report.unchanged) == ["resources/alpha.md"]  # funding/ is out of this ingest's scope
    assert "funding/gamma.yaml" in {chunk.doc_id for chunk in engine.index.chunks}

    single = engine.ingest_sync([root / "resources" / "alpha.md"])
    assert single.unchanged == ["resources/alpha.md"] and single.removed == []
