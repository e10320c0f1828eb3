"""Writing the index: incremental ingestion of files and of documents held elsewhere (organisers'
events in the database), removal, and reading events back from their chunks."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path

from knowledge.documents import SourceDocument
from knowledge.events import event_from_metadata
from knowledge.index import VectorIndex
from knowledge.ingest import IngestReport, Progress, ingest_paths, sync_documents
from knowledge.links import ContentPolicy
from knowledge.models import EventData


class Indexer:
    """Every write to one ``VectorIndex``, serialised.

    Args:
        index: The index.
        content_roots: The configured content folders; ingested paths are identified relative to them.
        policy: What content may contain (source domains, file size).
        event_link: The link of an event file's event that gives none of its own (the configured
            Social Economy Gateway; see ``knowledge.events.event_document``).
    """

    def __init__(
        self,
        index: VectorIndex,
        content_roots: Sequence[Path] = (),
        policy: ContentPolicy | None = None,
        *,
        event_link: str,
    ) -> None:
        self.index = index
        self.content_roots = list(content_roots)
        self.policy = policy or ContentPolicy()
        self.event_link = event_link
        # One lock, taken in the worker threads that write: Chroma's embedded client and the BM25
        # rebuild are not meant for concurrent writes. A thread lock works from any event loop.
        self._write_lock = threading.Lock()

    async def ingest(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Incrementally ingest files and folders (see ``knowledge.ingest``)."""
        return await asyncio.to_thread(self.ingest_sync, paths, progress=progress)

    def ingest_sync(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Blocking ``ingest`` (for the CLI and benchmarks)."""
        with self._write_lock:
            return ingest_paths(
                self.index,
                list(paths),
                roots=self.content_roots,
                progress=progress,
                policy=self.policy,
                event_link=self.event_link,
            )

    async def sync_documents(self, documents: Sequence[SourceDocument], *, source_root: str) -> IngestReport:
        """Make ``source_root`` hold exactly ``documents`` (e.g. events stored in the database)."""
        return await asyncio.to_thread(self._sync, documents, source_root, True, False)

    async def upsert_documents(
        self, documents: Sequence[SourceDocument], *, source_root: str, force: bool = False
    ) -> IngestReport:
        """Add or replace ``documents`` under ``source_root`` without removing others (indexed at once).

        Args:
            documents: The documents.
            source_root: The root they belong to (``db:events``).
            force: Embed them again even when unchanged (they were written by another process).
        """
        return await asyncio.to_thread(self._sync, documents, source_root, False, force)

    def _sync(
        self, documents: Sequence[SourceDocument], source_root: str, remove_missing: bool, force: bool
    ) -> IngestReport:
        stamped = [doc.model_copy(update={"source_root": source_root}) for doc in documents]
        scopes = [(source_root, "")] if remove_missing else []
        with self._write_lock:
            return sync_documents(self.index, stamped, scopes=scopes, force=force)

    async def remove_documents(self, doc_ids: Sequence[str]) -> int:
        """Remove every chunk of the given documents; returns how many chunks went."""
        return await asyncio.to_thread(self._remove, set(doc_ids))

    def _remove(self, wanted: set[str]) -> int:
        with self._write_lock:
            stored = self.index.stored_hashes()
            chunk_ids = [cid for cid, meta in stored.items() if meta.get("doc_id") in wanted]
            if chunk_ids:
                self.index.delete(chunk_ids)
            # Another process may have deleted them already: the lexical index still has to forget them.
            if chunk_ids or any(chunk.doc_id in wanted for chunk in self.index.chunks):
                self.index.refresh_lexical()
            return len(chunk_ids)

    def indexed_events(
        self,
        *,
        starts_after: dt.datetime | None = None,
        starts_before: dt.datetime | None = None,
        event_id: str | None = None,
        exclude_root: str | None = None,
    ) -> list[EventData]:
        """Events of the index (one per document), soonest first, read from their chunks' metadata.

        Args:
            starts_after: Only events starting at or after this instant.
            starts_before: Only events starting before this instant.
            event_id: Only the event with this id (or document id).
            exclude_root: Leave out the documents of this source root (e.g. ``db:events``).
        """
        found: dict[tuple[str, str], EventData] = {}
        for chunk in self.index.chunks:
            meta = chunk.metadata
            if meta.get("kind") != "event" or "start_ts" not in meta:
                continue
            root = str(meta.get("source_root", ""))
            if (exclude_root is not None and root == exclude_root) or (root, chunk.doc_id) in found:
                continue
            start = float(meta["start_ts"])
            if starts_after is not None and start < starts_after.timestamp():
                continue
            if starts_before is not None and start >= starts_before.timestamp():
                continue
            if event_id is not None and event_id not in (meta.get("event_id"), chunk.doc_id):
                continue
            try:
                event = event_from_metadata(
                    meta, title=str(meta.get("doc_title") or chunk.title), url=chunk.url
                )
            except ValueError:
                continue
            found[(root, chunk.doc_id)] = event
        return sorted(found.values(), key=lambda event: event.start)
