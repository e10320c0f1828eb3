"""The vocabulary of guided chats: where a member is, what they gave, and what a step decided."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from bot.models import Attachment, Button, Reply


def new_run_id() -> str:
    """A random id for one run of a flow (idempotency keys derive from it)."""
    return uuid.uuid4().hex[:12]


class GuidedState(BaseModel):
    """Where a member is in a flow; stored as JSON after every step, so a restart loses nothing.

    Attributes:
        id: Random id of this run (a double-pressed "save" stores one event).
        step: The current step id.
        history: Steps answered before, oldest first (``back`` walks it).
        answers: Values given so far, by field.
        pending: The current step's scratch data (a multiple choice's selection, suggestions).
        language: The member's language when the run began (a flow's language step overrides it).
    """

    id: str = Field(default_factory=new_run_id)
    step: str
    history: list[str] = Field(default_factory=list)
    answers: dict[str, Any] = Field(default_factory=dict)
    pending: dict[str, Any] = Field(default_factory=dict)
    language: str = ""


@dataclass(frozen=True)
class UserInput:
    """What the member gave: a pressed button's value (an option value or ``!control``) or text."""

    text: str = ""
    button: str | None = None


@dataclass(frozen=True)
class Accept:
    """The answer is valid: store ``value`` in the step's field (and ``answers``), then move on.

    Attributes:
        value: The step field's value.
        outcome: A named outcome of the step (its ``outcomes`` say where it leads: a start found in
            the past is asked again).
        answers: Further fields to store (a start time's end and zone).
        notice: A catalogue key said before the next question.
        values: The notice's placeholders.
    """

    value: Any = None
    outcome: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    notice: str | None = None
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Retry:
    """Ask again, saying why (a catalogue key and its values), keeping ``pending`` for next time."""

    notice: str | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    pending: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Stay:
    """Stay on the step with new scratch data (one more topic ticked, a toggle flipped)."""

    pending: Mapping[str, Any] | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finish:
    """The flow is over; say ``replies`` (the event saved, the announcement queued)."""

    replies: list[Reply]


Verdict = Accept | Retry | Stay | Finish


@dataclass
class Prompt:
    """A step's question as a hook writes it: text, buttons (rows) and any file to go with it."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class Outcome:
    """The result of one member action.

    Attributes:
        state: The state to store.
        replies: What to say (the next question, a notice, the finished flow's replies).
        finished: The flow reached its end.
        cancelled: The member cancelled.
        retried: The input was not an answer to the step, which is asked again.
    """

    state: GuidedState
    replies: list[Reply] = field(default_factory=list)
    finished: bool = False
    cancelled: bool = False
    retried: bool = False
