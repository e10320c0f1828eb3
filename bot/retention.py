"""The retention policy: what the bot deletes once it is past the time the settings keep it."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.inbox import Inbox
from bot.services import Services
from bot.store.quota import DatabaseQuota
from bot.store.retention import anonymise_deliveries

log = logging.getLogger(__name__)
# How long answered events are remembered: a platform redelivering one later gets no second answer
# (Slack retries within about half an hour, Telegram within a day).
DEDUPLICATION_WINDOW = timedelta(days=2)


async def purge_expired(services: Services, inbox: Inbox) -> int:
    """Delete what is past its retention: question logs, de-duplication records and unanswered
    events, unfinished onboarding flows, hand-offs untouched for the question retention, and the
    recipients of old announcements' deliveries.

    Args:
        services: The shared services (settings, clock and stores).
        inbox: The inbox whose de-duplication records and unanswered events expire.

    Returns:
        How many stored answers were deleted.
    """
    now = services.clock()
    settings = services.settings
    cutoff = now - timedelta(days=settings.question_retention_days)
    removed = await services.answers.purge(questions_before=cutoff)
    log.info("retention purge removed %d stored answers older than %s", removed, cutoff.isoformat())
    events = await inbox.store.purge(done_before=now - DEDUPLICATION_WINDOW, received_before=cutoff)
    log.info("retention purge removed %d inbox records", events)
    unfinished = await services.guided_chats.purge_unfinished(
        now - timedelta(days=settings.onboarding_retention_days)
    )
    log.info("retention purge removed %d unfinished onboarding flows", unfinished)
    deliveries = await anonymise_deliveries(
        services.sessions, now - timedelta(days=settings.delivery_retention_days)
    )
    log.info("retention purge removed the recipients of %d old deliveries", deliveries)
    handoffs = await services.handoffs.purge(cutoff)
    log.info("retention purge removed %d hand-offs untouched for the question retention", handoffs)
    if isinstance(services.quota, DatabaseQuota):  # Redis keys expire by themselves
        quotas = await services.quota.purge()
        log.info("retention purge removed %d question quota rows past their window", quotas)
    return removed
