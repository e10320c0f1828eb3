"""Which organisers a hand-off goes to: those covering the member's country."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def covering(
    country: str | None,
    organisers: Iterable[str],
    regions: Mapping[str, Iterable[str]],
    *,
    exclude: Iterable[str] = (),
) -> list[str]:
    """The organisers responsible for a member of ``country``, sorted.

    An organiser with no regions set covers every country; one with regions covers those. When
    nobody left covers the country (everyone responsible said "not for us", or the member's country
    is covered by no one), every organiser not excluded gets it: a question is never dropped.

    Args:
        country: The member's ISO country code, if known.
        organisers: Every organiser (``platform:user_id``).
        regions: The countries of organisers that have regions set, by organiser.
        exclude: Organisers who already passed it on.
    """
    excluded = set(exclude)
    candidates = sorted(set(organisers) - excluded)
    code = (country or "").upper()
    responsible = [
        organiser
        for organiser in candidates
        if organiser not in regions or (code and code in {c.upper() for c in regions[organiser]})
    ]
    return responsible or candidates
