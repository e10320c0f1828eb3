"""Place steps: a country (or "everywhere") and a region of the country answered before.

A typed name is looked up in every language (``bot.places``): an exact match is taken, close names
come back as "did you mean…?" buttons, anything else is asked again saying so.
"""

from __future__ import annotations

from typing import Any

from bot.guided.context import StepContext
from bot.guided.state import Accept, Retry, UserInput, Verdict
from bot.places import Match, Places, fold
from bot.typed_answers import numbered

NOT_GIVEN = "onboarding.value.not_given"
# Typed words that mean "the whole EU" in every language, besides the step's own word.
EVERYWHERE_WORDS = ("eu", "europe", "everywhere")


class _PlaceKind:
    """Shared reading of a typed place name: exact match, "did you mean…?" suggestions, or not found.

    Params:
        did_you_mean: Catalogue key of the suggestions' notice (``{given}``).
        not_found: Catalogue key said when nothing comes close (``{given}``).
    """

    extra_controls: tuple[str, ...] = ()
    did_you_mean = "onboarding.place.did_you_mean"
    not_found = "onboarding.place.not_found"

    def __init__(self, places: Places) -> None:
        self.places = places

    def applies(self, ctx: StepContext) -> bool:
        """Always asked."""
        return True

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
            return self.accept(ctx, given.button) if self.valid(ctx, given.button) else Retry()
        index = numbered(given.text, len(suggestions))
        if index is not None:
            return self.accept(ctx, suggestions[index])
        if suggestions and ctx.words.means("yes", given.text, ctx.language):
            return self.accept(ctx, suggestions[0])
        match = self.find(ctx, given.text)
        if match.exact and self.valid(ctx, match.exact):
            return self.accept(ctx, match.exact)
        found = [code for code in match.suggestions if self.valid(ctx, code)]
        typed = {"text": given.text.strip(), "given": given.text.strip()}
        params = ctx.step.params
        if found:
            return Retry(str(params.get("did_you_mean", self.did_you_mean)), typed, {"suggestions": found})
        return Retry(str(params.get("not_found", self.not_found)), typed, {"suggestions": []})


class CountryKind(_PlaceKind):
    """Any country of the world by name or code.

    Params:
        accepted: Country codes the flow is for; another leads to the ``outside`` outcome.
        everywhere: ``{value, label}`` of an "everywhere" option (its value is stored), and
        everywhere_word: the catalogue key of the word for it.
    """

    not_found = "onboarding.country.not_found"

    def name(self, ctx: StepContext, code: str) -> str:
        """The country's name."""
        return self.places.country_name(code, ctx.language)

    def find(self, ctx: StepContext, text: str) -> Match:
        """Look a country up (two letters are a code: ``es`` is Spain)."""
        stripped = text.strip()
        return self.places.find_country(stripped.upper() if len(stripped) == 2 else stripped)

    def valid(self, ctx: StepContext, code: str) -> bool:
        """A known ISO 3166-1 code."""
        return self.places.country_name(code, "en") != code

    def accept(self, ctx: StepContext, code: str) -> Accept:
        """Accept, flagging a country outside the accepted list."""
        accepted = set(ctx.step.params.get("accepted") or ())
        return Accept(code, None if not accepted or code in accepted else "outside")

    def _everywhere(self, ctx: StepContext) -> dict[str, Any] | None:
        option = ctx.step.params.get("everywhere")
        return option if isinstance(option, dict) else None

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The pending suggestions, and "everywhere" when the step offers it."""
        choices = super().choices(ctx)
        everywhere = self._everywhere(ctx)
        if everywhere:
            choices.append((str(everywhere["button"]), ctx.t(str(everywhere["label"]))))
        return choices

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """A country, or everywhere (button or typed word)."""
        everywhere = self._everywhere(ctx)
        if everywhere:
            words = {*EVERYWHERE_WORDS, fold(ctx.t(str(everywhere["word"])))}
            if given.button == everywhere["button"] or (given.button is None and fold(given.text) in words):
                return Accept(everywhere.get("value"))
        return super().read(ctx, given)

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The country's name."""
        return self.name(ctx, str(value)) if value else ctx.t(NOT_GIVEN)


class RegionKind(_PlaceKind):
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
