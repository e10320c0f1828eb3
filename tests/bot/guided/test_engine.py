"""The engine is generic: it runs any flow of the same shape, here a toy pizza order with hooks."""

from __future__ import annotations

from typing import Any

import pytest

from bot.guided.context import StepContext, StepKind
from bot.guided.engine import GuidedEngine, Run
from bot.guided.flow import Flow
from bot.guided.hooks import FlowHooks
from bot.guided.kinds.choices import ChoiceKind
from bot.guided.state import Accept, GuidedState, Retry, UserInput, Verdict
from bot.i18n import Catalogue
from bot.models import Reply

TOY = {
    "id": "pizza",
    "command": "pizza",
    "start": "size",
    "language_field": "lang",
    "voice": "onboarding",
    "numbered_choices": True,
    "steps": {
        "size": {
            "prompt": "onboarding.step.organisation",
            "kind": "choice",
            "field": "size",
            "options": [
                {"value": "small", "label": "onboarding.consent.yes"},
                {"value": "huge", "label": "onboarding.consent.no", "next": "warning"},
            ],
            "next": "topping",
        },
        "warning": {
            "prompt": "onboarding.step.country",
            "kind": "choice",
            "skippable": False,
            "options": [{"value": "ok", "label": "onboarding.option.continue_outside_eu"}],
            "next": "topping",
        },
        "topping": {
            "prompt": "onboarding.title.consent",
            "kind": "even",
            "field": "topping",
            "hooks": {"check": "double"},
            "next": "extra",
        },
        "extra": {"prompt": "onboarding.step.interests", "kind": "never", "field": "extra", "next": "end"},
    },
}


class EvenNumber:
    """A toy kind: accepts an even number, suggests the next one for an odd number."""

    extra_controls: tuple[str, ...] = ()

    def applies(self, ctx: StepContext) -> bool:
        return True

    def default(self, ctx: StepContext) -> Any:
        return 0

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        return [(value, value) for value in ctx.state.pending.get("suggestions", [])]

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        text = given.button or given.text
        if not text.isdigit():
            return Retry("onboarding.not_understood")
        if int(text) % 2:
            return Retry(
                "onboarding.place.did_you_mean", {"text": text}, {"suggestions": [str(int(text) + 1)]}
            )
        return Accept(int(text))

    def describe(self, ctx: StepContext, value: Any) -> str:
        return f"#{value}"


class NeverAsked(EvenNumber):
    """A step that never applies: the engine must pass over it and store its default."""

    def applies(self, ctx: StepContext) -> bool:
        return False

    def default(self, ctx: StepContext) -> Any:
        return "none"


class PizzaHooks(FlowHooks):
    """A check hook that adds a field, and a finishing hook that says what was ordered."""

    flow_id = "pizza"

    async def double(self, ctx: StepContext, accepted: Accept) -> Verdict:
        return Accept(accepted.value, answers={"slices": accepted.value * 2})

    async def finish(self, ctx: StepContext, values: Any) -> list[Reply]:
        return [Reply(text=f"ordered {values['size']} with {values['topping']}")]


@pytest.fixture
def engine(catalogue: Catalogue) -> GuidedEngine:
    kinds: dict[str, StepKind] = {"choice": ChoiceKind(), "even": EvenNumber(), "never": NeverAsked()}
    return GuidedEngine({"pizza": Flow.model_validate(TOY)}, kinds, {"pizza": PizzaHooks()}, catalogue)


@pytest.fixture
def run(engine: GuidedEngine) -> Run:
    return Run(flow=engine.flows["pizza"], hint="en", cmd="/")


def test_unknown_kinds_and_hooks_are_refused(catalogue: Catalogue) -> None:
    with pytest.raises(ValueError, match="even"):
        GuidedEngine({"pizza": Flow.model_validate(TOY)}, {"choice": ChoiceKind()}, {}, catalogue)
    kinds: dict[str, StepKind] = {"choice": ChoiceKind(), "even": EvenNumber(), "never": NeverAsked()}
    with pytest.raises(ValueError, match="double"):
        GuidedEngine({"pizza": Flow.model_validate(TOY)}, kinds, {}, catalogue)


async def test_a_whole_toy_flow(engine: GuidedEngine, run: Run) -> None:
    outcome = await engine.begin(run)
    assert outcome.state.step == "size" and "1. Yes, send me announcements" in outcome.replies[0].text
    assert [b.callback_data for b in outcome.replies[0].buttons[0]] == ["gc:pizza:size:small"]
    outcome = await engine.advance(run, outcome.state, UserInput(button="small"))
    assert outcome.state.step == "topping" and outcome.state.history == ["size"]
    outcome = await engine.advance(run, outcome.state, UserInput(text="3"))
    assert outcome.retried and outcome.state.pending == {"suggestions": ["4"]}
    assert "gc:pizza:topping:4" in [b.callback_data for b in outcome.replies[0].buttons[0]]
    outcome = await engine.advance(run, outcome.state, UserInput(button="4"))
    # "extra" never applies: passed over with its default stored, and the flow ends.
    assert outcome.finished and outcome.state.answers == {
        "size": "small",
        "topping": 4,
        "slices": 8,
        "extra": "none",
    }
    assert [reply.text for reply in outcome.replies] == ["ordered Yes, send me announcements with #4"]


async def test_option_transition_back_and_no_skip(engine: GuidedEngine, run: Run) -> None:
    state = (await engine.begin(run)).state
    outcome = await engine.advance(run, state, UserInput(text="no"))  # "huge" is labelled "No, thanks"
    assert outcome.state.step == "warning" and outcome.state.answers == {"size": "huge"}
    refused = await engine.advance(run, outcome.state, UserInput(button="!skip"))
    assert refused.state.step == "warning" and "cannot be skipped" in refused.replies[0].text
    back = await engine.advance(run, outcome.state, UserInput(text="back"))
    assert back.state.step == "size" and back.state.history == []
    first = await engine.advance(run, back.state, UserInput(text="back"))
    assert first.state.step == "size" and "first question" in first.replies[0].text


async def test_skip_stores_the_default_and_cancel_and_restart(engine: GuidedEngine, run: Run) -> None:
    state = (await engine.advance(run, (await engine.begin(run)).state, UserInput(button="small"))).state
    skipped = await engine.advance(run, state, UserInput(text="skip"))
    assert skipped.finished and skipped.state.answers["topping"] == 0
    cancelled = await engine.advance(run, state, UserInput(button="!cancel"))
    assert cancelled.cancelled and cancelled.state == state
    restarted = await engine.advance(run, state, UserInput(text="start over"))
    assert restarted.state.step == "size" and restarted.state.answers == {} and not restarted.state.history


async def test_input_is_not_changed(engine: GuidedEngine, run: Run) -> None:
    state = (await engine.begin(run)).state
    before = state.model_copy(deep=True)
    await engine.advance(run, state, UserInput(button="small"))
    assert state == before


def test_every_run_has_its_own_id() -> None:
    assert GuidedState(step="a").id != GuidedState(step="a").id
