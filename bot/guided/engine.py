"""The one engine for guided chats: onboarding, ``/newevent`` and ``/announce`` are flows it runs.

It knows steps, transitions, history and the controls every step offers (back, skip, cancel,
restart); what an answer means is left to the step's kind and the flow's hooks. It takes a
``GuidedState`` and a member's input and returns the next state and what to say; the caller
(``bot.guided.handler``) stores the state, so a restart of the bot loses nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.guided.context import StepContext, StepKind, render
from bot.guided.flow import CONTROL_MARK, END, Flow, Step
from bot.guided.hooks import FlowHooks
from bot.guided.state import Accept, Finish, GuidedState, Outcome, Prompt, Retry, Stay, UserInput, Verdict
from bot.models import Button, IncomingMessage, Reply
from bot.places import fold
from bot.typed_answers import Words
from knowledge.text import Texts

if TYPE_CHECKING:
    from bot.services import Services

# Buttons go two to a row when there are many short ones (languages), else one per row.
SHORT_LABEL = 22


@dataclass(frozen=True)
class Run:
    """Who a flow runs for: the flow, the member's platform language and command syntax, and the
    message and services hooks may need (both absent when the bot acts on its own)."""

    flow: Flow
    hint: str
    cmd: str
    message: IncomingMessage | None = None
    services: Services | None = None


class GuidedEngine:
    """Runs flows with the given step kinds and hooks.

    Args:
        flows: The flows by id.
        kinds: Step kinds by the names steps use.
        hooks: Each flow's hooks, by flow id (a flow without an entry has none).
        texts: Catalogues.

    Raises:
        ValueError: When a step names a kind or a hook that is not given.
    """

    def __init__(
        self,
        flows: Mapping[str, Flow],
        kinds: Mapping[str, StepKind],
        hooks: Mapping[str, FlowHooks],
        texts: Texts,
    ) -> None:
        for flow in flows.values():
            missing = {step.kind for step in flow.steps.values()} - set(kinds)
            if missing:
                raise ValueError(f"flow {flow.id!r} uses unknown step kinds: {sorted(missing)}")
            absent = hooks.get(flow.id, FlowHooks()).missing(flow)
            if absent:
                raise ValueError(f"flow {flow.id!r} names hooks nobody defines: {absent}")
        self.flows = dict(flows)
        self.kinds = dict(kinds)
        self.hooks = dict(hooks)
        self.texts = texts
        self.words = Words(texts)

    # --- state --------------------------------------------------------------------------------
    def language(self, flow: Flow, state: GuidedState, hint: str) -> str:
        """The member's language: answered in the flow, else the one the run began with, else the
        platform's."""
        answered = state.answers.get(flow.language_field) if flow.language_field else None
        return str(answered or state.language or hint)

    def context(self, run: Run, state: GuidedState, step_id: str | None = None) -> StepContext:
        """The context of ``step_id`` (the current step by default), its choices not yet computed."""
        return StepContext(
            flow=run.flow,
            step=run.flow.step(step_id or state.step),
            state=state,
            language=self.language(run.flow, state, run.hint),
            hint=run.hint,
            cmd=run.cmd,
            texts=self.texts,
            words=self.words,
            message=run.message,
            services=run.services,
        )

    async def _context(self, run: Run, state: GuidedState, step_id: str | None = None) -> StepContext:
        ctx = self.context(run, state, step_id)
        hook = ctx.step.hooks.get("choices")
        dynamic = await self.hooks_of(run.flow).call(hook, ctx) if hook else []
        ctx.choices = [*dynamic, *self.kinds[ctx.step.kind].choices(ctx)]
        return ctx

    def hooks_of(self, flow: Flow) -> FlowHooks:
        """``flow``'s hooks (ones that do nothing for a flow without any)."""
        return self.hooks.get(flow.id) or FlowHooks()

    def values(self, run: Run, state: GuidedState) -> dict[str, str]:
        """Every field described in words, for prompt placeholders."""
        described: dict[str, str] = {}
        for step in run.flow.steps.values():
            if step.field:
                ctx = self.context(run, state, step.id)
                kind = self.kinds[step.kind]
                described[step.field] = kind.describe(ctx, state.answers.get(step.field, kind.default(ctx)))
        return described

    async def begin(
        self, run: Run, *, answers: Mapping[str, Any] | None = None, language: str = "", run_id: str = ""
    ) -> Outcome:
        """A fresh run at the flow's first step that applies (``answers`` pre-fills values)."""
        state = GuidedState(step=run.flow.start, answers=dict(answers or {}), language=language)
        if run_id:
            state.id = run_id
        first = await self._first_applying(run, state, run.flow.start)
        if first == END:
            return Outcome(state=state, finished=True, replies=await self._finish(run, state))
        state.step = first
        return Outcome(state=state, replies=[await self.prompt(run, state)])

    # --- one member action -------------------------------------------------------------------
    async def advance(self, run: Run, state: GuidedState, given: UserInput) -> Outcome:
        """Apply a member's button press or typed text to ``state`` (a copy is changed, not it)."""
        state = state.model_copy(deep=True)
        ctx = await self._context(run, state)
        control = self._control(ctx, given)
        if control == "restart":
            known = run.flow.language_field and state.answers.get(run.flow.language_field)
            kept = {run.flow.language_field: known} if known and run.flow.language_field else {}
            return await self.begin(run, answers=kept, language=state.language)
        if control == "cancel":
            return Outcome(state=state, cancelled=True)
        if control == "back":
            if not state.history:
                first_step = run.flow.phrase("first_step")
                return self._again(await self.prompt(run, state, notice=first_step, ctx=ctx), state)
            state.step = state.history.pop()
            state.pending = {}
            return Outcome(state=state, replies=[await self.prompt(run, state)])
        kind = self.kinds[ctx.step.kind]
        if control == "skip":
            if not ctx.step.skippable:
                no_skip = run.flow.phrase("no_skip")
                return self._again(await self.prompt(run, state, notice=no_skip, ctx=ctx), state)
            return await self._move(run, state, ctx.step, Accept(kind.default(ctx)))
        if control is None and given.button is None and run.flow.press_typed_labels:
            # A button's label typed instead of pressed ("Now", "No event") is that button.
            pressed = self._typed_choice(ctx, given.text)
            given = UserInput(button=pressed) if pressed is not None else given
        if control is not None and control not in kind.extra_controls:
            notice = run.flow.phrase("not_understood")
            return self._again(await self.prompt(run, state, notice=notice, ctx=ctx), state, retried=True)
        given = UserInput(text=given.text, button=f"{CONTROL_MARK}{control}") if control else given
        verdict = await self._read(run, ctx, kind, given)
        return await self._apply(run, state, ctx, verdict)

    async def _read(self, run: Run, ctx: StepContext, kind: StepKind, given: UserInput) -> Verdict:
        verdict = kind.read(ctx, given)
        checker = ctx.step.hooks.get("check")
        if checker and isinstance(verdict, Accept):
            verdict = await self.hooks_of(run.flow).call(checker, ctx, verdict)
        return verdict

    async def _apply(self, run: Run, state: GuidedState, ctx: StepContext, verdict: Verdict) -> Outcome:
        step = ctx.step
        if isinstance(verdict, Finish):
            return Outcome(state=state, finished=True, replies=verdict.replies)
        if isinstance(verdict, Stay):
            state.answers.update(verdict.answers)
            if verdict.pending is not None:
                state.pending = dict(verdict.pending)
            return Outcome(state=state, replies=[await self.prompt(run, state)])
        if isinstance(verdict, Retry):
            # The step's context (its choices, which a hook may look up) is read again only when the
            # answer changed what it depends on: a typed answer not understood builds one prompt.
            unchanged = verdict.pending is None
            if verdict.pending is not None:
                state.pending = dict(verdict.pending)
            notice = verdict.notice or run.flow.phrase("not_understood")
            reply = await self.prompt(
                run, state, notice=notice, notice_values=verdict.values, ctx=ctx if unchanged else None
            )
            return self._again(reply, state, retried=True)
        return await self._move(run, state, step, verdict)

    def _again(self, reply: Reply, state: GuidedState, *, retried: bool = False) -> Outcome:
        return Outcome(state=state, replies=[reply], retried=retried)

    def _control(self, ctx: StepContext, given: UserInput) -> str | None:
        if given.button is not None:
            return given.button[1:] if given.button.startswith(CONTROL_MARK) else None
        return self.words.control(given.text, ctx.language)

    def _typed_choice(self, ctx: StepContext, text: str) -> str | None:
        typed = label_words(text)
        if not typed:
            return None
        return next((value for value, label in ctx.choices if label_words(label) == typed), None)

    async def _move(self, run: Run, state: GuidedState, step: Step, accepted: Accept) -> Outcome:
        if step.field:
            state.answers[step.field] = accepted.value
        state.answers.update(accepted.answers)
        option = step.option(accepted.value) if isinstance(accepted.value, str) else None
        if accepted.outcome is not None:
            target = step.outcomes[accepted.outcome]
        elif option is not None and option.next:
            target = option.next
        else:
            target = step.next
        if target in state.history:
            # Sent back to an earlier step ("choose another country", a start in the past): forget
            # the steps after it.
            del state.history[state.history.index(target) :]
        elif target != step.id:
            state.history.append(step.id)
        state.pending = {}
        target = await self._first_applying(run, state, target)
        if target == END:
            return Outcome(state=state, finished=True, replies=await self._finish(run, state))
        state.step = target
        reply = await self.prompt(run, state, notice=accepted.notice, notice_values=accepted.values)
        return Outcome(state=state, replies=[reply])

    async def _first_applying(self, run: Run, state: GuidedState, target: str) -> str:
        """``target`` or the first step after it that is asked."""
        while target != END:
            following = run.flow.step(target)
            ctx = self.context(run, state, target)
            kind = self.kinds[following.kind]
            enter = following.hooks.get("enter")
            if not kind.applies(ctx):
                # Not asked for what it depends on (a country without regions): its default is the
                # answer. A hook that skips a step has already stored what it needs.
                if following.field:
                    state.answers[following.field] = kind.default(ctx)
            elif not enter or await self.hooks_of(run.flow).call(enter, ctx):
                return target
            target = following.next
        return END

    async def _finish(self, run: Run, state: GuidedState) -> list[Reply]:
        ctx = self.context(run, state, run.flow.start)
        return await self.hooks_of(run.flow).finish(ctx, self.values(run, state))

    # --- what to say --------------------------------------------------------------------------
    async def prompt(
        self,
        run: Run,
        state: GuidedState,
        *,
        notice: str | None = None,
        notice_values: Mapping[str, object] | None = None,
        ctx: StepContext | None = None,
    ) -> Reply:
        """The current step's question with its choices as buttons (and numbered lines).

        ``ctx``: the current step's context when the caller has it and the state has not changed
        since (its choices are not computed again).
        """
        ctx = ctx if ctx is not None and ctx.step.id == state.step else await self._context(run, state)
        step, hooks = ctx.step, self.hooks_of(run.flow)
        values: dict[str, object] = {**self.values(run, state), "cmd": run.cmd}
        described = getattr(self.kinds[step.kind], "prompt_values", None)
        if described is not None:
            values.update(described(ctx))
        if "values" in step.hooks:
            values.update(await hooks.call(step.hooks["values"], ctx))
        if "prompt" in step.hooks:
            written: Prompt = await hooks.call(step.hooks["prompt"], ctx)
        else:
            written = Prompt(
                render(self.texts, step.prompt, ctx.language, values), self._choice_rows(ctx, ctx.choices)
            )
        parts = []
        if notice:
            parts.append(render(self.texts, notice, ctx.language, {**values, **dict(notice_values or {})}))
        parts.append(written.text)
        if ctx.choices and run.flow.numbered_choices and not self._shows_buttons(ctx):
            parts.append("\n".join(f"{n}. {label}" for n, (_, label) in enumerate(ctx.choices, start=1)))
        parts.append(ctx.t(run.flow.phrase("hint")))
        return Reply(
            text="\n\n".join(parts),
            buttons=[*written.buttons, self._controls(ctx)],
            attachments=written.attachments,
            thread_id=run.message.thread_id if run.message else None,
            language=ctx.language,
        )

    @staticmethod
    def _shows_buttons(ctx: StepContext) -> bool:
        """Whether the member's platform shows the choices as buttons (then they are not listed
        again as numbered lines: every option once)."""
        if ctx.services is None or ctx.message is None:
            return False
        platform = ctx.services.platforms.get(ctx.message.platform)
        return platform is not None and platform.buttons

    def _choice_rows(self, ctx: StepContext, choices: list[tuple[str, str]]) -> list[list[Button]]:
        buttons = [ctx.option(label, value) for value, label in choices]
        columns = ctx.step.params.get("columns")
        if not isinstance(columns, int):
            short = len(buttons) > 4 and all(len(b.label) <= SHORT_LABEL for b in buttons)
            columns = 2 if short else 1
        return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]

    def _controls(self, ctx: StepContext) -> list[Button]:
        controls = [*self.kinds[ctx.step.kind].extra_controls]
        controls += ["back"] if ctx.state.history else []
        controls += ["skip"] if ctx.step.skippable else []
        controls.append("cancel")
        return [
            ctx.option(ctx.t(f"onboarding.button.{control}"), f"{CONTROL_MARK}{control}")
            for control in controls
        ]


def label_words(text: str) -> str:
    """A label or typed answer reduced to its words (no case, accents, emoji or bracketed parts)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(re.sub(r"\([^)]*\)", " ", text))))
