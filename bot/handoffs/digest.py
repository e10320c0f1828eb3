"""The hand-offs' section of the organisers' weekly digest (``bot.gaps.digest``): how many questions
members handed to organisers that week, how many were answered and kept as cards, and how many
still wait.
"""

from __future__ import annotations

from datetime import datetime

from bot.handoffs.models import Handoff
from bot.services import Services

# Every state: a week's hand-offs are counted whatever became of them since.
STATES = ("open", "answered", "closed", "withdrawn")
# Far above a week of hand-offs for a network of this size (members may have a few open at a time).
LISTED = 5000


def _within(moment: datetime | None, since: datetime, until: datetime) -> bool:
    return moment is not None and since <= moment < until


async def handoff_digest(services: Services, since: datetime, until: datetime, language: str) -> str | None:
    """The digest's hand-offs paragraph for the week ``[since, until)`` in ``language``.

    Returns:
        None when nothing was asked or answered that week and nothing waits (the digest leaves the
        section out).
    """
    handoffs: list[Handoff] = await services.handoffs.listed(STATES, limit=LISTED)
    asked = sum(_within(h.created_at, since, until) for h in handoffs)
    answered = [h for h in handoffs if _within(h.answered_at, since, until)]
    waiting = sum(h.state == "open" for h in handoffs)
    if not (asked or answered or waiting):
        return None
    return services.catalogue.text(
        "handoffs.digest",
        language,
        asked=asked,
        answered=len(answered),
        cards=sum(bool(h.card_id) for h in answered),
        waiting=waiting,
    )
