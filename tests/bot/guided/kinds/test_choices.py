"""Choice steps: one option, several, a language; by button, number or name in six languages."""

from __future__ import annotations

from bot.guided.context import StepKind
from bot.guided.state import Accept, Retry, Stay
from bot.i18n import Catalogue
from tests.bot.guided.kinds.conftest import context, read


def test_choice_by_button_number_or_name(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "organisation", language="pl")
    assert read(kinds, ctx, button="ngo") == Accept("ngo")
    assert read(kinds, ctx, "5") == Accept("researcher")
    assert read(kinds, ctx, "spółdzielnia") == Accept("social-enterprise")  # Polish label
    assert read(kinds, ctx, "cooperative") == Accept("social-enterprise")  # English always works
    assert isinstance(read(kinds, ctx, button="pirates"), Retry)
    assert kinds["choice"].describe(ctx, "network") == "Sieć lub organizacja parasolowa"
    assert kinds["choice"].describe(ctx, None) == "nie podano"


def test_language_is_preselected_and_understood_by_name(
    kinds: dict[str, StepKind], catalogue: Catalogue
) -> None:
    ctx = context(catalogue, kinds, "language", language="de")
    assert kinds["language"].default(ctx) == "de"
    assert ("de", "✓ Deutsch") in kinds["language"].choices(ctx)
    assert read(kinds, ctx, "Französisch") == Accept("fr")
    assert read(kinds, ctx, "polish") == Accept("pl")
    assert read(kinds, ctx, "español") == Accept("es")


def test_an_announcements_language_may_be_any(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "language", flow="announce", language="es")
    assert ("any", "Cualquier idioma") in ctx.choices and ("es", "Español") in ctx.choices  # no tick
    assert read(kinds, ctx, button="any") == Accept(None)
    assert read(kinds, ctx, "cualquiera") == Accept(None)
    assert read(kinds, ctx, "alemán") == Accept("de")
    assert kinds["language"].default(ctx) is None  # skipping means any language


def test_multiple_choice(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "interests")
    stay = read(kinds, ctx, button="events")
    assert stay == Stay({"selected": ["events"]})
    ctx = context(catalogue, kinds, "interests", pending=dict(stay.pending or {}))
    assert ("events", "✓ Events") in ctx.choices
    assert read(kinds, ctx, button="events") == Stay({"selected": []})  # a second press unticks
    assert read(kinds, ctx, button="!done") == Accept(["events"])
    assert read(kinds, ctx, "policy, funding and 1") == Accept(["join", "funding", "policy"])
    assert read(kinds, ctx, "2 5") == Accept(["funding", "skills"])
    assert isinstance(read(kinds, ctx, "funding and pizza"), Retry)
    assert kinds["multi_choice"].describe(ctx, []) == "all topics"


def test_topics_for_everyone_and_a_named_unknown(kinds: dict[str, StepKind], catalogue: Catalogue) -> None:
    ctx = context(catalogue, kinds, "topics", flow="announce")
    assert read(kinds, ctx, button="any") == Accept([])
    unknown = read(kinds, ctx, "funding, pizza")
    assert isinstance(unknown, Retry) and unknown.notice == "dialogue.unknown_topic"
    assert unknown.values["given"] == "pizza"
