"""Choice steps: one option, several options, a language.

Options come from the step's file and, for options known only at run time (upcoming events), from
its ``choices`` hook; both reach a kind as ``ctx.choices``. An option is chosen by button, number or
(fuzzy) name in the member's language or English.
"""

from __future__ import annotations

from typing import Any

from bot.guided.context import StepContext, render_blank
from bot.guided.flow import CONTROL_MARK
from bot.guided.state import Accept, Retry, Stay, UserInput, Verdict
from bot.i18n import LANGUAGES, display_names, normalise_language
from bot.typed_answers import best_option, numbered

NOT_GIVEN = "onboarding.value.not_given"
# The option value meaning "every option" (announcements to everyone, in any language).
ANY = "any"


class ChoiceKind:
    """One option of ``ctx.choices``."""

    extra_controls: tuple[str, ...] = ()

    def applies(self, ctx: StepContext) -> bool:
        """Always asked."""
        return True

    def default(self, ctx: StepContext) -> Any:
        """Nothing chosen (or the step's ``params.default``)."""
        return ctx.step.params.get("default")

    def label(self, ctx: StepContext, value: str) -> str:
        """The option's label in the member's language."""
        option = ctx.step.option(value)
        return ctx.t(option.label) if option else value

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The step's options from its file."""
        return [(option.value, self.label(ctx, option.value)) for option in ctx.step.options]

    def names(self, ctx: StepContext, value: str, label: str) -> list[str]:
        """What an option may be typed as: its label in the member's language and in English, its value."""
        option = ctx.step.option(value)
        english = [render_blank(ctx.texts, option.label, "en")] if option else []
        return [label, *english, value.replace("-", " ")]

    def pick(self, ctx: StepContext, text: str) -> str | None:
        """The option value ``text`` names, by number or name."""
        values = [value for value, _ in ctx.choices]
        index = numbered(text, len(values))
        if index is None:
            index = best_option(text, [self.names(ctx, value, label) for value, label in ctx.choices])
        return None if index is None else values[index]

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Accept an offered option."""
        if given.button is not None:
            offered = given.button in {value for value, _ in ctx.choices}
            return Accept(given.button) if offered else Retry()
        value = self.pick(ctx, given.text)
        return Accept(value) if value is not None else Retry()

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The chosen option's label."""
        return self.label(ctx, str(value)) if value else ctx.t(NOT_GIVEN)


class LanguageKind(ChoiceKind):
    """A language option; skipping keeps the platform's language. Language names are understood as
    typed in any of the six languages ("French", "Französisch", "es").

    Params:
        tick_current: Mark the current language (onboarding).
        any: Label key of an "any language" option (stored as None).
    """

    def default(self, ctx: StepContext) -> Any:
        """The platform's language; "any" (None) where the step offers it."""
        return None if ctx.step.params.get("any") else normalise_language(ctx.hint)

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The languages (the current one ticked when asked), and "any" when the step offers it."""
        choices = super().choices(ctx)
        if ctx.step.params.get("tick_current"):
            current = ctx.state.answers.get(ctx.step.field or "") or self.default(ctx)
            choices = [(value, f"✓ {label}" if value == current else label) for value, label in choices]
        if ctx.step.params.get("any"):
            choices.append((ANY, ctx.t(str(ctx.step.params["any"]))))
        return choices

    def names(self, ctx: StepContext, value: str, label: str) -> list[str]:
        """Label, code and the language's name in every supported language."""
        if value == ANY:
            return [label, ANY, *(ctx.texts.text(str(ctx.step.params["any_word"]), ctx.language).split("|"))]
        return [
            *super().names(ctx, value, label),
            value,
            *display_names(value),
            *(ctx.texts.text(f"onboarding.language.{value}", lang) for lang in LANGUAGES),
        ]

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """A language, or "any" (stored as None)."""
        verdict = super().read(ctx, given)
        if isinstance(verdict, Accept) and verdict.value == ANY:
            return Accept(None)
        return verdict


class MultiChoiceKind(ChoiceKind):
    """Several options: buttons tick and untick, "done" confirms; a typed list is taken at once.

    Params:
        any: Label key of an "everyone" option (stored as an empty list).
        unknown: Catalogue key said when a typed item is none of the options (``{given}``,
            ``{options}``); the flow's "not understood" otherwise.
    """

    extra_controls: tuple[str, ...] = ("done",)

    def default(self, ctx: StepContext) -> Any:
        """Nothing chosen."""
        return []

    def selected(self, ctx: StepContext) -> list[str]:
        """The options ticked so far."""
        if "selected" in ctx.state.pending:
            return list(ctx.state.pending["selected"])
        return list(ctx.state.answers.get(ctx.step.field or "") or [])

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The options, ticked when selected, and "everyone" when the step offers it."""
        selected = self.selected(ctx)
        choices = [
            (value, f"✓ {label}" if value in selected else label) for value, label in super().choices(ctx)
        ]
        if ctx.step.params.get("any"):
            choices.append((ANY, ctx.t(str(ctx.step.params["any"]))))
        return choices

    def prompt_values(self, ctx: StepContext) -> dict[str, str]:
        """``{chosen}``: the options ticked so far, in words."""
        order = [option.value for option in ctx.step.options]
        chosen = [value for value in order if value in self.selected(ctx)]
        return {"chosen": ", ".join(self.label(ctx, value) for value in chosen) or "—"}

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Tick/untick a button, confirm with done, or take a typed list ("2, 3" / "funding and events")."""
        order = [option.value for option in ctx.step.options]
        selected = self.selected(ctx)
        if given.button == f"{CONTROL_MARK}done":
            return Accept([value for value in order if value in selected])
        if given.button == ANY and ctx.step.params.get("any"):
            return Accept([])
        if given.button is not None:
            if ctx.step.option(given.button) is None:
                return Retry()
            toggled = [v for v in selected if v != given.button]
            if given.button not in selected:
                toggled.append(given.button)
            return Stay({"selected": [value for value in order if value in toggled]})
        picked: list[str] = []
        for part in ctx.words.split_list(given.text, ctx.language):
            # "2 3" is two numbers: read space-separated digits one by one.
            items = part.split() if all(token.isdigit() for token in part.split()) else [part]
            for item in items:
                value = self.pick(ctx, item)
                if value is None or value == ANY:
                    return self._unknown(ctx, item, order)
                picked.append(value)
        if not picked:
            return Retry()
        return Accept([value for value in order if value in picked])

    def _unknown(self, ctx: StepContext, item: str, order: list[str]) -> Retry:
        key = ctx.step.params.get("unknown")
        options = ", ".join(order)
        return Retry(str(key), {"given": item, "options": options, "topics": options}) if key else Retry()

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The chosen options' labels, or "all topics"."""
        if not value:
            return ctx.t("onboarding.value.all_topics")
        return ", ".join(self.label(ctx, str(item)) for item in value)
