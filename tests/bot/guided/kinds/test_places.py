"""Place steps: a country (or everywhere) and a region, looked up in every language."""

from __future__ import annotations

from bot.guided.context import StepKind
from bot.guided.state import Accept, Retry
from bot.i18n import Catalogue
from tests.bot.guided.kinds.conftest import context, read


def test_country(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "country")
    assert read(kinds, ctx, "Österreich") == Accept("AT")
    assert read(kinds, ctx, "Norway") == Accept("NO", "outside")
    suggestion = read(kinds, ctx, "Germny")
    assert isinstance(suggestion, Retry) and suggestion.pending == {"suggestions": ["DE"]}
    ctx = context(catalogue, kinds, "country", pending={"suggestions": ["DE"]})
    assert ctx.choices == [("DE", "Germany")]
    assert read(kinds, ctx, "yes") == Accept("DE")
    assert read(kinds, ctx, "1") == Accept("DE")
    assert read(kinds, ctx, button="CH") == Accept("CH", "outside")
    missing = read(kinds, ctx, "Atlantis")
    assert isinstance(missing, Retry) and missing.notice == "onboarding.country.not_found"


def test_an_events_region_is_a_country_or_everywhere(
    kinds: dict[str, StepKind], catalogue: Catalogue
) -> None:
    ctx = context(catalogue, kinds, "region", flow="newevent", language="it")
    assert ctx.choices == [("EU", "🇪🇺 Ovunque (UE)")]
    assert read(kinds, ctx, button="EU") == Accept("EU")
    assert read(kinds, ctx, "ovunque") == Accept("EU")
    assert read(kinds, ctx, "es") == Accept("ES")  # two letters are a code
    assert read(kinds, ctx, "Spagna") == Accept("ES") and read(kinds, ctx, "Hiszpania") == Accept("ES")
    spian = read(kinds, ctx, "Spian")
    assert isinstance(spian, Retry) and "ES" in (spian.pending or {})["suggestions"]
    unknown = read(kinds, ctx, "Atlantide")
    assert isinstance(unknown, Retry) and unknown.notice == "dialogue.bad_country"
    announce = context(catalogue, kinds, "region", flow="announce")
    assert read(kinds, announce, button="EU") == Accept(None)  # an announcement to everywhere


def test_region(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "region", answers={"country": "PL"}, language="fr")
    assert kinds["region"].applies(ctx)
    assert read(kinds, ctx, "Mazovie") == Accept("PL-14")  # the French name
    assert read(kinds, ctx, button="PL-14") == Accept("PL-14")
    assert isinstance(read(kinds, ctx, button="DE-BY"), Retry)  # not a region of Poland
    assert kinds["region"].describe(ctx, "PL-14") == "Mazovie (Pologne)"
    assert kinds["region"].describe(ctx, None) == "Pologne"
    nowhere = context(catalogue, kinds, "region", answers={"country": None})
    assert not kinds["region"].applies(nowhere)
    assert kinds["region"].describe(nowhere, None) == "the whole EU"
