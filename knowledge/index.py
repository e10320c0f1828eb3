"""The vector store (Chroma, embedded or server) and the in-memory BM25 index built beside it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import bm25s
import chromadb
import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from knowledge.chroma_records import CardMatrix, card_vectors, chunk_from_record
from knowledge.chunking import embedding_text
from knowledge.embeddings import embed_questions
from knowledge.index_version import VersionMarker
from knowledge.models import CARD_KINDS, CARD_QUESTION, Chunk

log = logging.getLogger(__name__)
CARD_COLLECTION_SUFFIX = "--cards"


class VectorIndex:
    """Chunks in Chroma, through langchain-chroma, plus a BM25 index over the same chunks.

    Args:
        client: The Chroma client.
        collection: Collection name.
        embeddings: The embedder (its model decides the collection's vectors).
    """

    def __init__(self, client: chromadb.ClientAPI, collection: str, embeddings: Embeddings) -> None:
        # bm25s sets its own logger to DEBUG on import; its per-call messages are noise here.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.embeddings = embeddings
        self.store = self._collection(client, collection)
        # Answer cards live in a collection of their own: their thousands of phrasings are embedded
        # as questions and would crowd the passages' nearest neighbours, and keeping them apart lets
        # the passage search run unfiltered — a metadata filter makes Chroma pre-select ids in SQLite
        # before the HNSW search, which tripled the query time on 20,000 chunks.
        self.card_store = self._collection(client, f"{collection}{CARD_COLLECTION_SUFFIX}")
        # Every process on the same Chroma store (replicas, the ``ingest`` job) reads and stamps it.
        self.marker = VersionMarker(client, collection)
        self.loaded_token = ""  # the marker's token when the in-memory side was last loaded
        # One refresh at a time: the ingest's own and a replica's reload may meet.
        self._refresh_lock = threading.Lock()
        # Chunks and their BM25 index are swapped together as one tuple, so a search running while
        # an ingest refreshes them never pairs new scores with old chunks. BM25 covers the passages
        # only; answer cards (``card_chunks``) are matched on their own. The card phrasings and
        # their vectors are one tuple for the same reason.
        self._lexical: tuple[list[Chunk], bm25s.BM25 | None] = ([], None)
        self._card_chunks: list[Chunk] = []
        self._card_matrix: CardMatrix = ([], np.zeros((0, 0), dtype=np.float32))
        self._by_id: dict[str, Chunk] = {}  # the passages by id, for dense hits
        self.version = 0  # bumped at every refresh, so caches built on the chunks know to rebuild
        self._move_cards_out_of_passages()
        self.refresh_lexical()

    def _collection(self, client: chromadb.ClientAPI, name: str) -> Chroma:
        return Chroma(
            client=client,
            collection_name=name,
            embedding_function=self.embeddings,
            collection_metadata={"hnsw:space": "cosine"},
        )

    def _move_cards_out_of_passages(self) -> None:
        # Indexes written before the cards had their own collection: move the cards' records over
        # with their vectors (nothing is embedded again).
        where: dict[str, Any] = {"kind": {"$in": list(CARD_KINDS)}}
        records = self.store._collection.get(where=where, include=["documents", "metadatas", "embeddings"])
        if not records["ids"]:
            return
        self.card_store._collection.upsert(
            ids=records["ids"],
            embeddings=records["embeddings"],
            metadatas=records["metadatas"],
            documents=records["documents"],
        )
        self.store._collection.delete(ids=records["ids"])
        self.marker.stamp()
        log.info("Moved %d answer-card records to their own collection", len(records["ids"]))

    def _stores_of(self, chunks: Sequence[Chunk]) -> list[tuple[Chroma, list[Chunk]]]:
        cards = [chunk for chunk in chunks if chunk.metadata.get("kind") in CARD_KINDS]
        passages = [chunk for chunk in chunks if chunk.metadata.get("kind") not in CARD_KINDS]
        return [(store, part) for store, part in ((self.store, passages), (self.card_store, cards)) if part]

    def records(
        self, include: list[str], where: dict[str, Any] | None = None, ids: list[str] | None = None
    ) -> dict[str, list[Any]]:
        """Ids and the ``include`` fields of every record (or of those with ``ids``), passages then
        cards."""
        merged: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
        for store in (self.store, self.card_store):
            records = store._collection.get(ids=ids, where=where, include=include)  # type: ignore[arg-type]
            for field, values in merged.items():
                found = records[field]  # type: ignore[literal-required]
                values.extend(found if found is not None else [])
        return merged

    # --- writing ---------------------------------------------------------------------------
    def stored_hashes(self, roots: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Every stored chunk id (passages and cards) with its metadata (doc_id, hash, source_root...).

        Args:
            roots: Only chunks of these source roots (an organiser's event need not read the whole
                knowledge base's metadata); every chunk when None.
        """
        where = None if roots is None else {"source_root": {"$in": sorted(set(roots))}}
        records = self.records(["metadatas"], where)
        return dict(zip(records["ids"], records["metadatas"], strict=True))

    def upsert(self, chunks: Sequence[Chunk], batch_size: int = 512) -> None:
        """Embed and store ``chunks``, replacing any with the same id.

        Passages are embedded as documents; answer-card phrasings as questions, since they are
        compared with members' questions (asymmetric models such as E5 prefix the two differently).
        """
        for store, part in self._stores_of(chunks):
            for start in range(0, len(part), batch_size):
                self._upsert_batch(store, part[start : start + batch_size])
        if chunks:
            self.marker.stamp()  # after the data, so a replica that sees the token finds it

    def _upsert_batch(self, store: Chroma, batch: list[Chunk]) -> None:
        texts = [embedding_text(chunk) for chunk in batch]
        questions = [n for n, chunk in enumerate(batch) if chunk.metadata.get("kind") == CARD_QUESTION]
        passages = [n for n in range(len(batch)) if n not in set(questions)]
        vectors: list[list[float]] = [[] for _ in batch]
        if passages:
            for n, vector in zip(
                passages, self.embeddings.embed_documents([texts[n] for n in passages]), strict=True
            ):
                vectors[n] = vector
        if questions:
            for n, vector in zip(
                questions, embed_questions(self.embeddings, [texts[n] for n in questions]), strict=True
            ):
                vectors[n] = vector
        store._collection.upsert(
            ids=[chunk.id for chunk in batch],
            embeddings=vectors,  # type: ignore[arg-type]
            metadatas=[dict(chunk.metadata) for chunk in batch],
            documents=texts,
        )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        for start in range(0, len(chunk_ids), 1000):
            batch = list(chunk_ids[start : start + 1000])
            self.store.delete(ids=batch)
            self.card_store.delete(ids=batch)
        if chunk_ids:
            self.marker.stamp()

    def refresh_lexical(self) -> None:
        """Rebuild the in-memory side (BM25, card vectors, chunk map) from what Chroma holds.

        Called after every write of this process, and by ``refresh_if_changed`` when another
        process wrote. Searches running meanwhile keep reading the previous state: each part is
        swapped in whole, and ``version`` is bumped last, so caches rebuilt on it see the new chunks.
        """
        with self._refresh_lock:
            self._refresh()

    def refresh_if_changed(self) -> bool:
        """Reload when another process stamped a new version since the last load.

        Returns:
            Whether the index was reloaded.
        """
        if self.marker.read() == self.loaded_token:
            return False
        with self._refresh_lock:
            if self.marker.read() == self.loaded_token:  # reloaded while this one waited
                return False
            self._refresh()
        log.info("index reloaded: another process changed it (%d passages)", len(self))
        return True

    def _refresh(self) -> None:
        # The token is read before the records: a write landing in between stamps a newer one,
        # which the next check sees, so nothing written is ever missed.
        token = self.marker.read()
        chunks = self._read_chunks()
        card_chunks = [chunk for chunk in chunks if chunk.metadata.get("kind") in CARD_KINDS]
        card_matrix = self._card_vectors(card_chunks)
        chunks = [chunk for chunk in chunks if chunk.metadata.get("kind") not in CARD_KINDS]
        bm25: bm25s.BM25 | None = None
        if chunks:
            corpus = bm25s.tokenize(
                [embedding_text(chunk) for chunk in chunks], stopwords="en", show_progress=False
            )
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
        self._card_chunks, self._card_matrix = card_chunks, card_matrix
        self._by_id = {chunk.id: chunk for chunk in chunks}
        self._lexical = (chunks, bm25)
        self.loaded_token = token
        self.version += 1

    def _read_chunks(self) -> list[Chunk]:
        """Every record, passages then cards, in Chroma's order.

        Only the metadata of every record is read: a record whose metadata (its content hash among
        them) equals that of a chunk already in memory keeps that chunk, and only the others' texts
        are read. After an organiser's event, a reload reads one text, not the whole knowledge base's.
        """
        known = {**self._by_id, **{chunk.id: chunk for chunk in self._card_chunks}}
        listed = self.records(["metadatas"])
        found: dict[str, Chunk] = {}
        for chunk_id, metadata in zip(listed["ids"], listed["metadatas"], strict=True):
            old = known.get(chunk_id)
            if old is not None and old.metadata == dict(metadata or {}):
                found[chunk_id] = old
        missing = [chunk_id for chunk_id in listed["ids"] if chunk_id not in found]
        if missing:
            # Nothing kept (the first load): every record, with no list of thousands of ids to match.
            read = self.records(["documents", "metadatas"], ids=missing if found else None)
            for chunk_id, document, metadata in zip(
                read["ids"], read["documents"], read["metadatas"], strict=True
            ):
                found[chunk_id] = chunk_from_record(chunk_id, document or "", dict(metadata or {}))
        # A record deleted between the two reads is left out; its deletion stamped a newer token.
        return [found[chunk_id] for chunk_id in listed["ids"] if chunk_id in found]

    def _card_vectors(self, card_chunks: list[Chunk]) -> tuple[list[Chunk], np.ndarray]:
        def read(ids: list[str]) -> dict[str, list[float]]:
            records = self.card_store._collection.get(ids=ids, include=["embeddings"])
            return dict(zip(records["ids"], records["embeddings"], strict=True))  # type: ignore[arg-type]

        return card_vectors(card_chunks, self._card_matrix, read)

    # --- reading ---------------------------------------------------------------------------
    @property
    def chunks(self) -> list[Chunk]:
        """All passage chunks (documents' sections), in BM25 index order."""
        return self._lexical[0]

    @property
    def card_chunks(self) -> list[Chunk]:
        """The answer cards' chunks: their phrasings and the cards themselves."""
        return self._card_chunks

    def __len__(self) -> int:
        return len(self._lexical[0])

    def embed_query(self, text: str) -> list[float]:
        """The query vector."""
        return self.embeddings.embed_query(text)

    def dense(self, vector: list[float], k: int, where: dict[str, Any] | None) -> list[tuple[Chunk, float]]:
        """Nearest passages to ``vector`` with cosine similarity (1 is identical)."""
        stored = len(self)
        if not stored:
            return []
        # Ids and distances only: the chunks are in memory already (``chunks``), so Chroma need not
        # read and send back the texts and metadata of every hit (half the query's time on 20k).
        results = self.store._collection.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=min(k, stored),
            where=where,
            include=["distances"],
        )
        by_id = self._by_id
        return [
            (by_id[chunk_id], 1.0 - float(distance))
            for chunk_id, distance in zip(results["ids"][0], (results["distances"] or [[]])[0], strict=True)
            if chunk_id in by_id  # written by another process since the last refresh: next time
        ]

    def nearest_card_questions(self, vector: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` card phrasings nearest to ``vector``, with cosine similarity, best first."""
        questions, vectors = self._card_matrix  # one snapshot: a reload swaps both together
        if not questions or k <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        scores = vectors @ (query / (np.linalg.norm(query) or 1.0))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]  # the k best unordered, then only they are sorted
        top = top[np.argsort(-scores[top])]
        return [(questions[i], float(scores[i])) for i in top]

    def lexical(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        """Best BM25 matches for ``query`` (scores > 0 only)."""
        chunks, bm25 = self._lexical
        if bm25 is None or not query.strip():
            return []
        [tokens] = bm25s.tokenize([query], stopwords="en", show_progress=False, return_ids=False)
        known = bm25.get_tokens_ids(tokens)
        if not known:
            return []
        # Scores of every chunk, then the top k: what ``retrieve`` does, without the thread pool it
        # starts on every call (a millisecond or more per question).
        scores = bm25.get_scores_from_ids(known)
        k = min(k, len(chunks))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(chunks[int(index)], float(scores[index])) for index in top if scores[index] > 0]
