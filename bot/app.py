"""The composition root: builds the store, the knowledge engine, the router and its handlers once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import conversation, dialogues, onboarding, subscriptions
from bot.broadcast.service import BroadcastService
from bot.errors import ConfigError
from bot.events import EventService
from bot.i18n import Catalogue, normalise_language
from bot.models import IncomingMessage, Reply
from bot.onboarding.directory import ProfileDirectory
from bot.organisers import Organisers, parse_organiser_ids
from bot.quota import QuestionQuota
from bot.router import Handler, Router
from bot.safety import defang_reply
from bot.services import Services
from bot.settings import Settings
from bot.store.answers import SEEN_EVENT_TTL, AnswerStore
from bot.store.base import utcnow
from bot.store.database import open_database, session_factory
from bot.store.onboarding_states import FlowStateStore
from bot.store.organisers import OrganiserStore
from bot.store.profiles import ProfileStore
from bot.store.subscriptions import SubscriptionStore
from knowledge.engine import KnowledgeEngine

log = logging.getLogger(__name__)


@dataclass
class App:
    """A running ESER Assistant core: services plus the router every adapter feeds."""

    services: Services
    router: Router

    async def handle(self, message: IncomingMessage) -> list[Reply]:
        """Handle one member action exactly once and return the (defanged) replies to render.

        A redelivered platform event (same ``event_id``) gets no second answer.
        """
        if not await self.services.answers.first_sighting(message.event_id, self.services.clock()):
            log.info("duplicate %s event %s ignored", message.platform, message.event_id)
            return []
        replies = await self.router.route(message)
        return [defang_reply(reply) for reply in replies]

    async def purge_expired(self) -> int:
        """Delete question logs older than the retention (and stale de-duplication ids), and
        onboarding flows left unfinished for longer than ``onboarding_retention_days``.

        Returns:
            How many stored answers were deleted.
        """
        now = self.services.clock()
        cutoff = now - timedelta(days=self.services.settings.question_retention_days)
        removed = await self.services.answers.purge(
            questions_before=cutoff, events_before=now - SEEN_EVENT_TTL
        )
        log.info("retention purge removed %d stored answers older than %s", removed, cutoff.isoformat())
        unfinished = await self.services.onboarding_states.purge_unfinished(
            now - timedelta(days=self.services.settings.onboarding_retention_days)
        )
        log.info("retention purge removed %d unfinished onboarding flows", unfinished)
        return removed

    async def close(self) -> None:
        """Release the database and the index."""
        await self.services.db.dispose()
        self.services.knowledge.close()


def build_handlers(services: Services) -> list[Handler]:
    """The handlers in routing order.

    Organisers' dialogues come first (an open ``/newevent`` or ``/announce`` owns the organiser's
    direct messages), then onboarding (it owns a member's messages while their guided flow is active,
    and it is told which handlers come after it), then subscriptions, then the conversation handlers,
    whose free-text question handler takes whatever is left.
    """
    later = conversation.build_handlers(services)
    return [
        *dialogues.build_handlers(services),
        *onboarding.build_handlers(services, later=later),
        *subscriptions.build_handlers(services),
        *later,
    ]


async def build_app(
    settings: Settings,
    *,
    knowledge: KnowledgeEngine | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> App:
    """Build the whole core once.

    Args:
        settings: Settings read at start-up.
        knowledge: An already built engine (tests share one); built from ``settings`` when None.
        clock: Source of the current UTC time.

    Returns:
        The app, with the database migrated to the latest schema.
    """
    catalogue = Catalogue()
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
    engine = knowledge or KnowledgeEngine.from_settings(settings, catalogue=catalogue, clock=clock)
    events = EventService(sessions, engine, clock)
    services = Services(
        settings=settings,
        catalogue=catalogue,
        db=db,
        sessions=sessions,
        knowledge=engine,
        clock=clock,
        answers=AnswerStore(sessions),
        quota=QuestionQuota(
            settings.quota_questions, timedelta(seconds=settings.quota_window_seconds), clock
        ),
        profiles=profiles,
        onboarding_states=FlowStateStore(sessions),
        organisers=organisers,
        broadcasts=BroadcastService(sessions, catalogue, organisers, events=events, clock=clock),
        subscriptions=SubscriptionStore(sessions),
        events=events,
        members=ProfileDirectory(profiles),
    )

    async def error_reply(message: IncomingMessage, reference: str) -> Reply:
        language = normalise_language(message.language_hint)
        return Reply(
            text=catalogue.text("error.generic", language, reference=reference),
            thread_id=message.thread_id,
            language=language,
        )

    return App(services=services, router=Router(build_handlers(services), error_reply))
