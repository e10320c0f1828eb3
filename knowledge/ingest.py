"""Incremental ingestion: load, chunk, diff against the index by content hash, embed only changes."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from knowledge.chunking import chunk_document
from knowledge.documents import LoadError, SourceDocument
from knowledge.index import VectorIndex
from knowledge.loaders import discover, load_file
from knowledge.models import Chunk

Progress = Callable[[int, int], None]


class IngestReport(BaseModel):
    """What an ingest did, per document."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    failed: list[LoadError] = Field(default_factory=list)
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every file loaded."""
        return not self.failed


def load_paths(paths: Iterable[Path]) -> tuple[list[SourceDocument], list[LoadError], dict[str, set[str]]]:
    """Load every supported file under ``paths``.

    Returns:
        The documents, the load errors, and per content root the document ids of files that failed
        (their indexed chunks must be kept, not removed, until the file is fixed).
    """
    documents: list[SourceDocument] = []
    errors: list[LoadError] = []
    failed_ids: dict[str, set[str]] = defaultdict(set)
    for root, path in discover(paths):
        result = load_file(root, path)
        if isinstance(result, LoadError):
            errors.append(result)
            failed_ids[str(root.resolve())].add(path.relative_to(root).as_posix())
        else:
            documents.extend(result)
    return documents, errors, failed_ids


def sync_documents(
    index: VectorIndex,
    documents: Sequence[SourceDocument],
    *,
    roots: Iterable[str],
    keep_doc_ids: dict[str, set[str]] | None = None,
    progress: Progress | None = None,
    remove_missing: bool = True,
) -> IngestReport:
    """Make the index hold exactly ``documents`` for the given content ``roots``.

    Args:
        index: The index to update.
        documents: Every document now present under ``roots``.
        roots: The ``source_root`` values this sync is authoritative for.
        keep_doc_ids: Per root, document ids whose chunks must be kept although absent (failed loads).
        progress: Called with (total chunks to embed, chunks embedded so far).
        remove_missing: Remove indexed documents of ``roots`` that are no longer present.

    Returns:
        The report (no ``failed`` entries; the caller adds load errors).
    """
    started = time.perf_counter()
    report = IngestReport()
    roots = set(roots)
    keep = keep_doc_ids or {}
    stored: dict[str, dict[str, Any]] = index.stored_hashes()
    stored_by_doc: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for chunk_id, meta in stored.items():
        stored_by_doc[(str(meta.get("source_root", "")), str(meta.get("doc_id", "")))][chunk_id] = str(
            meta.get("hash", "")
        )

    to_embed: list[Chunk] = []
    to_delete: list[str] = []
    present: set[tuple[str, str]] = set()
    for document in documents:
        key = (document.source_root, document.doc_id)
        present.add(key)
        old = stored_by_doc.get(key, {})
        new_chunks = chunk_document(document)
        changed = [chunk for chunk in new_chunks if old.get(chunk.id) != chunk.metadata["hash"]]
        stale = sorted(set(old) - {chunk.id for chunk in new_chunks})
        to_embed.extend(changed)
        to_delete.extend(stale)
        if not old:
            report.added.append(document.doc_id)
        elif changed or stale:
            report.updated.append(document.doc_id)
        else:
            report.unchanged.append(document.doc_id)

    if remove_missing:
        for (root, doc_id), chunk_ids in stored_by_doc.items():
            if root in roots and (root, doc_id) not in present and doc_id not in keep.get(root, set()):
                report.removed.append(doc_id)
                to_delete.extend(chunk_ids)

    if to_delete:
        index.delete(to_delete)
    total = len(to_embed)
    if progress:
        progress(total, 0)
    batch = 128
    for start in range(0, total, batch):
        index.upsert(to_embed[start : start + batch])
        if progress:
            progress(total, min(total, start + batch))
    if to_embed or to_delete:
        index.refresh_lexical()
    report.chunks_embedded = total
    report.chunks_deleted = len(to_delete)
    report.seconds = time.perf_counter() - started
    return report


def ingest_paths(
    index: VectorIndex, paths: Sequence[Path], *, progress: Progress | None = None
) -> IngestReport:
    """Ingest files and folders incrementally (see ``sync_documents``); load errors are reported."""
    started = time.perf_counter()
    documents, errors, failed_ids = load_paths(paths)
    roots = {str((path if path.is_dir() else path.parent).resolve()) for path in paths}
    # A single file given alone must not make its folder's other documents look deleted.
    remove_missing = all(path.is_dir() for path in paths)
    report = sync_documents(
        index,
        documents,
        roots=roots,
        keep_doc_ids=failed_ids,
        progress=progress,
        remove_missing=remove_missing,
    )
    report.failed = errors
    report.seconds = time.perf_counter() - started
    return report
