"""Builds the guided-chat engine (every flow, the step kinds, each flow's hooks) and its handler."""

from __future__ import annotations

from collections.abc import Sequence

from bot.guided.engine import GuidedEngine
from bot.guided.flow import load_flows
from bot.guided.flows.announce import AnnounceHooks
from bot.guided.flows.handoff import HandoffHooks, HumanHooks
from bot.guided.flows.newevent import NewEventHooks
from bot.guided.flows.onboarding import OnboardingHooks
from bot.guided.handler import GuidedChatHandler
from bot.guided.kinds import standard_kinds
from bot.onboarding.kit import StartingKit, load_kit
from bot.router import Handler
from bot.services import Services


def build_engine(services: Services) -> GuidedEngine:
    """The engine with every flow, its step kinds and each flow's hooks."""
    places = services.places
    hooks = [
        OnboardingHooks(StartingKit(services.knowledge, load_kit())),
        NewEventHooks(places),
        AnnounceHooks(places),
        HandoffHooks(),
        HumanHooks(),
    ]
    return GuidedEngine(
        load_flows(), standard_kinds(places), {hook.flow_id: hook for hook in hooks}, services.catalogue
    )


def build_handler(services: Services, engine: GuidedEngine, *, later: Sequence[Handler]) -> GuidedChatHandler:
    """The guided-chat handler.

    Args:
        services: Shared services.
        engine: The engine (``build_engine``).
        later: The handlers routed after it; onboarding asks them to answer a question a newcomer
            asked instead of answering a step (so the question is not lost).
    """
    return GuidedChatHandler(services, engine, later)
