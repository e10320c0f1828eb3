"""The hand-offs' plain values: what the notifier is told, the rate limits and reminder timing, what
a reminder sweep did, and how an organiser's typed answer is cleaned before a member reads it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, Protocol

from bot.handoffs.models import Handoff
from bot.safety import clean_text, defang
from knowledge.sanitize import neutralise_markers

# "answered_elsewhere": a colleague answered a hand-off this organiser also received (so two don't).
OrganiserNotice = Literal["new", "reminder", "escalation", "passed", "answered_elsewhere"]
MemberNotice = Literal["answered", "closed"]
MAX_ANSWER_CHARS = 3500  # one Telegram message with room for the heading (Slack allows more)


class Notifier(Protocol):
    """Tells organisers and members about a hand-off (``bot.handoffs.notify``)."""

    async def to_organisers(
        self, handoff: Handoff, organisers: Sequence[str], notice: OrganiserNotice
    ) -> list[str]:
        """Send ``handoff`` to each organiser's private chat; returns those it reached."""
        ...

    async def to_member(self, handoff: Handoff, notice: MemberNotice) -> bool:
        """Tell the member (the answer, or that it was closed); False when it did not reach them."""
        ...


@dataclass(frozen=True)
class HandoffLimits:
    """How many hand-offs a member may make, and when unanswered ones are chased.

    Attributes:
        max_open: Open hand-offs a member may have at once.
        per_day: Hand-offs a member may make in 24 hours.
        reminder: Age of an unanswered hand-off when its organisers are reminded; at twice that it
            goes to every organiser.
    """

    max_open: int = 3
    per_day: int = 5
    reminder: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class ReminderReport:
    """What one reminder sweep did: hand-offs reminded and escalated."""

    reminded: int = 0
    escalated: int = 0


def organiser_answer_text(text: str) -> str:
    """An organiser's answer as members will read it: untypable characters gone, mass mentions
    defanged, ``[n]`` turned into ``(n)`` (only the bot writes citation markers), at most
    ``MAX_ANSWER_CHARS``."""
    return neutralise_markers(defang(clean_text(text).strip()))[:MAX_ANSWER_CHARS]
