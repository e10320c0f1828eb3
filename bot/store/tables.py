"""Imports every table module so that ``Base.metadata`` is complete (for Alembic and /forget)."""

from bot.store import answers, onboarding_states, profiles
from bot.store.base import Base

__all__ = ["Base", "answers", "onboarding_states", "profiles"]
