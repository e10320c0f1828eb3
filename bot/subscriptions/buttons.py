"""The subscription buttons' callback data: short, and carrying their whole state.

``sub:t:<mask>:<place>`` shows the topic picker with the topics of ``mask`` ticked (bit i is
``TOPICS[i]``); ``sub:ok:<mask>:<place>`` subscribes to them (``a`` or 0 = all topics). ``place`` is
empty (the subscriber's usual place), ``*`` (everywhere) or an ISO code. The longest payload,
``sub:ok:31:ES-CT``, stays far below Telegram's 64 bytes. ``unsub`` is the one-tap unsubscribe every
announcement carries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.topics import ALL_TOPICS, TOPICS

PREFIX = "sub:"
UNSUBSCRIBE = "unsub"
TOGGLE = "t"
DONE = "ok"
ALL_MASK = "a"
# What a place may look like: nothing, everywhere, a country or a region code (ES, ES-CT).
PLACE = re.compile(r"^(?:|\*|[A-Z]{2}(?:-[A-Z0-9]{1,3})?)$")


@dataclass(frozen=True)
class Pick:
    """A pressed subscription button.

    Attributes:
        action: ``t`` (tick/untick, show the picker again) or ``ok`` (subscribe).
        topics: The topics selected (``("all",)`` for every topic).
        place: ``""`` (usual place), ``*`` (everywhere) or an ISO code.
    """

    action: str
    topics: tuple[str, ...]
    place: str = ""


def mask_of(topics: Sequence[str]) -> int:
    """The bit mask of ``topics`` (``all`` and unknown topics have no bit)."""
    return sum(1 << TOPICS.index(topic) for topic in set(topics) if topic in TOPICS)


def topics_of(mask: int) -> tuple[str, ...]:
    """The topics of ``mask``, in ``TOPICS`` order."""
    return tuple(topic for index, topic in enumerate(TOPICS) if mask & (1 << index))


def encode(action: str, topics: Sequence[str], place: str = "") -> str:
    """The callback data of a subscription button."""
    mask = ALL_MASK if ALL_TOPICS in topics else str(mask_of(topics))
    return f"{PREFIX}{action}:{mask}:{place}"


def decode(data: str) -> Pick | None:
    """Read callback data written by ``encode`` (None for anything else)."""
    if not data.startswith(PREFIX):
        return None
    parts = data.removeprefix(PREFIX).split(":")
    if len(parts) != 3 or parts[0] not in (TOGGLE, DONE):
        return None
    action, mask, place = parts
    if not PLACE.match(place):
        return None
    if mask == ALL_MASK:
        return Pick(action, (ALL_TOPICS,), place)
    if not mask.isdigit() or int(mask) >= 1 << len(TOPICS):
        return None
    return Pick(action, topics_of(int(mask)), place)


def toggled(topics: Sequence[str], topic: str) -> tuple[str, ...]:
    """``topics`` with ``topic`` added or removed (``all`` is never part of a picker selection)."""
    chosen = {item for item in topics if item in TOPICS}
    chosen ^= {topic}
    return tuple(item for item in TOPICS if item in chosen)
