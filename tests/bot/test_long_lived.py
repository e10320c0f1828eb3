"""``bot.long_lived``: the objects alive once the index is loaded are set aside from the garbage
collector, and what is made later is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.long_lived import freeze_long_lived


class Node:
    """An object that can take part in a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """Give the objects frozen by a test back to the collector (other tests make garbage too)."""
    yield
    gc.unfreeze()


def test_objects_alive_at_the_freeze_are_no_longer_walked_by_a_full_collection() -> None:
    index = [Node() for _ in range(10_000)]  # like the loaded index: many long-lived objects
    tracked = len(gc.get_objects())
    frozen = freeze_long_lived()
    assert frozen >= len(index)
    assert len(gc.get_objects()) < tracked - len(index)


def test_a_cycle_made_after_the_freeze_is_still_collected() -> None:
    freeze_long_lived()
    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    gc.collect()
    assert gone() is None
