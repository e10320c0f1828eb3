"""Answers in words for the organisers' previews: a language, a region, topics."""

from __future__ import annotations

from bot.guided.context import StepContext
from bot.i18n import LANGUAGES
from bot.places import Places

EVERYWHERE = "EU"


def language_name(ctx: StepContext, code: str | None) -> str:
    """A language's own name ("Español")."""
    return ctx.t(f"onboarding.language.{code}") if code in LANGUAGES else str(code)


def region_label(ctx: StepContext, places: Places, code: str | None) -> str:
    """A chosen region in words ("Everywhere (EU)" for none)."""
    if code in (None, EVERYWHERE):
        return ctx.t("dialogue.everywhere")
    return places.country_name(str(code), ctx.language)


def topic_label(ctx: StepContext, topic: str) -> str:
    """A topic in words ("EU funding")."""
    return ctx.t(f"onboarding.interest.{topic}")
