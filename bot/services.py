"""The services the composition root builds once and hands to every handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.answer_slots import AnswerSlots, answers_in_flight
from bot.broadcast.service import BroadcastService
from bot.channels import ChannelAuthority
from bot.delivery import Sender
from bot.events import EventService
from bot.handoffs.cards import OrganiserCards
from bot.handoffs.service import HandoffService
from bot.i18n import Catalogue
from bot.members import MemberDirectory, NoProfiles
from bot.metrics import Metrics
from bot.organisers import Organisers
from bot.places import Places
from bot.platforms import PlatformCapabilities
from bot.quota import Quota
from bot.settings import Settings
from bot.store.answers import AnswerStore
from bot.store.guided_chats import GuidedChatStore
from bot.store.profiles import ProfileStore
from bot.store.subscriptions import SubscriptionStore
from bot.web.tokens import LoginLinks
from knowledge.engine import KnowledgeEngine


@dataclass
class Services:
    """Shared, long-lived dependencies. Built only by ``bot.app.build_app``.

    Attributes:
        settings: The settings read at start-up.
        catalogue: User-facing strings in every language.
        db: The database engine.
        sessions: Session factory for ``db``.
        knowledge: Retrieval and answer composition.
        clock: Returns the current UTC time (replaced by a fixed clock in tests).
        answers: Answers, votes, feedback and seen events.
        quota: The per-member question quota (in the database, or Redis), shared by every replica.
        profiles: Member profiles, consents and subscriptions.
        guided_chats: Where each member is in each guided chat (onboarding, /newevent, /announce).
        organisers: Who may add events and broadcast.
        places: Countries and regions named in every language (read by onboarding, ``/newevent``,
            ``/announce`` and subscriptions), one for the app: its name indexes are built at the
            first lookup and kept.
        broadcasts: Composing, submitting and reporting on announcements.
        subscriptions: Members' and channels' subscriptions to announcements.
        events: Organisers' events (database) and every event's lookup, indexed at once.
        handoffs: Members' questions handed to organisers (``bot.handoffs``).
        organiser_cards: Answer cards kept from organisers' answers: drafts, publishing, indexing.
        members: Member profiles as far as answers need them.
        platforms: What each platform declares (limits, group chats, markup, name), by platform name:
            every platform the adapters know, whether or not it runs in this process.
        senders: Platform senders registered by the adapters that are running, by platform name.
        channel_authorities: Who manages a channel, registered by the running adapters, by platform.
        metrics: This process's Prometheus metrics (their registry is built with the app).
        login_links: Issues and checks the organisers' web page sign-in links (``/web``); None
            leaves ``/web`` out.
        answer_slots: The bound on answers in flight (``ESER_MAX_ANSWERS_IN_FLIGHT``) and their queue.
        digest_sections: Extra sections of the organisers' weekly knowledge-gaps digest
            (``bot.gaps.digest.DigestSection``): each is given the services, the week's start and end
            and the organiser's language, and returns its text or None. The hand-offs feature adds
            its "answered hand-offs" section here in ``bot.app.build_app``.
    """

    settings: Settings
    catalogue: Catalogue
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    knowledge: KnowledgeEngine
    clock: Callable[[], datetime]
    answers: AnswerStore
    quota: Quota
    profiles: ProfileStore
    guided_chats: GuidedChatStore
    organisers: Organisers
    places: Places
    broadcasts: BroadcastService
    subscriptions: SubscriptionStore
    events: EventService
    handoffs: HandoffService
    organiser_cards: OrganiserCards
    members: MemberDirectory = field(default_factory=NoProfiles)
    platforms: dict[str, PlatformCapabilities] = field(default_factory=dict)
    senders: dict[str, Sender] = field(default_factory=dict)
    channel_authorities: dict[str, ChannelAuthority] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)
    login_links: LoginLinks | None = None
    answer_slots: AnswerSlots = field(default_factory=lambda: AnswerSlots(answers_in_flight(0), 64))
    digest_sections: list[Callable[[Services, datetime, datetime, str], Awaitable[str | None]]] = field(
        default_factory=list
    )
