"""The engine is generic: it runs any flow of the same shape, here a toy pizza order."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import Catalogue
from bot.onboarding.engine import (
    Accept,
    FlowEngine,
    FlowState,
    Retry,
    StepContext,
    UserInput,
    Validator,
    Verdict,
    callback,
    parse_callback,
)
from bot.onboarding.flow import Flow
from bot.onboarding.validators import ChoiceValidator

TOY = {
    "start": "size",
    "language_field": "lang",
    "steps": {
        "size": {
            "title": "onboarding.title.language",
            "prompt": "onboarding.step.organisation",
            "validator": "choice",
            "field": "size",
            "options": [
                {"value": "small", "label": "onboarding.consent.yes"},
                {"value": "huge", "label": "onboarding.consent.no", "next": "warning"},
            ],
            "next": "topping",
        },
        "warning": {
            "title": "onboarding.title.outside_eu",
            "prompt": "onboarding.step.country",
            "validator": "choice",
            "skippable": False,
            "options": [{"value": "ok", "label": "onboarding.option.continue_outside_eu"}],
            "next": "topping",
        },
        "topping": {
            "title": "onboarding.title.interests",
            "prompt": "onboarding.title.consent",
            "validator": "even",
            "field": "topping",
            "next": "extra",
        },
        "extra": {
            "title": "onboarding.title.region",
            "prompt": "onboarding.step.interests",
            "validator": "never",
            "field": "extra",
            "next": "end",
        },
    },
}


class EvenNumber:
    """A toy validator: accepts an even number, suggests the next one for an odd number."""

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


@pytest.fixture
def engine(catalogue: Catalogue) -> FlowEngine:
    validators: dict[str, Validator] = {
        "choice": ChoiceValidator(),
        "even": EvenNumber(),
        "never": NeverAsked(),
    }
    return FlowEngine(Flow.model_validate(TOY), validators, catalogue)


def test_unknown_validator_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(ValueError, match="even"):
        FlowEngine(Flow.model_validate(TOY), {"choice": ChoiceValidator()}, catalogue)


def test_a_whole_toy_flow(engine: FlowEngine) -> None:
    turn = engine.begin("en", cmd="/")
    assert turn.state.step == "size" and turn.reply is not None
    assert [b.callback_data for b in turn.reply.buttons[0]] == ["ob:size:small"]
    turn = engine.advance(turn.state, UserInput(button="small"), "en", cmd="/")
    assert turn.state.step == "topping" and turn.state.history == ["size"]
    turn = engine.advance(turn.state, UserInput(text="3"), "en", cmd="/")
    assert turn.state.step == "topping" and turn.state.pending == {"suggestions": ["4"]}
    assert turn.reply is not None and "ob:topping:4" in [b.callback_data for b in turn.reply.buttons[0]]
    turn = engine.advance(turn.state, UserInput(button="4"), "en", cmd="/")
    # "extra" never applies: skipped (with its default stored) and the flow ends.
    assert turn.finished and turn.state.answers == {"size": "small", "topping": 4, "extra": "none"}


def test_option_transition_back_and_no_skip(engine: FlowEngine) -> None:
    state = engine.begin("en", cmd="/").state
    turn = engine.advance(state, UserInput(text="no"), "en", cmd="/")  # "huge" is labelled "No, thanks"
    assert turn.state.step == "warning" and turn.state.answers == {"size": "huge"}
    refused = engine.advance(turn.state, UserInput(button="!skip"), "en", cmd="/")
    assert (
        refused.state.step == "warning"
        and refused.reply is not None
        and "cannot be skipped" in refused.reply.text
    )
    back = engine.advance(turn.state, UserInput(text="back"), "en", cmd="/")
    assert back.state.step == "size" and back.state.history == []


def test_skip_stores_the_default_and_cancel_and_restart(engine: FlowEngine) -> None:
    state = engine.advance(engine.begin("en", cmd="/").state, UserInput(button="small"), "en", cmd="/").state
    skipped = engine.advance(state, UserInput(text="skip"), "en", cmd="/")
    assert skipped.finished and skipped.state.answers["topping"] == 0
    cancelled = engine.advance(state, UserInput(button="!cancel"), "en", cmd="/")
    assert cancelled.cancelled and cancelled.state == state
    restarted = engine.advance(state, UserInput(text="start over"), "en", cmd="/")
    assert restarted.state == FlowState(step="size")


def test_input_is_not_mutated(engine: FlowEngine) -> None:
    state = engine.begin("en", cmd="/").state
    before = state.model_copy(deep=True)
    engine.advance(state, UserInput(button="small"), "en", cmd="/")
    assert state == before


def test_callback_data_round_trip_and_limit() -> None:
    assert parse_callback(callback("region", "FR-IDF")) == ("region", "FR-IDF")
    assert parse_callback("fb:123:up") is None
    with pytest.raises(ValueError):
        callback("step", "x" * 64)
