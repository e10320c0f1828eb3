"""The validators the flow names, judged one answer at a time on the real flow's steps."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import LANGUAGES, Catalogue
from bot.onboarding.engine import Accept, FlowState, Retry, Stay, StepContext, UserInput
from bot.onboarding.flow import load_flow
from bot.onboarding.places import Places
from bot.onboarding.typed import Words
from bot.onboarding.validators import standard_validators

FLOW = load_flow()


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    return standard_validators(Places(LANGUAGES))


def context(
    catalogue: Catalogue,
    step: str,
    *,
    language: str = "en",
    answers: dict[str, Any] | None = None,
    pending: dict[str, Any] | None = None,
) -> StepContext:
    state = FlowState(step=step, answers=answers or {}, pending=pending or {})
    return StepContext(
        step=FLOW.step(step),
        state=state,
        language=language,
        hint=language,
        texts=catalogue,
        words=Words(catalogue),
    )


def read(validators: dict[str, Any], ctx: StepContext, text: str = "", button: str | None = None) -> Any:
    return validators[ctx.step.validator].read(ctx, UserInput(text=text, button=button))


def test_choice_by_button_number_or_name(validators: dict[str, Any], catalogue: Catalogue) -> None:
    ctx = context(catalogue, "organisation", language="pl")
    assert read(validators, ctx, button="ngo") == Accept("ngo")
    assert read(validators, ctx, "5") == Accept("researcher")
    assert read(validators, ctx, "spółdzielnia") == Accept("social-enterprise")  # Polish label
    assert read(validators, ctx, "cooperative") == Accept("social-enterprise")  # English always works
    assert isinstance(read(validators, ctx, button="pirates"), Retry)
    assert validators["choice"].describe(ctx, "network") == "Sieć lub organizacja parasolowa"
    assert validators["choice"].describe(ctx, None) == "nie podano"


def test_language_is_preselected_and_understood_by_name(
    validators: dict[str, Any], catalogue: Catalogue
) -> None:
    ctx = context(catalogue, "language", language="de")
    assert validators["language"].default(ctx) == "de"
    assert ("de", "✓ Deutsch") in validators["language"].choices(ctx)
    assert read(validators, ctx, "Französisch") == Accept("fr")
    assert read(validators, ctx, "polish") == Accept("pl")
    assert read(validators, ctx, "español") == Accept("es")


def test_multiple_choice(validators: dict[str, Any], catalogue: Catalogue) -> None:
    ctx = context(catalogue, "interests")
    stay = read(validators, ctx, button="events")
    assert stay == Stay({"selected": ["events"]})
    ctx = context(catalogue, "interests", pending=dict(stay.pending))
    assert ("events", "✓ Events") in validators["multi_choice"].choices(ctx)
    assert read(validators, ctx, button="events") == Stay({"selected": []})  # a second press unticks
    assert read(validators, ctx, button="!done") == Accept(["events"])
    assert read(validators, ctx, "policy, funding and 1") == Accept(["join", "funding", "policy"])
    assert read(validators, ctx, "2 5") == Accept(["funding", "skills"])
    assert isinstance(read(validators, ctx, "funding and pizza"), Retry)
    assert validators["multi_choice"].describe(ctx, []) == "all topics"


def test_country(validators: dict[str, Any], catalogue: Catalogue) -> None:
    ctx = context(catalogue, "country")
    assert read(validators, ctx, "Österreich") == Accept("AT")
    assert read(validators, ctx, "Norway") == Accept("NO", "outside")
    suggestion = read(validators, ctx, "Germny")
    assert isinstance(suggestion, Retry) and suggestion.pending == {"suggestions": ["DE"]}
    ctx = context(catalogue, "country", pending={"suggestions": ["DE"]})
    assert validators["country"].choices(ctx) == [("DE", "Germany")]
    assert read(validators, ctx, "yes") == Accept("DE")
    assert read(validators, ctx, "1") == Accept("DE")
    assert read(validators, ctx, button="CH") == Accept("CH", "outside")
    missing = read(validators, ctx, "Atlantis")
    assert isinstance(missing, Retry) and missing.notice == "onboarding.country.not_found"


def test_region(validators: dict[str, Any], catalogue: Catalogue) -> None:
    ctx = context(catalogue, "region", answers={"country": "PL"}, language="fr")
    assert validators["region"].applies(ctx)
    assert read(validators, ctx, "Mazovie") == Accept("PL-14")  # the French name
    assert read(validators, ctx, button="PL-14") == Accept("PL-14")
    assert isinstance(read(validators, ctx, button="DE-BY"), Retry)  # not a region of Poland
    assert validators["region"].describe(ctx, "PL-14") == "Mazovie (Pologne)"
    assert validators["region"].describe(ctx, None) == "Pologne"
    nowhere = context(catalogue, "region", answers={"country": None})
    assert not validators["region"].applies(nowhere)
    assert validators["region"].describe(nowhere, None) == "the whole EU"
