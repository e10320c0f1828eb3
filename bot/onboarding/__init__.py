"""Guided onboarding for newcomers, member profiles and privacy commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.router import Handler
    from bot.services import Services


def build_handlers(services: Services) -> list[Handler]:
    """Onboarding handlers in routing order (none until the onboarding flow lands)."""
    return []
