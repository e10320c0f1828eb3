"""The composition root: builds the store, the knowledge engine, the router and its handlers once, and
the ``App`` every front end feeds."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from bot import questions, subscriptions
from bot.answer_slots import AnswerSlots, answers_in_flight
from bot.apology import LanguageMemory, apology
from bot.broadcast.service import BroadcastService
from bot.callbacks import CallbackSigner, SigningSender
from bot.delivery import Sender
from bot.errors import ConfigError
from bot.events import EventService
from bot.guided.assembly import build_engine, build_handler
from bot.handoffs.cards import OrganiserCards
from bot.handoffs.digest import handoff_digest
from bot.handoffs.handler import HandoffHandler
from bot.handoffs.notify import HandoffNotifier
from bot.handoffs.service import HandoffService
from bot.handoffs.values import HandoffLimits
from bot.i18n import LANGUAGES, Catalogue
from bot.inbox import Inbox
from bot.logs import bind_request
from bot.metrics import MeteredSender, Metrics
from bot.models import IncomingMessage, Reply, command_prefix
from bot.onboarding.directory import ProfileDirectory
from bot.onboarding.privacy import PrivacyHandler
from bot.organisers import Organisers, parse_organiser_ids
from bot.places import Places
from bot.platforms import PlatformCapabilities, no_markup
from bot.quota import Quota
from bot.router import Handler, Router
from bot.safety import clean_message, defang_reply
from bot.services import Services
from bot.settings import Settings
from bot.store.answers import AnswerStore
from bot.store.base import utcnow
from bot.store.database import is_unavailable, open_database, session_factory
from bot.store.guided_chats import GuidedChatStore
from bot.store.handoffs import HandoffStore
from bot.store.inbox import InboxStore
from bot.store.organisers import OrganiserStore
from bot.store.per_message import forget_reads_on_writes, message_reads
from bot.store.profiles import ProfileStore
from bot.store.quota import DatabaseQuota
from bot.store.retention import anonymise_deliveries
from bot.store.secrets import app_secret
from bot.store.subscriptions import SubscriptionStore
from bot.timing import Timings, stage
from bot.web.app import build_web
from bot.web.link import WebLinkHandler
from bot.web.tokens import LoginLinks
from knowledge.embeddings import collection_suffix, effective_embeddings
from knowledge.engine import EngineOptions, KnowledgeEngine
from knowledge.links import ContentPolicy, HelpLinks

log = logging.getLogger(__name__)
# How long answered events are remembered: a platform redelivering one later gets no second answer
# (Slack retries within about half an hour, Telegram within a day).
DEDUPLICATION_WINDOW = timedelta(days=2)
CALLBACK_KEY = "callbacks"
# The keys of the organisers' web page: one signs the sign-in links, one the session cookies.
WEB_LOGIN_KEY = "web-login"
WEB_SESSION_KEY = "web-session"


@dataclass
class App:
    """A running ESER Assistant core: services plus the router every adapter feeds.

    Attributes:
        services: The shared services.
        router: The handlers.
        signer: Signs the buttons of replies sent on a platform and checks pressed ones.
        inbox: Durable receipt of platform events (admitted by the adapters).
        languages: The language each recent member was answered in (for apologies).
        web: The organisers' web app (ASGI, under ``/organisers/``), served by ``serve`` beside the
            platform endpoints and by ``eser-bot web`` alone.
        timings: Where the time of each event goes (``bot.timing``; off unless a benchmark turns it on).
    """

    services: Services
    router: Router
    signer: CallbackSigner
    inbox: Inbox
    languages: LanguageMemory = field(default_factory=LanguageMemory)
    web: ASGIApp | None = None
    timings: Timings = field(default_factory=Timings)

    async def handle(self, message: IncomingMessage) -> list[Reply]:
        """Handle one member action exactly once, for a front end that shows the replies at once
        (the console, tests): its buttons never leave the process, so they are not signed.

        A redelivered event (same ``event_id``) gets no second answer.
        """
        message = clean_message(message)
        try:
            fresh = await self.inbox.admit(
                message.event_id, platform=message.platform, user_id=message.user_id, payload=""
            )
        except Exception as error:
            if not is_unavailable(error):
                raise
            fresh = True  # answered without the record: the apology will say why
        if not fresh:
            return []
        try:
            with self.timings.request(message.event_id):
                return await self._route(message)
        finally:
            await self.inbox.done(message.event_id)

    async def answer(self, message: IncomingMessage) -> list[Reply]:
        """Answer an event a platform adapter admitted to the inbox (see ``bot.inbox``).

        A pressed button is believed only with the bot's own tag (``bot.callbacks``); the replies'
        buttons get theirs. The adapter marks the event done once the replies are sent.
        """
        message = clean_message(message)
        if message.callback_data is not None:
            payload = self.signer.verify(message.platform, message.callback_data)
            if payload is None:
                log.warning(
                    "%s button press by %s with a payload the bot did not sign (%d characters) refused",
                    message.platform,
                    message.user_id,
                    len(message.callback_data),
                )
                return [self._refused_button(message)]
            message = message.model_copy(update={"callback_data": payload})
        with self.timings.request(message.event_id):
            replies = await self._route(message)
            with stage("rendering"):
                return [self.signer.sign_reply(message.platform, reply) for reply in replies]

    async def _route(self, message: IncomingMessage) -> list[Reply]:
        bind_request(message.event_id)  # every line logged while answering carries the update's id
        started = time.perf_counter()
        with stage("routing"), message_reads():
            replies = await self.router.route(message)
        # One line per update, with nothing the member wrote: what a log collector counts.
        log.info(
            "%s update answered: %d replies in %.0f ms",
            message.platform,
            len(replies),
            (time.perf_counter() - started) * 1000,
        )
        if replies:
            self.languages.remember(message, replies[-1].language)
        platform = self.services.platforms.get(message.platform)
        escape_markup = platform.escape_markup if platform else no_markup
        with stage("rendering"):
            return [defang_reply(reply, escape_markup) for reply in replies]

    def _refused_button(self, message: IncomingMessage) -> Reply:
        language = self.languages.language(message)
        text = self.services.catalogue.text(
            "callback.refused", language, cmd=command_prefix(message.platform)
        )
        return Reply(text=text, thread_id=message.thread_id, language=language, ephemeral=True)

    def signing(self, sender: Sender) -> SigningSender:
        """``sender`` with the buttons of everything it sends signed and every send counted
        (register this one)."""
        return SigningSender(MeteredSender(sender, self.services.metrics), self.signer)

    async def purge_expired(self) -> int:
        """Delete what is past its retention: question logs, de-duplication records and unanswered
        events, unfinished onboarding flows, hand-offs untouched for the question retention, and the
        recipients of old announcements' deliveries.

        Returns:
            How many stored answers were deleted.
        """
        now = self.services.clock()
        settings = self.services.settings
        cutoff = now - timedelta(days=settings.question_retention_days)
        removed = await self.services.answers.purge(questions_before=cutoff)
        log.info("retention purge removed %d stored answers older than %s", removed, cutoff.isoformat())
        events = await self.inbox.store.purge(done_before=now - DEDUPLICATION_WINDOW, received_before=cutoff)
        log.info("retention purge removed %d inbox records", events)
        unfinished = await self.services.guided_chats.purge_unfinished(
            now - timedelta(days=settings.onboarding_retention_days)
        )
        log.info("retention purge removed %d unfinished onboarding flows", unfinished)
        deliveries = await anonymise_deliveries(
            self.services.sessions, now - timedelta(days=settings.delivery_retention_days)
        )
        log.info("retention purge removed the recipients of %d old deliveries", deliveries)
        handoffs = await self.services.handoffs.purge(cutoff)
        log.info("retention purge removed %d hand-offs untouched for the question retention", handoffs)
        if isinstance(self.services.quota, DatabaseQuota):  # Redis keys expire by themselves
            quotas = await self.services.quota.purge()
            log.info("retention purge removed %d question quota rows past their window", quotas)
        return removed

    async def close(self) -> None:
        """Release the database (and Redis, when the quota lives there)."""
        close_quota = getattr(self.services.quota, "close", None)
        if close_quota is not None:
            await close_quota()
        await self.services.db.dispose()


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
        return KnowledgeEngine.open(options, texts=catalogue, clock=clock)
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


async def build_app(
    settings: Settings,
    *,
    knowledge: KnowledgeEngine | None = None,
    clock: Callable[[], datetime] = utcnow,
    platforms: Sequence[PlatformCapabilities] = (),
    catalogue: Catalogue | None = None,
) -> App:
    """Build the whole core once.

    Args:
        settings: Settings read at start-up.
        knowledge: An already built engine (tests share one); built from ``settings`` when None.
        clock: Source of the current UTC time.
        platforms: What each platform declares (``adapters.platforms.platform_capabilities``); the
            core reads limits, group chats, mention markup and names only from here. Without
            them, no platform takes broadcasts and replies get only the plain ``@channel`` defanging.
        catalogue: The user-facing strings, already read (tests share one); read from the catalogues
            when None.

    Returns:
        The app, with the database migrated to the latest schema.
    """
    catalogue = catalogue or Catalogue()
    try:
        organiser_ids = parse_organiser_ids(settings.organisers)
    except ValueError as error:
        raise ConfigError("ESER_ORGANISERS", str(error)) from error
    db = await open_database(
        settings.effective_database_url,
        setting="DATABASE_URL" if settings.database_url else "ESER_DATA_DIR",
        shown=settings.database_url,
    )
    sessions = session_factory(db)
    profiles = ProfileStore(sessions)
    organisers = Organisers(sorted(f"{p}:{u}" for p, u in organiser_ids), OrganiserStore(sessions))
    engine = knowledge or build_knowledge(settings, catalogue, clock)
    events = EventService(sessions, engine, clock)
    answers = AnswerStore(sessions)
    # The adapters register their senders in this dict as they start; the hand-offs send through it.
    senders: dict[str, Sender] = {}
    capabilities = {platform.name: platform for platform in platforms}
    members = ProfileDirectory(profiles)
    handoffs = HandoffService(
        HandoffStore(sessions),
        organisers,
        HandoffNotifier(catalogue, senders, capabilities, lambda: services.members, answers, clock),
        HandoffLimits(
            max_open=settings.handoff_max_open,
            per_day=settings.handoff_per_day,
            reminder=timedelta(hours=settings.handoff_reminder_hours),
        ),
        clock,
    )
    login_links = LoginLinks(
        await app_secret(sessions, WEB_LOGIN_KEY, clock()),
        settings.web_base_url,
        timedelta(minutes=settings.web_link_minutes),
        clock,
    )
    services = Services(
        settings=settings,
        catalogue=catalogue,
        db=db,
        sessions=sessions,
        knowledge=engine,
        clock=clock,
        answers=answers,
        quota=build_quota(settings, sessions, clock),
        profiles=profiles,
        guided_chats=GuidedChatStore(sessions),
        organisers=organisers,
        places=Places(LANGUAGES),
        broadcasts=BroadcastService(
            sessions,
            catalogue,
            organisers,
            events=events,
            clock=clock,
            platforms=[platform.name for platform in platforms if platform.broadcasts],
        ),
        subscriptions=SubscriptionStore(sessions),
        events=events,
        handoffs=handoffs,
        organiser_cards=OrganiserCards(handoffs, engine, clock),
        members=members,
        platforms=capabilities,
        senders=senders,
        # A registry of this app's own: the library's global default would mix two apps' counts.
        metrics=Metrics(CollectorRegistry()),
        login_links=login_links,
        answer_slots=AnswerSlots(answers_in_flight(settings.max_answers_in_flight), settings.answer_queue),
    )

    # The weekly digest's hand-offs paragraph (bot.gaps.digest knows only the hook).
    services.digest_sections.append(handoff_digest)
    languages = LanguageMemory()
    timings = Timings()
    timings.count_statements(db)
    forget_reads_on_writes(db)

    async def error_reply(message: IncomingMessage, reference: str, error: Exception) -> Reply:
        return apology(catalogue, languages, message, reference, error)

    return App(
        services=services,
        router=Router(build_handlers(services), error_reply),
        signer=CallbackSigner(await app_secret(sessions, CALLBACK_KEY, clock())),
        inbox=Inbox(InboxStore(sessions), clock, timedelta(seconds=settings.inbox_lease_seconds), timings),
        languages=languages,
        timings=timings,
        web=build_web(services, login_links, await app_secret(sessions, WEB_SESSION_KEY, clock())),
    )
