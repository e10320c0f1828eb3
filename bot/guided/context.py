"""What a step kind or a hook may look at while it asks or reads one step."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.callbacks import PAYLOAD_LIMIT
from bot.guided.flow import Flow, Step
from bot.guided.state import GuidedState, UserInput, Verdict
from bot.models import Button, IncomingMessage
from bot.typed_answers import Words
from knowledge.text import Texts

if TYPE_CHECKING:
    from bot.services import Services

CALLBACK_PREFIX = "gc:"
# Buttons pressed before the two engines became one still carry these prefixes; same format.
OLD_CALLBACK_PREFIXES = ("ob:", "dlg:")


@dataclass
class StepContext:
    """One step of one member's run.

    Attributes:
        flow: The flow.
        step: The step being asked or read.
        state: The run's state (kinds and hooks may update ``answers`` and ``pending``).
        language: The member's language.
        hint: The platform's language for the member (skipped language steps keep it).
        cmd: How commands are typed on the member's platform (``/`` or ``/eser ``).
        texts: The catalogues.
        words: Typed words by meaning.
        message: The member's message (None when the bot acts on its own, e.g. a timeout).
        services: Shared services (hooks use them; kinds never do).
        choices: The step's (value, label) choices, computed once per action.
    """

    flow: Flow
    step: Step
    state: GuidedState
    language: str
    hint: str
    cmd: str
    texts: Texts
    words: Words
    message: IncomingMessage | None = None
    services: Services | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)

    def t(self, key: str, **values: object) -> str:
        """Catalogue text in the member's language, with their platform's command syntax."""
        return render(self.texts, key, self.language, {"cmd": self.cmd, **values})

    def option(self, label: str, value: str, *, step: str | None = None) -> Button:
        """A button answering this step (or ``step``) with ``value``."""
        return Button(label=label, callback_data=callback(self.flow.id, step or self.step.id, value))

    @property
    def needs_message(self) -> IncomingMessage:
        """The member's message (hooks that act for the member run only when there is one)."""
        if self.message is None:
            raise RuntimeError(f"step {self.step.id!r} of {self.flow.id!r} needs the member's message")
        return self.message

    @property
    def needs_services(self) -> Services:
        """The shared services (hooks run only inside the bot, where they are always given)."""
        if self.services is None:
            raise RuntimeError(f"step {self.step.id!r} of {self.flow.id!r} needs the bot's services")
        return self.services


class StepKind(Protocol):
    """Reads answers to the steps of one kind (``bot.guided.kinds``)."""

    extra_controls: tuple[str, ...]

    def applies(self, ctx: StepContext) -> bool:
        """Whether the step is asked at all (a region step needs a country with regions)."""
        ...

    def default(self, ctx: StepContext) -> Any:
        """The value stored when the step is skipped."""
        ...

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """(value, label) pairs offered as buttons (and numbered lines, where the flow shows them)."""
        ...

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Judge a pressed button (``given.button``: a value or ``!control``) or typed text."""
        ...

    def describe(self, ctx: StepContext, value: Any) -> str:
        """``value`` as words in the member's language (for prompts and the profile)."""
        ...


class _Blank(string.Formatter):
    # Labels are matched against typed text before their values are known ("📣 Send to {total}").
    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        return kwargs.get(key, "") if isinstance(key, str) else ""


def render(texts: Texts, key: str, language: str, values: Mapping[str, object]) -> str:
    """Catalogue text with ``values`` filled in.

    Placeholders are named after flow fields, and one of them is ``language``, which
    ``Catalogue.text`` takes as its own argument: so the template is fetched bare and formatted here.
    """
    template = texts.text(key, language)
    return template.format(**values) if values else template


def render_blank(texts: Texts, key: str, language: str) -> str:
    """Catalogue text with every placeholder left empty (to compare a label with typed text)."""
    return _Blank().format(texts.text(key, language))


# The step name of buttons that act on a whole run (resume, later, restart): ``gc:<flow>:*:<action>``.
RUN_BUTTON = "*"


def callback(flow_id: str, step_id: str, value: str) -> str:
    """The callback data of a guided-chat button: ``gc:<flow>:<step>:<value>`` (within Telegram's 64
    bytes once signed, see ``bot.callbacks``)."""
    data = f"{CALLBACK_PREFIX}{flow_id}:{step_id}:{value}"
    if len(data.encode()) > PAYLOAD_LIMIT:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse_callback(data: str) -> tuple[str | None, str, str] | None:
    """(flow, step, value) of a guided-chat button's callback data, or None when it is not one.

    Buttons sent before the engines became one carry ``ob:<step>:<value>`` (onboarding) or
    ``dlg:<step>:<value>`` (the member's open dialogue: flow None).
    """
    if data.startswith(CALLBACK_PREFIX):
        parts = data.removeprefix(CALLBACK_PREFIX).split(":", 2)
        return (parts[0], parts[1], parts[2]) if len(parts) == 3 and parts[0] and parts[1] else None
    for prefix, flow_id in zip(OLD_CALLBACK_PREFIXES, ("onboarding", None), strict=True):
        if data.startswith(prefix):
            step, sep, value = data.removeprefix(prefix).partition(":")
            return (flow_id, step, value) if sep else None
    return None
