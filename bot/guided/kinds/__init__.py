"""The kinds of step a flow may use, by the name its YAML file gives them."""

from __future__ import annotations

from bot.guided.context import StepKind
from bot.guided.kinds.choices import ChoiceKind, LanguageKind, MultiChoiceKind
from bot.guided.kinds.places import CountryKind, RegionKind
from bot.guided.kinds.typed import ConfirmKind, DateTimeKind, LinkKind, PlaceKind, TextKind, ZoneKind
from bot.places import Places


def standard_kinds(places: Places) -> dict[str, StepKind]:
    """Every step kind, by name."""
    return {
        "choice": ChoiceKind(),
        "multi_choice": MultiChoiceKind(),
        "language": LanguageKind(),
        "country": CountryKind(places),
        "region": RegionKind(places),
        "text": TextKind(),
        "datetime": DateTimeKind(),
        "zone": ZoneKind(),
        "link": LinkKind(),
        "place": PlaceKind(),
        "confirm": ConfirmKind(),
    }
