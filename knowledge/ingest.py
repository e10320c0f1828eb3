"""Incremental ingestion: load, chunk, diff against the index by content hash, embed only changes."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from knowledge.chunking import chunk_document
from knowledge.discovery import content_root, discover, root_label
from knowledge.documents import Finding, LoadError, SourceDocument
from knowledge.index import VectorIndex
from knowledge.links import ContentPolicy
from knowledge.loaders import read_file
from knowledge.models import Chunk

Progress = Callable[[int, int], None]
# Chunks embedded per call: large enough for the encoder to sort texts by length and pad little
# (small batches cost ~20% of its throughput), small enough for the progress bar to move.
EMBED_BATCH = 512


class IngestReport(BaseModel):
    """What an ingest did, per document.

    ``withdrawn`` lists documents whose file now fails to load: their old chunks were removed, so a
    document emptied or broken on purpose stops being quoted. ``suspicious`` lists what was held
    back from the index (credential requests, instructions, foreign links, unsafe source links,
    hidden HTML); it does not make the ingest fail.
    """

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    withdrawn: list[str] = Field(default_factory=list)
    failed: list[LoadError] = Field(default_factory=list)
    suspicious: list[Finding] = Field(default_factory=list)
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every file loaded."""
        return not self.failed


class Loaded(BaseModel):
    """Everything read from some paths.

    Attributes:
        documents: The documents, sanitised, ready to chunk.
        errors: Files that could not be loaded (and symlinks refused).
        findings: What was held back from the documents.
        failed_ids: Per content root, the document ids of files that failed (their chunks go).
    """

    documents: list[SourceDocument] = Field(default_factory=list)
    errors: list[LoadError] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    failed_ids: dict[str, set[str]] = Field(default_factory=dict)


def read_paths(
    paths: Iterable[Path],
    roots: Sequence[Path] = (),
    policy: ContentPolicy | None = None,
    *,
    event_link: str = "",
) -> Loaded:
    """Load every supported file under ``paths`` (document ids relative to their content root).

    ``event_link`` is the link of an event that gives none of its own (see ``read_file``).
    """
    loaded = Loaded()
    failed_ids: dict[str, set[str]] = defaultdict(set)
    for root, path in discover(paths, roots, refused=loaded.errors):
        result = read_file(root, path, policy, event_link=event_link)
        if isinstance(result, LoadError):
            loaded.errors.append(result)
            failed_ids[root_label(root)].add(path.relative_to(root).as_posix())
        else:
            loaded.documents.extend(result.documents)
            loaded.findings.extend(result.findings)
    loaded.failed_ids = dict(failed_ids)
    return loaded


def load_paths(
    paths: Iterable[Path],
    roots: Sequence[Path] = (),
    policy: ContentPolicy | None = None,
    *,
    event_link: str = "",
) -> tuple[list[SourceDocument], list[LoadError], dict[str, set[str]]]:
    """``read_paths`` as ``(documents, errors, failed document ids per root)``, without findings."""
    loaded = read_paths(paths, roots, policy, event_link=event_link)
    return loaded.documents, loaded.errors, loaded.failed_ids


def _in_scope(doc_id: str, prefix: str) -> bool:
    """Whether ``doc_id`` lies in a scope: a folder ("" or "x/") or one file (and its entries, "f#1")."""
    if not prefix or prefix.endswith("/"):
        return doc_id.startswith(prefix)
    return doc_id == prefix or doc_id.startswith(prefix + "#")


def sync_documents(
    index: VectorIndex,
    documents: Sequence[SourceDocument],
    *,
    scopes: Iterable[tuple[str, str]] = (),
    keep_doc_ids: dict[str, set[str]] | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> IngestReport:
    """Index ``documents``, embedding only changed chunks, and remove what vanished from ``scopes``.

    Args:
        index: The index to update.
        documents: Every document now present in the scopes (and any others to add or update).
        scopes: ``(source_root, doc_id prefix)`` pairs this sync is authoritative for: an indexed
            document of that root in the scope and not in ``documents`` is removed.
            ``("knowledge/content", "")`` is the whole root, ``(..., "events/")`` one folder,
            ``(..., "events/x.yaml")`` one file.
        keep_doc_ids: Per root, document ids whose chunks must be kept although absent.
        progress: Called with (total chunks to embed, chunks embedded so far).
        force: Embed every chunk of ``documents`` again, even when its stored hash is unchanged
            (another process may have written it: an embedded Chroma only searches vectors written by
            its own process).

    Returns:
        The report (no ``failed`` entries; the caller adds load errors).
    """
    started = time.perf_counter()
    report = IngestReport()
    scopes = list(scopes)
    keep = keep_doc_ids or {}
    # Only the roots this sync touches: what other roots hold is neither compared nor removed here.
    roots = {root for root, _ in scopes} | {document.source_root for document in documents}
    stored: dict[str, dict[str, Any]] = index.stored_hashes(roots)
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
        modified = [chunk for chunk in new_chunks if old.get(chunk.id) != chunk.metadata["hash"]]
        changed = new_chunks if force else modified
        stale = sorted(set(old) - {chunk.id for chunk in new_chunks})
        to_embed.extend(changed)
        to_delete.extend(stale)
        if not old:
            report.added.append(document.doc_id)
        elif modified or stale:
            report.updated.append(document.doc_id)
        else:
            report.unchanged.append(document.doc_id)

    for (root, doc_id), chunk_ids in stored_by_doc.items():
        in_scope = any(root == scope_root and _in_scope(doc_id, prefix) for scope_root, prefix in scopes)
        if in_scope and (root, doc_id) not in present and doc_id not in keep.get(root, set()):
            report.removed.append(doc_id)
            to_delete.extend(chunk_ids)

    if to_delete:
        index.delete(to_delete)
    total = len(to_embed)
    if progress:
        progress(total, 0)
    batch = EMBED_BATCH
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
    index: VectorIndex,
    paths: Sequence[Path],
    *,
    roots: Sequence[Path] = (),
    progress: Progress | None = None,
    policy: ContentPolicy | None = None,
    event_link: str = "",
) -> IngestReport:
    """Ingest files and folders incrementally; load errors are reported, never fatal.

    A file that fails to load has its earlier chunks withdrawn (listed in ``withdrawn``).

    Args:
        index: The index to update.
        paths: Files or folders to ingest. A folder is authoritative for what lies under it (its
            deleted documents are removed); a file only for itself.
        roots: Configured content roots (document ids are relative to them).
        progress: Called with (total chunks to embed, chunks embedded so far).
        policy: Allowed source domains and file size limit (the defaults when None).
        event_link: The link of an event that gives none of its own (see ``read_file``).
    """
    started = time.perf_counter()
    loaded = read_paths(paths, roots, policy or ContentPolicy(), event_link=event_link)
    scopes = []
    for path in paths:
        root = content_root(path, roots)
        try:
            prefix = path.absolute().relative_to(root.absolute()).as_posix()
        except ValueError:  # the root was recognised through a symlink
            prefix = path.resolve().relative_to(root.resolve()).as_posix()
        if path.is_dir():
            scopes.append((root_label(root), "" if prefix == "." else prefix + "/"))
        else:
            scopes.append((root_label(root), prefix))
    report = sync_documents(index, loaded.documents, scopes=scopes, progress=progress)
    failed = {(root, doc_id) for root, ids in loaded.failed_ids.items() for doc_id in ids}
    report.withdrawn = [
        doc_id
        for doc_id in report.removed
        if any((root, doc_id.split("#")[0]) in failed for root in loaded.failed_ids)
    ]
    report.removed = [doc_id for doc_id in report.removed if doc_id not in report.withdrawn]
    report.failed = loaded.errors
    report.suspicious = loaded.findings
    report.seconds = time.perf_counter() - started
    return report
