"""The parts the composition root (``bot.app.build_app``) assembles: the handlers in routing order,
the knowledge engine the settings describe, and the question quota's store."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import questions, subscriptions
from bot.errors import ConfigError
from bot.guided.assembly import build_engine, build_handler
from bot.handoffs.handler import HandoffHandler
from bot.i18n import Catalogue
from bot.onboarding.privacy import PrivacyHandler
from bot.quota import Quota
from bot.router import Handler
from bot.services import Services
from bot.settings import Settings
from bot.store.base import utcnow
from bot.store.quota import DatabaseQuota
from bot.web.link import WebLinkHandler
from knowledge.embeddings import collection_suffix, effective_embeddings
from knowledge.engine import KnowledgeEngine
from knowledge.engine_options import EngineOptions, open_engine
from knowledge.links import ContentPolicy, HelpLinks


def build_handlers(services: Services) -> list[Handler]:
    """The handlers in routing order.

    The privacy commands come first, then the hand-offs (``/human``, ``/handoff`` and their buttons),
    then guided chats (an active run of onboarding, ``/newevent``
    or ``/announce`` owns the member's messages; it is told which handlers come after it), then
    subscriptions, then the question handlers, whose free-text question handler takes whatever is
    left.
    """
    later = questions.build_handlers(services)
    engine = build_engine(services)
    guided = build_handler(services, engine, later=later)
    web = [WebLinkHandler(services, services.login_links)] if services.login_links else []
    return [
        PrivacyHandler(services, engine),
        *web,  # before the guided chats: asking for a link does not disturb a dialogue in progress
        # Before the guided chats: /human and /handoff start their dialogues with what they need.
        HandoffHandler(services, guided),
        guided,
        *subscriptions.build_handlers(services),
        *later,
    ]


def build_knowledge(
    settings: Settings,
    catalogue: Catalogue,
    clock: Callable[[], datetime] = utcnow,
    *,
    indexing: bool = False,
) -> KnowledgeEngine:
    """The knowledge engine the settings describe (embedded or server Chroma, extractive or LLM).

    Each embedding model gets its own collection (``eser--<model>``), so changing
    ``ESER_EMBEDDINGS`` (or falling back to MiniLM on a CPU without AVX2) never mixes vector spaces.

    Args:
        settings: The settings.
        catalogue: Fixed phrases by language.
        clock: Current UTC time.
        indexing: The command's main work is indexing (every core embeds, unless
            ``ESER_EMBEDDING_THREADS`` says otherwise); serving uses one thread.
    """
    model = effective_embeddings(settings.embeddings)
    options = EngineOptions(
        chroma_dir=settings.chroma_dir,
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
        collection=f"{settings.collection}--{collection_suffix(model)}",
        embeddings=model,
        llm=settings.llm,
        content_roots=tuple(settings.content_dirs),
        links=HelpLinks(gateway=settings.gateway_url, eser=settings.eser_url),
        policy=ContentPolicy.from_settings(settings),
        embedding_threads=settings.embedding_threads or ((os.cpu_count() or 1) if indexing else 1),
        index_check_seconds=settings.index_check_seconds,
        answer_threads=settings.answer_threads,
        batch_window_seconds=settings.batch_window_ms / 1000,
        batch_max=settings.batch_max,
    )
    try:
        return open_engine(options, texts=catalogue, clock=clock)
    except ValueError as error:
        if not settings.chroma_host or "chroma" not in str(error).lower():
            raise
        # The Chroma server is away: name the setting on one line rather than show a traceback.
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        raise ConfigError("CHROMA_HOST", f"cannot reach the Chroma server at {where} ({error})") from None


def build_quota(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
) -> Quota:
    """The question quota: in Redis when ``REDIS_URL`` is set, else in the database.

    Either way every replica counts a member's questions together.
    """
    window = timedelta(seconds=settings.quota_window_seconds)
    if settings.redis_url:
        from bot.redis_quota import RedisQuota  # only deployments with Redis load its client

        return RedisQuota.from_url(settings.redis_url, settings.quota_questions, window, clock)
    return DatabaseQuota(sessions, settings.quota_questions, window, clock)
