"""The validators flow steps name: how a button or a typed answer becomes a stored value.

``choice`` and ``multi_choice`` read a step's options; ``language`` is a choice preselected from the
platform's language; ``country`` and ``region`` look names up in every language with "did you
mean…?" suggestions (``bot.onboarding.places``).
"""

from __future__ import annotations

from typing import Any

from babel import Locale

from bot.i18n import LANGUAGES, normalise_language
from bot.onboarding.engine import Accept, Retry, Stay, StepContext, UserInput, Validator, Verdict
from bot.onboarding.flow import CONTROL_MARK
from bot.onboarding.places import Match, Places
from bot.onboarding.typed import best_option, numbered

NOT_UNDERSTOOD = "onboarding.not_understood"
NOT_GIVEN = "onboarding.value.not_given"


class ChoiceValidator:
    """One of the step's options, by button, number or (fuzzy) name in the member's language or English."""

    extra_controls: tuple[str, ...] = ()

    def applies(self, ctx: StepContext) -> bool:
        """Always asked."""
        return True

    def default(self, ctx: StepContext) -> Any:
        """Nothing chosen."""
        return None

    def label(self, ctx: StepContext, value: str) -> str:
        """The option's label in the member's language."""
        option = ctx.step.option(value)
        return ctx.t(option.label) if option else value

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The step's options."""
        return [(option.value, self.label(ctx, option.value)) for option in ctx.step.options]

    def names(self, ctx: StepContext, value: str) -> list[str]:
        """What an option may be typed as: its label in the member's language and in English, its value."""
        option = ctx.step.option(value)
        labels = (
            [ctx.texts.text(option.label, ctx.language), ctx.texts.text(option.label, "en")] if option else []
        )
        return [*labels, value.replace("-", " ")]

    def pick(self, ctx: StepContext, text: str) -> str | None:
        """The option value ``text`` names, by number or name."""
        values = [option.value for option in ctx.step.options]
        index = numbered(text, len(values))
        if index is None:
            index = best_option(text, [self.names(ctx, value) for value in values])
        return None if index is None else values[index]

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Accept a known option."""
        if given.button is not None:
            ok = ctx.step.option(given.button) is not None
            return Accept(given.button) if ok else Retry(NOT_UNDERSTOOD)
        value = self.pick(ctx, given.text)
        return Accept(value) if value is not None else Retry(NOT_UNDERSTOOD)

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The chosen option's label."""
        return self.label(ctx, str(value)) if value else ctx.t(NOT_GIVEN)


class LanguageValidator(ChoiceValidator):
    """A language option, preselected (and kept on skip) from the platform's language.

    Language names are also understood as typed in any of the languages ("French", "Französisch").
    """

    def default(self, ctx: StepContext) -> Any:
        """The platform's language."""
        return normalise_language(ctx.hint)

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The languages, the current one ticked."""
        current = ctx.state.answers.get(ctx.step.field or "") or self.default(ctx)
        return [(value, f"✓ {label}" if value == current else label) for value, label in super().choices(ctx)]

    def names(self, ctx: StepContext, value: str) -> list[str]:
        """Label, code and the language's name in every supported language."""
        locale = Locale.parse(value)
        return [
            *super().names(ctx, value),
            value,
            *(str(locale.get_display_name(lang)) for lang in LANGUAGES),
        ]


class MultiChoiceValidator(ChoiceValidator):
    """Several options: buttons tick and untick, "done" confirms; a typed list is taken at once."""

    extra_controls: tuple[str, ...] = ("done",)

    def default(self, ctx: StepContext) -> Any:
        """Nothing chosen."""
        return []

    def _selected(self, ctx: StepContext) -> list[str]:
        if "selected" in ctx.state.pending:
            return list(ctx.state.pending["selected"])
        return list(ctx.state.answers.get(ctx.step.field or "") or [])

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The options, ticked when selected."""
        selected = self._selected(ctx)
        return [
            (value, f"✓ {label}" if value in selected else label) for value, label in super().choices(ctx)
        ]

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Tick/untick a button, confirm with done, or take a typed list ("2, 3" / "funding and events")."""
        order = [option.value for option in ctx.step.options]
        selected = self._selected(ctx)
        if given.button == f"{CONTROL_MARK}done":
            return Accept([value for value in order if value in selected])
        if given.button is not None:
            if ctx.step.option(given.button) is None:
                return Retry(NOT_UNDERSTOOD)
            toggled = [v for v in selected if v != given.button]
            if given.button not in selected:
                toggled.append(given.button)
            return Stay({"selected": toggled})
        picked: list[str] = []
        for part in ctx.words.split_list(given.text, ctx.language):
            # "2 3" is two numbers: read space-separated digits one by one.
            items = part.split() if all(token.isdigit() for token in part.split()) else [part]
            for item in items:
                value = self.pick(ctx, item)
                if value is None:
                    return Retry(NOT_UNDERSTOOD)
                picked.append(value)
        if not picked:
            return Retry(NOT_UNDERSTOOD)
        return Accept([value for value in order if value in picked])

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The chosen options' labels, or "all topics"."""
        if not value:
            return ctx.t("onboarding.value.all_topics")
        return ", ".join(self.label(ctx, str(item)) for item in value)


class _PlaceValidator:
    """Shared reading of a typed place name: exact match, "did you mean…?" suggestions, or not found."""

    extra_controls: tuple[str, ...] = ()
    not_found = "onboarding.place.not_found"

    def __init__(self, places: Places) -> None:
        self.places = places

    def default(self, ctx: StepContext) -> Any:
        """Nothing given."""
        return None

    def name(self, ctx: StepContext, code: str) -> str:
        """The place's name in the member's language."""
        raise NotImplementedError

    def find(self, ctx: StepContext, text: str) -> Match:
        """Look ``text`` up."""
        raise NotImplementedError

    def valid(self, ctx: StepContext, code: str) -> bool:
        """Whether ``code`` may be stored for this step."""
        raise NotImplementedError

    def accept(self, ctx: StepContext, code: str) -> Accept:
        """The verdict for a valid code."""
        return Accept(code)

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The pending suggestions."""
        return [(code, self.name(ctx, code)) for code in ctx.state.pending.get("suggestions", [])]

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Take a suggestion (button, number or "yes") or look a typed name up."""
        suggestions = list(ctx.state.pending.get("suggestions", []))
        if given.button is not None:
            return self.accept(ctx, given.button) if self.valid(ctx, given.button) else Retry(NOT_UNDERSTOOD)
        index = numbered(given.text, len(suggestions))
        if index is not None:
            return self.accept(ctx, suggestions[index])
        if suggestions and ctx.words.means("yes", given.text, ctx.language):
            return self.accept(ctx, suggestions[0])
        match = self.find(ctx, given.text)
        if match.exact and self.valid(ctx, match.exact):
            return self.accept(ctx, match.exact)
        found = [code for code in match.suggestions if self.valid(ctx, code)]
        if found:
            return Retry(
                "onboarding.place.did_you_mean", {"text": given.text.strip()}, {"suggestions": found}
            )
        return Retry(self.not_found, {"text": given.text.strip()}, {"suggestions": []})


class CountryValidator(_PlaceValidator):
    """Any country of the world by name; one outside ``params.accepted`` leads to the ``outside`` outcome."""

    not_found = "onboarding.country.not_found"

    def applies(self, ctx: StepContext) -> bool:
        """Always asked."""
        return True

    def name(self, ctx: StepContext, code: str) -> str:
        """The country's name."""
        return self.places.country_name(code, ctx.language)

    def find(self, ctx: StepContext, text: str) -> Match:
        """Look a country up."""
        return self.places.find_country(text)

    def valid(self, ctx: StepContext, code: str) -> bool:
        """A known ISO 3166-1 code."""
        return self.places.country_name(code, "en") != code

    def accept(self, ctx: StepContext, code: str) -> Accept:
        """Accept, flagging a country outside the accepted list."""
        accepted = set(ctx.step.params.get("accepted") or ())
        return Accept(code, None if not accepted or code in accepted else "outside")

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The country's name."""
        return self.name(ctx, str(value)) if value else ctx.t(NOT_GIVEN)


class RegionValidator(_PlaceValidator):
    """A subdivision (ISO 3166-2) of the country answered in ``params.country_field``."""

    def _country(self, ctx: StepContext) -> str:
        return str(ctx.state.answers.get(ctx.step.params.get("country_field", "country")) or "")

    def applies(self, ctx: StepContext) -> bool:
        """Asked only when the country has regions."""
        country = self._country(ctx)
        return bool(country) and self.places.has_regions(country)

    def name(self, ctx: StepContext, code: str) -> str:
        """The region's name."""
        return self.places.region_name(code, ctx.language)

    def find(self, ctx: StepContext, text: str) -> Match:
        """Look a region of the country up."""
        return self.places.find_region(self._country(ctx), text)

    def valid(self, ctx: StepContext, code: str) -> bool:
        """A subdivision of the member's country."""
        country = self._country(ctx)
        return (
            bool(country) and code.startswith(f"{country}-") and self.places.region_name(code, "en") != code
        )

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The region with its country, the country alone, or "anywhere in the EU"."""
        country = self._country(ctx)
        if value and country:
            return ctx.t(
                "onboarding.value.region_in_country",
                region=self.name(ctx, str(value)),
                country=self.places.country_name(country, ctx.language),
            )
        if country:
            return self.places.country_name(country, ctx.language)
        return ctx.t("onboarding.value.anywhere")


def standard_validators(places: Places) -> dict[str, Validator]:
    """The validators ``flow.yaml`` may name."""
    return {
        "choice": ChoiceValidator(),
        "multi_choice": MultiChoiceValidator(),
        "language": LanguageValidator(),
        "country": CountryValidator(places),
        "region": RegionValidator(places),
    }
