"""Events, subscriptions and organiser broadcasts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.router import Handler
    from bot.services import Services


def build_handlers(services: Services) -> list[Handler]:
    """Event and broadcast handlers in routing order (none until events land)."""
    return []
