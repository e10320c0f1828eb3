"""The knowledge engine: one object that ingests, retrieves and composes cited answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.compose import ExtractiveComposer, question_overlap, words
from knowledge.crosslingual import CrossLingual
from knowledge.documents import SourceDocument
from knowledge.embeddings import build_embeddings
from knowledge.events import event_from_metadata
from knowledge.index import VectorIndex, chroma_client
from knowledge.ingest import IngestReport, Progress, ingest_paths, sync_documents
from knowledge.intent import read_intent
from knowledge.listings import event_listing, funding_listing
from knowledge.llm import LLMAnswerer, build_chat_model
from knowledge.models import Answer, EventData, Passage, SearchFilters
from knowledge.retrieval import HybridRetriever, Mode, Query
from knowledge.text import Texts

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)
CONTEXT_PASSAGES = 5
OVERLAP_NEEDED = 0.34  # share of the question's content words a moderately similar passage must hold
GATEWAY_URL = "https://social-economy-gateway.ec.europa.eu/"
ESER_URL = "https://single-market-economy.ec.europa.eu/european-social-economy-regions-eser-2023-call-expression-interest_en"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class KnowledgeEngine:
    """Ingest, retrieve and answer.

    Args:
        index: The vector + BM25 index.
        texts: Fixed phrases by language (the bot's catalogue).
        clock: Current UTC time (deadline status and "upcoming" depend on it).
        llm: The generative answerer, or None for extractive answers only.
        min_relevance: Cosine similarity under which a passage never counts as relevant; between it and
            ``sure_relevance`` the passage must also share a third of the question's content words.
        sure_relevance: Cosine similarity from which a passage counts as relevant on its own.
        crosslingual: Language detection and query expansion (built from the glossaries if None).
        content_roots: The configured content folders; ingested paths are identified relative to them.
    """

    def __init__(
        self,
        index: VectorIndex,
        texts: Texts,
        *,
        clock: Callable[[], dt.datetime] = _utcnow,
        llm: LLMAnswerer | None = None,
        min_relevance: float = 0.30,
        sure_relevance: float = 0.50,
        crosslingual: CrossLingual | None = None,
        content_roots: Sequence[Path] = (),
    ) -> None:
        self.index = index
        self.texts = texts
        self.clock = clock
        self.llm = llm
        self.min_relevance = min_relevance
        self.sure_relevance = sure_relevance
        self.crosslingual = crosslingual or CrossLingual()
        self.content_roots = list(content_roots)
        self.retriever = HybridRetriever(index)
        self.composer = ExtractiveComposer(texts)
        # One lock, taken in the worker threads that write: Chroma's embedded client and the BM25
        # rebuild are not meant for concurrent writes. A thread lock works from any event loop.
        self._write_lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, catalogue: Texts, clock: Callable[[], dt.datetime] = _utcnow
    ) -> KnowledgeEngine:
        """Build the engine the settings describe (embedded or server Chroma, extractive or LLM)."""
        client = chroma_client(settings.chroma_dir, settings.chroma_host, settings.chroma_port)
        index = VectorIndex(client, settings.collection, build_embeddings(settings.embeddings))
        llm = LLMAnswerer(build_chat_model(settings.llm)) if settings.llm else None
        return cls(
            index,
            catalogue,
            clock=clock,
            llm=llm,
            min_relevance=settings.min_relevance,
            sure_relevance=settings.sure_relevance,
            content_roots=settings.content_dirs,
        )

    def close(self) -> None:
        """Nothing to release today; kept so owners can shut the engine down symmetrically."""

    async def warm_up(self) -> None:
        """Load the embedding model now (it loads on first use), so the first member waits for no one."""
        await asyncio.to_thread(self.index.embed_query, "ESER")

    # --- ingestion -------------------------------------------------------------------------
    async def ingest(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Incrementally ingest files and folders (see ``knowledge.ingest``)."""
        return await asyncio.to_thread(self.ingest_sync, paths, progress=progress)

    def ingest_sync(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Blocking ``ingest`` (for the CLI and benchmarks)."""
        with self._write_lock:
            return ingest_paths(self.index, list(paths), roots=self.content_roots, progress=progress)

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

    # --- events in the index -----------------------------------------------------------------
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

    # --- retrieval -------------------------------------------------------------------------
    def prepare(
        self, question: str, language: str | None = None, *, default_language: str = "en"
    ) -> tuple[Query, str]:
        """Detect the language (unless given) and expand the question with English terms.

        Args:
            question: The question.
            language: The question's language when already known.
            default_language: The language assumed when detection is not confident.
        """
        language = language or self.crosslingual.detect(question, default=default_language)
        expansion = self.crosslingual.expand(question, language)
        untranslated = " ".join(self.crosslingual.untranslated(question, language)) if expansion else ""
        return Query(
            text=question, expansion=expansion, language=language, untranslated=untranslated
        ), language

    def search_sync(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        k: int = 8,
        mode: Mode = "hybrid",
        language: str | None = None,
    ) -> list[Passage]:
        """Retrieve passages (blocking; see ``search``)."""
        query, _ = self.prepare(question, language)
        return self.retriever.search(query, filters=filters, k=k, mode=mode)

    async def search(
        self, question: str, *, filters: SearchFilters | None = None, k: int = 8, mode: Mode = "hybrid"
    ) -> list[Passage]:
        """Retrieve up to ``k`` passages, one per document, best first."""
        return await asyncio.to_thread(self.search_sync, question, filters=filters, k=k, mode=mode)

    # --- listings --------------------------------------------------------------------------
    async def upcoming_events(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        language: str = "en",
        limit: int = 5,
        timezone: str | None = None,
    ) -> tuple[Answer, list[EventData]]:
        """Upcoming events matching ``query`` (a topic or a country, may be empty), soonest first.

        ``timezone`` is the member's, for the dates (each event's own zone when None).

        Returns:
            A cited listing with sign-up actions and the events listed; when none is known, the
            not-grounded answer that says so and where to look.
        """
        now = self.clock()
        query_obj, _ = self.prepare(query or "upcoming social economy events", language)
        intent = read_intent(query_obj.text, query_obj.expansion, now)
        filters = (filters or SearchFilters()).model_copy(
            update={
                "kinds": ("event",),
                "starts_after": now,
                "starts_before": intent.window_end,
                "regions": (intent.region,) if intent.region else (filters.regions if filters else ()),
            }
        )
        passages = await asyncio.to_thread(self.retriever.search, query_obj, filters=filters, k=3 * limit)
        answer, events = event_listing(
            query, passages, texts=self.texts, language=language, limit=limit, timezone=timezone
        )
        if not events:
            return self.not_grounded(query, language, "answer.no_upcoming_events"), []
        return answer, events

    async def funding(
        self, query: str, *, filters: SearchFilters | None = None, language: str = "en", limit: int = 5
    ) -> Answer:
        """Funding entries matching ``query``, open and rolling first, each with its status."""
        filters = (filters or SearchFilters()).model_copy(update={"kinds": ("funding",)})
        question = query or "EU funding programmes for the social economy"
        passages = await self.search(question, filters=filters, k=limit)
        answer = funding_listing(
            query, passages, texts=self.texts, language=language, today=self.clock().date(), limit=limit
        )
        return answer if answer.grounded else self.not_grounded(query, language)

    # --- answers ---------------------------------------------------------------------------
    def is_relevant(self, passages: Sequence[Passage], query: Query) -> bool:
        """Whether any passage is close enough to the question to answer from.

        Meaning alone misleads both ways (a weather question is "about" Brussels); a passage counts
        when its cosine similarity is high, or moderate and it shares the question's words.
        """
        question_words = set(words(query.text)) | set(words(query.expansion))
        if query.expansion:
            # A translated question is judged on its English terms and the words left untranslated
            # (names, numbers, off-topic words); its own function words ("la", "di") are in no passage.
            question_words = set(words(query.expansion)) | set(words(query.untranslated))
        # The embedding model reads English only: for a translated question, similarity alone is
        # never enough ("Liège" alone makes a weather question look like the Liège Roadmap).
        sure = self.sure_relevance if not query.expansion else float("inf")
        for passage in passages:
            similarity = passage.dense_score or 0.0
            if similarity >= sure:
                return True
            if (
                similarity >= self.min_relevance
                and question_overlap(question_words, passage) >= OVERLAP_NEEDED
            ):
                return True
        return False

    def not_grounded(self, question: str, language: str, key: str = "answer.not_found") -> Answer:
        """The honest "I don't know" answer, pointing to where to ask."""
        return Answer(
            question=question,
            text=self.texts.text(key, language, gateway=GATEWAY_URL, eser=ESER_URL),
            grounded=False,
            language=language,
        )

    def answer_sync(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        language: str | None = None,
        default_language: str = "en",
        retrieval_question: str | None = None,
        timezone: str | None = None,
    ) -> Answer:
        """Retrieve and compose extractively (blocking). See ``answer``."""
        return self._answer_sync(
            question,
            filters=filters,
            language=language,
            default_language=default_language,
            retrieval_question=retrieval_question,
            timezone=timezone,
        )[0]

    def _answer_sync(
        self,
        question: str,
        *,
        filters: SearchFilters | None,
        language: str | None,
        default_language: str,
        retrieval_question: str | None,
        timezone: str | None,
    ) -> tuple[Answer, bool]:
        """The extractive answer, and whether it is an event listing (which no model rewrites)."""
        started = time.perf_counter()
        now = self.clock()
        query, detected = self.prepare(retrieval_question or question, default_language=default_language)
        language = language or detected
        intent = read_intent(query.text, query.expansion, now)
        filters = filters or SearchFilters()
        if intent.upcoming_events:
            filters = filters.model_copy(
                update={
                    "kinds": ("event",),
                    "starts_after": max(filters.starts_after or now, now),
                    "starts_before": filters.starts_before or intent.window_end,
                    "regions": filters.regions or ((intent.region,) if intent.region else ()),
                }
            )
        vector = self.index.embed_query(query.dense_text)
        passages = self.retriever.search(query, filters=filters, k=max(CONTEXT_PASSAGES, 8), vector=vector)
        retrieved = time.perf_counter()
        listing = intent.upcoming_events and bool(passages)
        if intent.upcoming_events:
            # Every passage left is an event in the asked window and place: list them by date (in
            # the member's time zone) rather than quote sentences that may never name the date.
            answer, events = event_listing(
                question, passages, texts=self.texts, language=language, timezone=timezone
            )
            if not events:
                answer = self.not_grounded(question, language, "answer.no_upcoming_events")
        elif not passages or not self.is_relevant(passages, query):
            answer = self.not_grounded(question, language)
        else:
            answer = self.composer.compose(
                question, query.expansion, passages[:CONTEXT_PASSAGES], language=language, today=now.date()
            )
        answer.passages = passages
        answer.timing_ms = {
            "retrieve": (retrieved - started) * 1000,
            "answer": (time.perf_counter() - retrieved) * 1000,
            "total": (time.perf_counter() - started) * 1000,
        }
        return answer, listing

    async def answer(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        language: str | None = None,
        default_language: str = "en",
        history: Sequence[str] = (),
        timezone: str | None = None,
    ) -> Answer:
        """Answer a member's question with numbered citations.

        A question about upcoming events ("what's on in Spain next month?") is answered with the
        list of those events, soonest first, dated in ``timezone``.

        Args:
            question: As asked.
            filters: Extra filters (a member profile's region, audience...).
            language: Answer language; detected from the question when None.
            default_language: Answer language when detection is not confident (the member's).
            history: Earlier questions of the same thread, oldest first (for follow-ups).
            timezone: The member's time zone for event dates (each event's own zone when None).

        Returns:
            A grounded, cited answer, or a not-grounded one that says so and points to where to ask.
        """
        retrieval_question = question
        if history:
            # Without a model, the previous question gives a follow-up ("and for Erasmus+?") its topic.
            retrieval_question = f"{history[-1]} {question}"
            if self.llm is not None:
                try:
                    retrieval_question = await self.llm.condense(question, history)
                except Exception:  # provider outage: the plain concatenation still retrieves well
                    log.exception("LLM condense failed; using the previous question as context")
        extractive, listing = await asyncio.to_thread(
            self._answer_sync,
            question,
            filters=filters,
            language=language,
            default_language=default_language,
            retrieval_question=retrieval_question,
            timezone=timezone,
        )
        if self.llm is None or not extractive.grounded or listing:
            return extractive
        started = time.perf_counter()
        context = extractive.passages[:CONTEXT_PASSAGES]
        try:
            generated = await self.llm.answer(question, context, language=extractive.language)
        except Exception:  # provider outage: the extractive answer is still correct and cited
            log.exception("LLM answer failed; using the extractive answer")
            generated = None
        if generated is None:
            return extractive
        generated.passages = extractive.passages
        generated.actions = self.composer.actions(
            [context[c.n - 1] for c in generated.citations], language=extractive.language
        )
        generated.timing_ms = dict(extractive.timing_ms)
        generated.timing_ms["answer"] += (time.perf_counter() - started) * 1000
        generated.timing_ms["total"] += (time.perf_counter() - started) * 1000
        return generated
