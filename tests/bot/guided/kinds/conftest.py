"""Step kinds judged one answer at a time on the real flows' steps."""

from __future__ import annotations

from typing import Any

import pytest

from bot.guided.context import StepContext, StepKind
from bot.guided.flow import load_flows
from bot.guided.kinds import standard_kinds
from bot.guided.state import GuidedState, UserInput
from bot.i18n import LANGUAGES, Catalogue
from bot.places import Places
from bot.typed_answers import Words

FLOWS = load_flows()


@pytest.fixture(scope="session")
def kinds() -> dict[str, StepKind]:
    return standard_kinds(Places(LANGUAGES))


def context(
    catalogue: Catalogue,
    kinds: dict[str, StepKind],
    step: str,
    *,
    flow: str = "onboarding",
    language: str = "en",
    answers: dict[str, Any] | None = None,
    pending: dict[str, Any] | None = None,
) -> StepContext:
    """The context of ``step`` of ``flow`` with its choices computed, as the engine does."""
    state = GuidedState(step=step, answers=answers or {}, pending=pending or {})
    ctx = StepContext(
        flow=FLOWS[flow],
        step=FLOWS[flow].step(step),
        state=state,
        language=language,
        hint=language,
        cmd="/",
        texts=catalogue,
        words=Words(catalogue),
    )
    ctx.choices = kinds[ctx.step.kind].choices(ctx)
    return ctx


def read(kinds: dict[str, StepKind], ctx: StepContext, text: str = "", button: str | None = None) -> Any:
    """The step kind's verdict on typed ``text`` or a pressed ``button``."""
    return kinds[ctx.step.kind].read(ctx, UserInput(text=text, button=button))
