"""Guided onboarding for newcomers, member profiles and privacy commands."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import LANGUAGES
from bot.onboarding.engine import FlowEngine
from bot.onboarding.flow import load_flow
from bot.onboarding.handler import OnboardingHandler
from bot.onboarding.kit import StartingKit, load_kit
from bot.onboarding.places import Places
from bot.onboarding.privacy import PrivacyHandler
from bot.onboarding.validators import standard_validators
from bot.router import Handler
from bot.services import Services


def build_handlers(services: Services, *, later: Sequence[Handler]) -> list[Handler]:
    """Onboarding handlers in routing order: the privacy commands, then the flow.

    Args:
        services: Shared services.
        later: The handlers routed after these; the flow asks them to answer a question a member
            asked instead of answering a step (so the question is not lost).
    """
    engine = FlowEngine(load_flow(), standard_validators(Places(LANGUAGES)), services.catalogue)
    kit = StartingKit(services.knowledge, load_kit())
    return [PrivacyHandler(services, engine), OnboardingHandler(services, engine, kit, later)]
