"""Onboarding's domain logic: the profile kept current at every step, and the starting kit at the end.

language → organisation type → country (outside the EU: continue or change) → region (when the
country has regions) → interests → consent to announcements (``onboarding.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.guided.context import StepContext
from bot.guided.hooks import FlowHooks
from bot.i18n import normalise_language
from bot.models import Reply
from bot.onboarding.kit import StartingKit
from bot.store.profiles import PROFILE_FIELDS

CONSENT_FIELD = "consent"


class OnboardingHooks(FlowHooks):
    """Hooks of ``onboarding.yaml``.

    Args:
        kit: Builds the starting kit.
    """

    flow_id = "onboarding"

    def __init__(self, kit: StartingKit) -> None:
        self.kit = kit

    async def language_source(self, ctx: StepContext) -> dict[str, object]:
        """``{picked}``: which language is in use and where it came from (the member's app, the
        terminal's ``LANG`` for the console, or nowhere: the default)."""
        services, message = ctx.needs_services, ctx.needs_message
        code = ctx.state.answers.get("language") or normalise_language(ctx.hint)
        name = ctx.t(f"onboarding.language.{code}")
        platform = services.platforms.get(message.platform)
        if not message.language_hint:
            source = "default"
        else:
            source = platform.language_source if platform is not None else "app"
        return {"picked": ctx.t(f"onboarding.picked.{source}", language=name)}

    async def saved(self, ctx: StepContext) -> None:
        """Every profile field answered so far goes to the member's profile at once."""
        services, message = ctx.needs_services, ctx.needs_message
        learned = {name: ctx.state.answers[name] for name in PROFILE_FIELDS if name in ctx.state.answers}
        if learned:
            await services.profiles.update(
                message.platform, message.user_id, chat_id=message.chat_id, now=services.clock(), **learned
            )

    async def finish(self, ctx: StepContext, values: Mapping[str, str]) -> list[Reply]:
        """Record the consent, sum the profile up and hand over the starting kit."""
        services, message = ctx.needs_services, ctx.needs_message
        answers = ctx.state.answers
        consent = answers.get(CONSENT_FIELD)
        if consent in ("yes", "no"):
            await services.profiles.record_announcements(
                message.platform,
                message.user_id,
                chat_id=message.chat_id,
                granted=consent == "yes",
                topics=list(answers.get("interests") or ()),
                country=answers.get("country"),
                region=answers.get("region"),
                now=services.clock(),
            )
        profile = await services.profiles.get(message.platform, message.user_id)
        consent_key = "onboarding.consent_given" if consent == "yes" else "onboarding.consent_refused"
        summary = f"{ctx.t('onboarding.done', **values)}\n\n{ctx.t(consent_key, **values)}"
        replies = [Reply(text=summary, language=ctx.language)]
        if profile is not None:
            replies += await self.kit.build(profile, ctx.language)
        replies.append(Reply(text=ctx.t("kit.footer"), language=ctx.language))
        return replies
