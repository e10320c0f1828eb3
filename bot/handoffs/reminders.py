"""Chasing unanswered hand-offs: a reminder to their organisers after the reminder time, and at
twice that the hand-off goes to every organiser (each step once, whatever replica runs the sweep)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.handoffs.models import Handoff
from bot.handoffs.values import Notifier, ReminderReport
from bot.store.handoffs import HandoffStore

log = logging.getLogger(__name__)


async def send_reminders(
    store: HandoffStore,
    notifier: Notifier,
    reminder: timedelta,
    now: datetime,
    everyone: Callable[[], Awaitable[list[str]]],
) -> ReminderReport:
    """One sweep: remind, or escalate, every hand-off that is due.

    Args:
        store: The hand-offs.
        notifier: Tells the organisers.
        reminder: Age of an open hand-off when its organisers are reminded (escalated at twice that).
        now: Current UTC time.
        everyone: Every organiser (``platform:user_id``).
    """
    reminded = escalated = 0
    for row in await store.due(now - reminder, now - 2 * reminder):
        handoff = Handoff.of(row)
        if row.created_at <= now - 2 * reminder and row.escalated_at is None:
            organisers = await everyone()
            # Only while still open: an answer given meanwhile on another replica wins.
            if await store.update(
                row.id,
                only_if=("open",),
                escalated_at=now,
                reminded_at=row.reminded_at or now,
                assignees=json.dumps(organisers),
            ):
                await notifier.to_organisers(handoff, organisers, "escalation")
                escalated += 1
        elif row.reminded_at is None and await store.update(row.id, only_if=("open",), reminded_at=now):
            await notifier.to_organisers(handoff, list(handoff.assignees), "reminder")
            reminded += 1
    if reminded or escalated:
        log.info("hand-offs: %d reminded, %d escalated to every organiser", reminded, escalated)
    return ReminderReport(reminded=reminded, escalated=escalated)
