"""The knowledge engine: one thin facade over the knowledge package's jobs, built once by the bot.

Indexing is ``knowledge.indexing``, question-to-sections search ``knowledge.search``, the events
and funding listings ``knowledge.listing_search``, answering ``knowledge.answering`` (the extractive
answer) and ``knowledge.answer_flow`` (with the optional LLM steps around it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from knowledge.anchors import ProgrammeNames
from knowledge.answer_flow import AnswerFlow
from knowledge.answering import Answerer, Asker
from knowledge.calibration import thresholds_for
from knowledge.card_match import CardMatcher, CardThresholds
from knowledge.crosslingual import SUPPORTED_LANGUAGES, CrossLingual
from knowledge.detached import run_detached
from knowledge.documents import SourceDocument
from knowledge.embeddings import is_multilingual
from knowledge.gate import GateThresholds, RelevanceGate
from knowledge.index import VectorIndex
from knowledge.index_watch import IndexWatch
from knowledge.indexing import Indexer
from knowledge.ingest import IngestReport, Progress
from knowledge.intent import date_window
from knowledge.language import LanguageDetector
from knowledge.links import ContentPolicy, HelpLinks
from knowledge.listing_search import ListingSearch
from knowledge.llm import LLMAnswerer
from knowledge.models import Answer, EventData, Passage, SearchFilters
from knowledge.pool import AnswerPool
from knowledge.question import QuestionReader
from knowledge.retrieval import Mode
from knowledge.search import Searcher
from knowledge.spelling import load_word_lists
from knowledge.text import Texts


def utcnow() -> dt.datetime:
    """The current time in UTC (the engine's default clock)."""
    return dt.datetime.now(dt.UTC)


class KnowledgeEngine:
    """Ingest, search, list and answer: each call handed to the module whose job it is.

    Args:
        index: The vector + BM25 index.
        texts: Fixed phrases by language (the bot's catalogue).
        clock: Current UTC time (deadline status and "upcoming" depend on it).
        llm: The generative answerer, or None for extractive answers only.
        content_roots: The configured content folders; ingested paths are identified relative to them.
        multilingual: Whether the embedding model reads every language (else translated questions are
            embedded as their glossary's English terms).
        gate: Thresholds of the relevance gate (calibrated per embedding model).
        cards: Thresholds of answer-card matching (calibrated per embedding model).
        links: Where declines send members, and the link of an event that gives none of its own
            (the configured pages); None gives no links (for benchmarks, which show no declines).
        policy: What content may contain (allowed source domains, file size limit).
        index_check_seconds: Least seconds between two checks of the index's version (see
            ``knowledge.index_watch``).
        pool: The threads answers are computed on (``knowledge.pool.THREADS_PER_CORE`` per usable
            core when None).
    """

    def __init__(
        self,
        index: VectorIndex,
        texts: Texts,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        llm: LLMAnswerer | None = None,
        content_roots: Sequence[Path] = (),
        multilingual: bool | None = None,
        gate: GateThresholds | None = None,
        cards: CardThresholds | None = None,
        links: HelpLinks | None = None,
        policy: ContentPolicy | None = None,
        index_check_seconds: float = 2.0,
        pool: AnswerPool | None = None,
    ) -> None:
        self.index = index
        pool = pool or AnswerPool()
        self.watch = IndexWatch(index, index_check_seconds)
        self.texts = texts
        self.clock = clock
        multilingual = is_multilingual(index.embeddings) if multilingual is None else multilingual
        default_gate, default_cards = thresholds_for(multilingual)
        self.links = links or HelpLinks(gateway="", eser="")
        self.indexer = Indexer(index, content_roots, policy, event_link=self.links.gateway)
        self.detector = LanguageDetector()
        # Why the models cannot answer yet ("" once ``warm_up`` loaded them): ``/readyz`` says
        # not ready meanwhile, so a load balancer keeps members away from a replica still loading.
        self.model_problem = "not loaded yet"
        self.reader = QuestionReader(self.detector, CrossLingual(), multilingual_dense=multilingual)
        programmes = ProgrammeNames()
        crosslingual = self.reader.crosslingual
        function_words = frozenset().union(
            *(crosslingual.function_words(code) for code in SUPPORTED_LANGUAGES)
        )
        self.answerer = Answerer(
            index,
            self.reader,
            CardMatcher(index, cards or default_cards, programmes, function_words),
            RelevanceGate(gate or default_gate, programmes),
            texts,
            self.links,
            clock,
        )
        self.retriever = self.answerer.retriever
        self.searcher = Searcher(self.reader, self.retriever, self.answerer.refresh, clock)
        self.listings = ListingSearch(
            self.reader, self.retriever, self.searcher, texts, self.answerer.not_grounded, clock
        )
        self.flow = AnswerFlow(self.answerer, llm, pool)

    @property
    def pool(self) -> AnswerPool:
        """The threads answers, searches and listings are computed on."""
        return self.flow.pool

    @pool.setter
    def pool(self, pool: AnswerPool) -> None:
        self.flow.pool = pool

    @property
    def llm(self) -> LLMAnswerer | None:
        """The generative answerer, or None for extractive answers only."""
        return self.flow.llm

    @llm.setter
    def llm(self, llm: LLMAnswerer | None) -> None:
        self.flow.llm = llm

    @property
    def content_roots(self) -> list[Path]:
        """The configured content folders."""
        return self.indexer.content_roots

    @content_roots.setter
    def content_roots(self, roots: Sequence[Path]) -> None:
        self.indexer.content_roots = list(roots)

    async def warm_up(self) -> None:
        """Load the models now (they load on first use), so the first member waits for no one.

        ``model_problem`` says ``loading`` meanwhile, ``""`` once loaded, or why the load failed.

        Raises:
            Exception: Whatever the load raised (a missing model folder, a broken file).
        """
        self.model_problem = "loading"
        try:
            # Not the default executor: a stopping process need not wait for a load to finish.
            await run_detached(self._warm_up, name="warm-up")
        except Exception as error:
            self.model_problem = f"failed: {type(error).__name__}: {' '.join(str(error).split())[:200]}"
            raise
        self.model_problem = ""

    def _warm_up(self) -> None:
        self.index.embed_query("ESER")
        self.detector.warm_up()
        date_window("next month", "en", self.clock())
        # Each list loads on first use (about half a second, holding the GIL): a member's first
        # question in a language would otherwise stall every answer in flight.
        load_word_lists(SUPPORTED_LANGUAGES)
        self.answerer.refresh()

    # --- indexing (knowledge.indexing) ----------------------------------------------------------
    async def ingest(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Incrementally ingest files and folders (see ``knowledge.ingest``)."""
        return await self.indexer.ingest(paths, progress=progress)

    def ingest_sync(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Blocking ``ingest`` (for the CLI and benchmarks)."""
        return self.indexer.ingest_sync(paths, progress=progress)

    async def sync_documents(self, documents: Sequence[SourceDocument], *, source_root: str) -> IngestReport:
        """Make ``source_root`` hold exactly ``documents`` (e.g. events stored in the database)."""
        return await self.indexer.sync_documents(documents, source_root=source_root)

    async def upsert_documents(
        self, documents: Sequence[SourceDocument], *, source_root: str, force: bool = False
    ) -> IngestReport:
        """Add or replace ``documents`` under ``source_root`` (see ``Indexer.upsert_documents``)."""
        return await self.indexer.upsert_documents(documents, source_root=source_root, force=force)

    async def remove_documents(self, doc_ids: Sequence[str]) -> int:
        """Remove every chunk of the given documents; returns how many chunks went."""
        return await self.indexer.remove_documents(doc_ids)

    def indexed_events(self, **criteria: object) -> list[EventData]:
        """Events of the index, soonest first (see ``Indexer.indexed_events``)."""
        self.watch.poll()
        return self.indexer.indexed_events(**criteria)  # type: ignore[arg-type]

    # --- search (knowledge.search) --------------------------------------------------------------
    def search_sync(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        k: int = 8,
        mode: Mode = "hybrid",
        language: str | None = None,
    ) -> list[Passage]:
        """Retrieve sections (blocking; see ``search``)."""
        self.watch.poll()
        return self.searcher.search(question, filters=filters, k=k, mode=mode, language=language)

    async def search(
        self, question: str, *, filters: SearchFilters | None = None, k: int = 8, mode: Mode = "hybrid"
    ) -> list[Passage]:
        """Retrieve up to ``k`` sections, best first."""
        self.watch.poll()
        return await self.pool.run(self.searcher.search, question, filters=filters, k=k, mode=mode)

    # --- listings (knowledge.listing_search) ----------------------------------------------------
    async def upcoming_events(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        language: str = "en",
        limit: int = 5,
        timezone: str | None = None,
    ) -> tuple[Answer, list[EventData]]:
        """Upcoming events matching ``query``, soonest first (see ``ListingSearch.upcoming_events``)."""
        self.watch.poll()
        return await self.pool.run(
            self.listings.upcoming_events,
            query,
            filters=filters,
            language=language,
            limit=limit,
            timezone=timezone,
        )

    async def funding(
        self, query: str, *, filters: SearchFilters | None = None, language: str = "en", limit: int = 5
    ) -> Answer:
        """Funding entries matching ``query``, open and rolling first, each with its status."""
        self.watch.poll()
        return await self.pool.run(
            self.listings.funding, query, filters=filters, language=language, limit=limit
        )

    def not_grounded(self, question: str, language: str, key: str = "answer.not_found") -> Answer:
        """The honest "I don't know" answer, pointing to where to ask."""
        return self.answerer.not_grounded(question, language, key)

    # --- answers (knowledge.answering, knowledge.answer_flow) -----------------------------------
    def answer_sync(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        language: str | None = None,
        default_language: str | None = None,
        history: Sequence[str] = (),
        timezone: str | None = None,
        asker: Asker | None = None,
    ) -> Answer:
        """The extractive answer (blocking). See ``answer``."""
        self.watch.poll()
        asker = asker or Asker(hint=default_language)
        return self.answerer.answer(
            question, filters=filters, language=language, asker=asker, history=history, timezone=timezone
        )[0]

    async def answer(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        language: str | None = None,
        default_language: str | None = None,
        history: Sequence[str] = (),
        timezone: str | None = None,
        asker: Asker | None = None,
    ) -> Answer:
        """Answer a member's question with numbered citations.

        Args:
            question: As asked.
            filters: Extra filters (a member profile's region, audience...).
            language: Answer language; detected from the question when None.
            default_language: The member's language (breaks ties when detection is unsure).
            history: Earlier questions of the same thread, oldest first (for follow-ups).
            timezone: The member's time zone for event dates (each event's own zone when None).
            asker: Who asks (language hint, organisation type, country); built from
                ``default_language`` when None.

        Returns:
            A grounded, cited answer, or a decline that says why and where to ask.
        """
        self.watch.poll()  # another process's ingest shows within seconds, without a restart
        return await self.flow.answer(
            question,
            filters=filters,
            language=language,
            asker=asker or Asker(hint=default_language),
            history=history,
            timezone=timezone,
        )
