"""A generic engine for guided flows declared as data (``flow.yaml``).

The engine knows steps, transitions, history and the controls every step offers (back, skip, cancel,
restart); what an answer means is left to the validator a step names. It is pure: it takes a
``FlowState`` and a member's input and returns the next state and what to say, and the caller stores
the state (so a restart of the bot loses nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, Field

from bot.callbacks import PAYLOAD_LIMIT
from bot.models import Button, Reply
from bot.onboarding.flow import CONTROL_MARK, END, Flow, Step
from bot.onboarding.typed import Words
from knowledge.text import Texts

CALLBACK_PREFIX = "ob:"
# Buttons go two to a row when there are many short ones (languages), else one per row.
SHORT_LABEL = 22


class FlowState(BaseModel):
    """Where a member is in a flow; stored as JSON after every step.

    Attributes:
        step: The current step id.
        history: Steps answered before, oldest first (``back`` walks it).
        answers: Field values given so far.
        pending: The current step's scratch data (a multiple choice's selection, suggestions).
    """

    step: str
    history: list[str] = Field(default_factory=list)
    answers: dict[str, Any] = Field(default_factory=dict)
    pending: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class UserInput:
    """What the member gave: a pressed button's value (an option value or ``!control``) or text."""

    text: str = ""
    button: str | None = None


@dataclass(frozen=True)
class Accept:
    """The answer is valid: store ``value`` and move on (to ``outcome``'s step when given)."""

    value: Any
    outcome: str | None = None


@dataclass(frozen=True)
class Retry:
    """Ask again, saying why (a catalogue key and its values), keeping ``pending`` for next time."""

    notice: str
    values: Mapping[str, object] = field(default_factory=dict)
    pending: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Stay:
    """Stay on the step with new scratch data (e.g. one more topic ticked)."""

    pending: Mapping[str, Any]


Verdict = Accept | Retry | Stay


@dataclass(frozen=True)
class StepContext:
    """Everything a validator may look at while reading an answer to ``step``."""

    step: Step
    state: FlowState
    language: str
    hint: str
    texts: Texts
    words: Words

    def t(self, key: str, **values: object) -> str:
        """Catalogue text in the member's language."""
        return render(self.texts, key, self.language, values)


class Validator(Protocol):
    """Reads answers to the steps that name it."""

    extra_controls: tuple[str, ...]

    def applies(self, ctx: StepContext) -> bool:
        """Whether the step is asked at all (a region step needs a country with regions)."""
        ...

    def default(self, ctx: StepContext) -> Any:
        """The value stored when the step is skipped."""
        ...

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """(value, label) pairs offered as buttons and numbered lines."""
        ...

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Judge a pressed button (``given.button``: a value or ``!control``) or typed text."""
        ...

    def describe(self, ctx: StepContext, value: Any) -> str:
        """``value`` as words in the member's language (for prompts and the profile)."""
        ...


@dataclass
class Turn:
    """The result of one member action.

    Attributes:
        state: The state to store.
        reply: What to say (the next question, or a notice).
        finished: The last step was answered.
        cancelled: The member cancelled.
        retried: The input was not an answer to the step, which is asked again.
    """

    state: FlowState
    reply: Reply | None = None
    finished: bool = False
    retried: bool = False
    cancelled: bool = False


class FlowEngine:
    """Runs a ``Flow`` with the given validators.

    Args:
        flow: The flow.
        validators: Validators by the names steps use.
        texts: Catalogues.

    Raises:
        ValueError: When a step names a validator that is not given.
    """

    def __init__(self, flow: Flow, validators: Mapping[str, Validator], texts: Texts) -> None:
        missing = {step.validator for step in flow.steps.values()} - set(validators)
        if missing:
            raise ValueError(f"flow uses unknown validators: {sorted(missing)}")
        self.flow = flow
        self.validators = dict(validators)
        self.texts = texts
        self.words = Words(texts)

    # --- state --------------------------------------------------------------------------------
    def language(self, state: FlowState, hint: str) -> str:
        """The member's language: answered, or the platform's."""
        return str(state.answers.get(self.flow.language_field) or hint)

    def context(self, state: FlowState, hint: str, step_id: str | None = None) -> StepContext:
        """The validator context of ``step_id`` (the current step by default)."""
        return StepContext(
            step=self.flow.step(step_id or state.step),
            state=state,
            language=self.language(state, hint),
            hint=hint,
            texts=self.texts,
            words=self.words,
        )

    def begin(self, hint: str, *, cmd: str, answers: Mapping[str, Any] | None = None) -> Turn:
        """A fresh flow at its first step (``answers`` pre-fills values, e.g. a known language)."""
        state = FlowState(step=self.flow.start, answers=dict(answers or {}))
        return Turn(state=state, reply=self.prompt(state, hint, cmd=cmd))

    def values(self, state: FlowState, hint: str) -> dict[str, str]:
        """Every field described in words, for prompt placeholders."""
        described: dict[str, str] = {}
        for step in self.flow.steps.values():
            if step.field:
                ctx = self.context(state, hint, step.id)
                validator = self.validators[step.validator]
                value = state.answers.get(step.field, validator.default(ctx))
                described[step.field] = validator.describe(ctx, value)
        return described

    # --- one member action -------------------------------------------------------------------
    def advance(self, state: FlowState, given: UserInput, hint: str, *, cmd: str) -> Turn:
        """Apply a member's button press or typed text to ``state``.

        Args:
            state: The stored state (not modified).
            given: The member's input for the current step.
            hint: The platform's language for the member (normalised).
            cmd: How commands are typed on the platform (``/`` or ``/eser ``).
        """
        state = state.model_copy(deep=True)
        ctx = self.context(state, hint)
        control = self._control(ctx, given)
        if control == "restart":
            language = state.answers.get(self.flow.language_field)
            return self.begin(hint, cmd=cmd, answers={self.flow.language_field: language} if language else {})
        if control == "cancel":
            return Turn(state=state, cancelled=True)
        if control == "back":
            if not state.history:
                return Turn(
                    state=state, reply=self.prompt(state, hint, cmd=cmd, notice="onboarding.first_step")
                )
            state.step = state.history.pop()
            state.pending = {}
            return Turn(state=state, reply=self.prompt(state, hint, cmd=cmd))
        validator = self.validators[ctx.step.validator]
        if control == "skip":
            if not ctx.step.skippable:
                return Turn(state=state, reply=self.prompt(state, hint, cmd=cmd, notice="onboarding.no_skip"))
            return self._move(state, ctx.step, validator.default(ctx), None, hint, cmd)
        if control is not None and control not in validator.extra_controls:
            return Turn(
                state=state,
                reply=self.prompt(state, hint, cmd=cmd, notice="onboarding.not_understood"),
                retried=True,
            )
        verdict = validator.read(
            ctx, UserInput(text=given.text, button=f"{CONTROL_MARK}{control}") if control else given
        )
        if isinstance(verdict, Stay):
            state.pending = dict(verdict.pending)
            return Turn(state=state, reply=self.prompt(state, hint, cmd=cmd))
        if isinstance(verdict, Retry):
            if verdict.pending is not None:
                state.pending = dict(verdict.pending)
            return Turn(
                state=state,
                reply=self.prompt(state, hint, cmd=cmd, notice=verdict.notice, notice_values=verdict.values),
                retried=True,
            )
        return self._move(state, ctx.step, verdict.value, verdict.outcome, hint, cmd)

    def _control(self, ctx: StepContext, given: UserInput) -> str | None:
        if given.button is not None:
            return given.button[1:] if given.button.startswith(CONTROL_MARK) else None
        return self.words.control(given.text, ctx.language)

    def _move(
        self, state: FlowState, step: Step, value: Any, outcome: str | None, hint: str, cmd: str
    ) -> Turn:
        if step.field:
            state.answers[step.field] = value
        option = step.option(value) if isinstance(value, str) else None
        if outcome is not None:
            target = step.outcomes[outcome]
        elif option is not None and option.next:
            target = option.next
        else:
            target = step.next
        if target in state.history:
            # Going back to an earlier step by an option ("choose another country") rewinds history.
            del state.history[state.history.index(target) :]
        else:
            state.history.append(step.id)
        while target != END:
            following = self.flow.step(target)
            ctx = self.context(state, hint, target)
            validator = self.validators[following.validator]
            if validator.applies(ctx):
                break
            if following.field:
                state.answers[following.field] = validator.default(ctx)
            target = following.next
        state.pending = {}
        if target == END:
            return Turn(state=state, finished=True)
        state.step = target
        return Turn(state=state, reply=self.prompt(state, hint, cmd=cmd))

    # --- what to say --------------------------------------------------------------------------
    def prompt(
        self,
        state: FlowState,
        hint: str,
        *,
        cmd: str,
        notice: str | None = None,
        notice_values: Mapping[str, object] | None = None,
    ) -> Reply:
        """The current step's question with its choices as numbered lines and buttons."""
        ctx = self.context(state, hint)
        step = ctx.step
        validator = self.validators[step.validator]
        values = {**self.values(state, hint), "cmd": cmd}
        parts = []
        if notice:
            parts.append(render(self.texts, notice, ctx.language, {**values, **dict(notice_values or {})}))
        parts.append(render(self.texts, step.prompt, ctx.language, values))
        choices = validator.choices(ctx)
        if choices:
            parts.append("\n".join(f"{n}. {label}" for n, (_, label) in enumerate(choices, start=1)))
        parts.append(ctx.t("onboarding.hint"))
        return Reply(
            text="\n\n".join(parts),
            buttons=self._buttons(state, step, validator, choices, ctx),
            language=ctx.language,
        )

    def _buttons(
        self,
        state: FlowState,
        step: Step,
        validator: Validator,
        choices: list[tuple[str, str]],
        ctx: StepContext,
    ) -> list[list[Button]]:
        buttons = [Button(label=label, callback_data=callback(step.id, value)) for value, label in choices]
        per_row = 2 if len(buttons) > 4 and all(len(b.label) <= SHORT_LABEL for b in buttons) else 1
        rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
        controls = [*validator.extra_controls]
        controls += ["back"] if state.history else []
        controls += ["skip"] if step.skippable else []
        controls.append("cancel")
        rows.append(
            [
                Button(
                    label=ctx.t(f"onboarding.button.{control}"),
                    callback_data=callback(step.id, f"!{control}"),
                )
                for control in controls
            ]
        )
        return rows


def render(texts: Texts, key: str, language: str, values: Mapping[str, object]) -> str:
    """Catalogue text with ``values`` filled in.

    Placeholders are named after flow fields, and one of them is ``language``, which
    ``Catalogue.text`` takes as its own argument: so the template is fetched bare and formatted here.
    """
    template = texts.text(key, language)
    return template.format(**values) if values else template


def callback(step_id: str, value: str) -> str:
    """The callback data of a flow button: ``ob:<step>:<value>`` (within Telegram's 64 bytes
    once signed, see ``bot.callbacks``)."""
    data = f"{CALLBACK_PREFIX}{step_id}:{value}"
    if len(data.encode()) > PAYLOAD_LIMIT:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse_callback(data: str) -> tuple[str, str] | None:
    """(step, value) of a flow button's callback data, or None when it is not one."""
    if not data.startswith(CALLBACK_PREFIX):
        return None
    step, sep, value = data.removeprefix(CALLBACK_PREFIX).partition(":")
    return (step, value) if sep else None
