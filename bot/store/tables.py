"""Imports every table module so that ``Base.metadata`` is complete (for Alembic and /forget)."""

from bot.store import (
    answers,
    broadcasts,
    events,
    gaps,
    guided_chats,
    handoffs,
    inbox,
    leases,
    organisers,
    profiles,
    quota,
    secrets,
    web_logins,
)
from bot.store.base import Base

__all__ = [
    "Base",
    "answers",
    "broadcasts",
    "events",
    "gaps",
    "guided_chats",
    "handoffs",
    "inbox",
    "leases",
    "organisers",
    "profiles",
    "quota",
    "secrets",
    "web_logins",
]
