"""The subscription buttons' callback data round-trips and stays within Telegram's 64 bytes."""

from __future__ import annotations

import pytest

from bot.subscriptions.buttons import DONE, TOGGLE, Pick, decode, encode, toggled
from bot.topics import TOPICS


@pytest.mark.parametrize(
    ("action", "topics", "place"),
    [
        (TOGGLE, (), ""),
        (TOGGLE, ("events", "join"), "ES-CT"),
        (DONE, TOPICS, "*"),
        (DONE, ("all",), "PL"),
    ],
)
def test_round_trip(action: str, topics: tuple[str, ...], place: str) -> None:
    data = encode(action, topics, place)
    assert len(data.encode()) <= 64
    assert decode(data) == Pick(action, topics, place)


@pytest.mark.parametrize("data", ["unsub", "fb:1:up", "sub:x:1:", "sub:ok:99:", "sub:ok:1", "sub:t:-1:"])
def test_other_data_is_not_a_pick(data: str) -> None:
    assert decode(data) is None


def test_toggled_adds_and_removes_in_topic_order() -> None:
    assert toggled((), "join") == ("join",)
    assert toggled(("join",), "events") == ("events", "join")
    assert toggled(("events", "join"), "join") == ("events",)
