"""Who a hand-off goes to: the organisers covering the member's country, else everyone."""

from __future__ import annotations

from bot.handoffs.routing import covering

EVERYONE = ["telegram:1", "telegram:2", "slack:U3"]
REGIONS = {"telegram:1": ["BE"], "telegram:2": ["FR", "LU"]}


def test_organisers_covering_the_country_and_those_without_regions() -> None:
    assert covering("BE", EVERYONE, REGIONS) == ["slack:U3", "telegram:1"]
    assert covering("lu", EVERYONE, REGIONS) == ["slack:U3", "telegram:2"]


def test_a_member_without_a_country_goes_to_organisers_without_regions() -> None:
    assert covering(None, EVERYONE, REGIONS) == ["slack:U3"]


def test_nobody_covering_the_country_means_everyone_left() -> None:
    assert covering("ES", EVERYONE[:2], REGIONS) == ["telegram:1", "telegram:2"]
    assert covering("BE", EVERYONE, REGIONS, exclude=["telegram:1", "slack:U3"]) == ["telegram:2"]
    assert covering("BE", EVERYONE, REGIONS, exclude=EVERYONE) == []
