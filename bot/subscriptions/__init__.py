"""Subscriptions to announcements: members' own (``subscribe``, ``unsubscribe``, ``subscriptions``),
channels' (the same commands in a channel, by its managers) and the one-tap ``unsub`` button."""

from __future__ import annotations

from bot.guided.flow import FLOWS_DIR, load_flow
from bot.router import Handler
from bot.services import Services
from bot.subscriptions.handler import SubscriptionHandler
from bot.subscriptions.reading import PlaceReader, TopicReader


def build_handlers(services: Services) -> list[Handler]:
    """The subscription handler, reading places like onboarding (regions searched in the EU
    countries the onboarding flow accepts)."""
    countries = tuple(load_flow(FLOWS_DIR / "onboarding.yaml").step("country").params.get("accepted") or ())
    places = PlaceReader(services.places, services.catalogue, countries)
    return [SubscriptionHandler(services, TopicReader(services.catalogue), places)]
