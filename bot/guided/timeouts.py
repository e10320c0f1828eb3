"""Pausing guided chats a member left unanswered, with a polite message sent on the bot's own initiative.

Only flows that say so (``pause_when_idle``: onboarding) pause; an organiser's dialogue waits.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.delivery import DeliveryError
from bot.i18n import preferred_language
from bot.models import Reply, Target, command_prefix
from bot.services import Services

log = logging.getLogger(__name__)


async def pause_idle_flows(services: Services, flows: Sequence[str] = ("onboarding",)) -> int:
    """Pause every active run of ``flows`` idle longer than ``onboarding_timeout_minutes`` and tell
    the member.

    The message goes through ``services.senders[platform]``; a platform without a running sender or a
    failed delivery is logged, and the flow is paused all the same (it resumes on the next message).

    Returns:
        How many flows were paused.
    """
    now = services.clock()
    cutoff = now - timedelta(minutes=services.settings.onboarding_timeout_minutes)
    paused = 0
    for flow in await services.guided_chats.idle(flows, cutoff):
        if not await services.guided_chats.pause_if_idle(flow, cutoff, now):
            continue  # the member answered meanwhile, or another worker got there first
        paused += 1
        profile = await services.profiles.get(flow.platform, flow.user_id)
        language = preferred_language(profile.language if profile else None, flow.hint)
        text = services.catalogue.text("onboarding.timeout", language, cmd=command_prefix(flow.platform))
        sender = services.senders.get(flow.platform)
        if sender is None:
            log.warning("no %s sender registered; paused flow of %s silently", flow.platform, flow.user_id)
            continue
        try:
            await sender.send(
                Target(platform=flow.platform, chat_id=flow.chat_id),
                Reply(text=text, language=language),
            )
        except DeliveryError as error:
            log.warning(
                "could not tell %s:%s their set-up was paused: %s", flow.platform, flow.user_id, error
            )
    return paused
