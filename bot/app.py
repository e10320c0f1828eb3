"""The composition root: builds the store, the knowledge engine, the router and its handlers once, and
the ``App`` every front end feeds."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry
from starlette.types import ASGIApp

from bot.answer_slots import AnswerSlots, answers_in_flight
from bot.apology import LanguageMemory, apology
from bot.broadcast.service import BroadcastService
from bot.callbacks import CallbackSigner, SigningSender
from bot.delivery import Sender
from bot.errors import ConfigError
from bot.events import EventService
from bot.handoffs.cards import OrganiserCards
from bot.handoffs.digest import handoff_digest
from bot.handoffs.notify import HandoffNotifier
from bot.handoffs.service import HandoffService
from bot.handoffs.values import HandoffLimits
from bot.i18n import LANGUAGES, Catalogue
from bot.inbox import Inbox
from bot.logs import bind_request
from bot.metrics import MeteredSender, Metrics
from bot.models import IncomingMessage, Reply, command_prefix
from bot.onboarding.directory import ProfileDirectory
from bot.organisers import Organisers, parse_organiser_ids
from bot.parts import build_handlers, build_knowledge, build_quota
from bot.places import Places
from bot.platforms import PlatformCapabilities, no_markup
from bot.retention import purge_expired
from bot.router import Router
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
from bot.store.secrets import app_secret
from bot.store.subscriptions import SubscriptionStore
from bot.timing import Timings, stage
from bot.web.app import build_web
from bot.web.tokens import LoginLinks
from knowledge.engine import KnowledgeEngine

log = logging.getLogger(__name__)
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
        """Delete what is past its retention (``bot.retention.purge_expired``).

        Returns:
            How many stored answers were deleted.
        """
        return await purge_expired(self.services, self.inbox)

    async def close(self) -> None:
        """Release the database (and Redis, when the quota lives there)."""
        close_quota = getattr(self.services.quota, "close", None)
        if close_quota is not None:
            await close_quota()
        await self.services.db.dispose()


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
