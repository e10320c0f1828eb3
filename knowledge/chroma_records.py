"""Chroma's side of the index: the client, and what its records turn into in memory (chunks, and
the answer cards' phrasing vectors)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from knowledge.models import CARD_KINDS, CARD_QUESTION, Chunk

CardMatrix = tuple[list[Chunk], np.ndarray]


def chroma_client(persist_dir: Path | None, host: str = "", port: int = 8000) -> chromadb.ClientAPI:
    """An embedded (``persist_dir``) or remote (``host``) Chroma client with telemetry off."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    if persist_dir is None:
        return chromadb.EphemeralClient(settings=settings)
    persist_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir), settings=settings)


def chunk_from_record(chunk_id: str, document: str, metadata: dict[str, Any]) -> Chunk:
    """The chunk a Chroma record holds (its id, stored document and metadata)."""
    # The stored document is ``embedding_text``: "<title>\n<text>"; the title lives in metadata too.
    _, _, text = document.partition("\n")
    title = str(metadata.get("doc_title", ""))
    path = str(metadata.get("section_path", "") or metadata.get("section", ""))
    if metadata.get("kind") in CARD_KINDS:  # a card's phrasing or payload is stored as is
        text, title = document, str(metadata.get("card_id", ""))
    return Chunk(
        id=chunk_id,
        doc_id=str(metadata.get("doc_id", "")),
        text=text,
        title=f"{title} — {path}" if path else title,
        url=str(metadata.get("url", "")),
        metadata=metadata,
    )


def card_vectors(
    card_chunks: Sequence[Chunk], previous: CardMatrix, read: Callable[[list[str]], dict[str, Any]]
) -> CardMatrix:
    """The cards' phrasings and their normalised vectors, one row each, for matching in memory.

    The cards' phrasings are a few thousand short vectors, matched on every question: kept in
    memory, one matrix product finds the nearest in well under a millisecond, where a filtered
    Chroma query over a large collection took tens of milliseconds.

    Args:
        card_chunks: The cards' chunks (phrasings and the cards themselves) now in the index.
        previous: The phrasings and matrix of the last load. A phrasing kept from it (the same
            chunk object, so the same text) keeps its row; only the others' vectors are read.
        read: Reads the stored vectors of the given phrasing ids (from the cards' collection).

    Returns:
        The phrasings that have a vector, and the matrix of their vectors in the same order.
    """
    questions = [chunk for chunk in card_chunks if chunk.metadata.get("kind") == CARD_QUESTION]
    if not questions:
        return [], np.zeros((0, 0), dtype=np.float32)
    old_chunks, old_matrix = previous
    old_rows = {chunk.id: (chunk, row) for row, chunk in enumerate(old_chunks)}
    kept = {
        chunk.id: old_matrix[old_rows[chunk.id][1]]
        for chunk in questions
        if chunk.id in old_rows and old_rows[chunk.id][0] is chunk
    }
    new_ids = [chunk.id for chunk in questions if chunk.id not in kept]
    fresh: dict[str, np.ndarray] = {}
    for chunk_id, vector in (read(new_ids) if new_ids else {}).items():
        row = np.asarray(vector, dtype=np.float32)
        fresh[chunk_id] = (row / (np.linalg.norm(row) or 1.0)).astype(np.float32)
    rows = [(chunk, kept.get(chunk.id, fresh.get(chunk.id))) for chunk in questions]
    present = [(chunk, row) for chunk, row in rows if row is not None]
    if not present:
        return [], np.zeros((0, 0), dtype=np.float32)
    return [chunk for chunk, _ in present], np.vstack([row for _, row in present]).astype(np.float32)
