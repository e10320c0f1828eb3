"""Guided chats as data: a flow's steps, options, transitions and named hooks, read from YAML.

Nothing here knows what a step means; ``bot.guided.engine`` runs any flow of this shape, the step
kinds (``bot.guided.kinds``) read the answers and a flow's hooks (``bot.guided.hooks``) hold its
domain logic. ``python -m bot.guided.flow`` prints each flow's Mermaid diagram, checked in beside
its YAML file (``<flow>.mmd``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from knowledge.safe_yaml import load_yaml

FLOWS_DIR = Path(__file__).parent / "flows"
END = "end"
# Values starting with this mark are controls (back, skip...), never options.
CONTROL_MARK = "!"


class Option(BaseModel, frozen=True):
    """One choice of a step: its stored value, its label's catalogue key and where it leads."""

    value: str
    label: str
    next: str | None = None


class Step(BaseModel, frozen=True):
    """One question of a flow (see ``docs/guided-chats.md`` for every key).

    Attributes:
        id: The step's name (its key in the file).
        title: Catalogue key of the step's short name (shown when a paused flow is resumed).
        prompt: Catalogue key of the question (empty when a hook writes the whole prompt).
        kind: How answers are read (``bot.guided.kinds``).
        field: Where the answer is stored (omit for a step that only routes or confirms).
        options: Buttons and typed choices.
        params: The kind's settings.
        hooks: Domain logic by role (``enter``, ``check``, ``choices``, ``preview``, ``confirm``...).
        next: The step after an accepted or skipped answer (``end`` finishes the flow).
        outcomes: Other results of the kind or a hook, by name, to a step.
        skippable: Whether "skip" is offered.
    """

    id: str
    title: str = ""
    prompt: str = ""
    kind: str
    field: str | None = None
    options: tuple[Option, ...] = ()
    params: dict[str, Any] = Field(default_factory=dict)
    hooks: dict[str, str] = Field(default_factory=dict)
    next: str
    outcomes: dict[str, str] = Field(default_factory=dict)
    skippable: bool = True

    def option(self, value: str) -> Option | None:
        """The option with ``value``, if the step has one."""
        return next((option for option in self.options if option.value == value), None)

    def targets(self) -> list[tuple[str, str]]:
        """Every (label, step) this step can lead to; the label is empty for the default transition."""
        edges = [("", self.next)]
        edges += [(outcome, target) for outcome, target in self.outcomes.items()]
        edges += [(option.value, option.next) for option in self.options if option.next]
        return edges


# The phrases a flow speaks around its steps: catalogue keys ``<voice>.<phrase>``.
FLOW_PHRASES = ("hint", "not_understood", "first_step", "no_skip", "old_button", "cancelled", "stale")


class Flow(BaseModel, frozen=True):
    """A whole guided chat.

    Attributes:
        id: The flow's name (also the name of its hooks).
        command: The command that starts it.
        requires: The role a member needs at every step (``organiser``), if any.
        scope: ``direct``: runs in the member's direct chat only; ``chat``: in the chat it began in.
        keep: ``done``: a finished or cancelled run is kept (onboarding: "welcome back"), else removed.
        pause_when_idle: Idle runs are paused with a message (``bot.guided.timeouts``).
        press_typed_labels: A button's label typed in full is that button pressed (organisers'
            flows); otherwise typed text goes to the step's kind (onboarding reads typed lists).
        language_field: The field holding the member's language, when the flow asks for it.
        voice: The catalogue prefix of the flow's own phrases (``FLOW_PHRASES``): ``onboarding``
            for members, ``dialogue`` for organisers.
        numbered_choices: The choices are also listed as numbered lines, on platforms that show no
            buttons (``PlatformCapabilities.buttons``): every option is shown once.
        start: The first step.
        steps: The steps by id.
    """

    id: str
    command: str
    requires: Literal["organiser"] | None = None
    scope: Literal["direct", "chat"] = "direct"
    keep: Literal["done", "nothing"] = "nothing"
    pause_when_idle: bool = False
    press_typed_labels: bool = False
    language_field: str | None = None
    voice: str
    numbered_choices: bool = False
    start: str
    steps: dict[str, Step]

    @model_validator(mode="before")
    @classmethod
    def _name_steps(cls, data: Any) -> Any:
        # In YAML a step's id is its key; copy it in so a Step knows its own id.
        if isinstance(data, dict) and isinstance(data.get("steps"), dict):
            steps = {key: {**(value or {}), "id": key} for key, value in data["steps"].items()}
            data = {**data, "steps": steps}
        return data

    @model_validator(mode="after")
    def _check_transitions(self) -> Flow:
        known = set(self.steps) | {END}
        if self.start not in self.steps:
            raise ValueError(f"start step {self.start!r} is not defined")
        for step in self.steps.values():
            for label, target in step.targets():
                if target not in known:
                    raise ValueError(f"step {step.id!r} leads ({label or 'next'}) to unknown step {target!r}")
            for option in step.options:
                if option.value.startswith(CONTROL_MARK) or ":" in option.value:
                    raise ValueError(f"option value {option.value!r} of {step.id!r} may not use '!' or ':'")
        return self

    def phrase(self, name: str) -> str:
        """The catalogue key of the flow's phrase ``name`` (one of ``FLOW_PHRASES``)."""
        return f"{self.voice}.{name}"

    def step(self, step_id: str) -> Step:
        """The step called ``step_id``."""
        return self.steps[step_id]

    def fields(self) -> list[str]:
        """The fields the flow fills, in step order."""
        return [step.field for step in self.steps.values() if step.field]

    def catalogue_keys(self) -> set[str]:
        """Every catalogue key the flow refers to (steps, options and its own phrases)."""
        keys = {key for step in self.steps.values() for key in (step.title, step.prompt) if key}
        keys |= {option.label for step in self.steps.values() for option in step.options}
        return keys | {self.phrase(name) for name in FLOW_PHRASES}

    def hook_names(self) -> set[str]:
        """Every hook the flow names."""
        return {name for step in self.steps.values() for name in step.hooks.values()}


def load_flow(path: Path) -> Flow:
    """Read and check one flow file.

    Raises:
        pydantic.ValidationError: When a transition points nowhere or a field is malformed.
        knowledge.safe_yaml.YamlError: When the file is not plain YAML (with the line).
    """
    return Flow.model_validate(load_yaml(path.read_text(encoding="utf-8"), source=str(path)))


def load_flows(directory: Path = FLOWS_DIR) -> dict[str, Flow]:
    """Every flow in ``directory`` (``*.yaml``), by id."""
    flows = [load_flow(path) for path in sorted(directory.glob("*.yaml"))]
    return {flow.id: flow for flow in flows}


def mermaid(flow: Flow) -> str:
    """The flow as a Mermaid state diagram (what ``<flow>.mmd`` holds)."""
    lines = [
        f"%% Generated from {flow.id}.yaml by `python -m bot.guided.flow`; do not edit by hand.",
        "stateDiagram-v2",
        f"    [*] --> {flow.start}",
    ]
    for step in flow.steps.values():
        described = step.kind + (f" → {step.field}" if step.field else "")
        described += f", only if {step.hooks['enter']}" if "enter" in step.hooks else ""
        lines.append(f"    {step.id}: {step.id} ({described})")
    for step in flow.steps.values():
        for label, target in step.targets():
            arrow = f"    {step.id} --> {'[*]' if target == END else target}"
            lines.append(f"{arrow}: {label}" if label else arrow)
    note = ["every step: back · skip · cancel (typed or buttons)"]
    if flow.requires:
        note.append(f"every step: the member must be an {flow.requires}")
    if flow.pause_when_idle:
        note.append("idle too long: paused, resumed on the next message")
    lines += [f"    note right of {flow.start}", *(f"        {line}" for line in note), "    end note"]
    return "\n".join(lines) + "\n"


def write_diagrams(directory: Path = FLOWS_DIR) -> list[Path]:
    """Regenerate every flow's diagram beside its file; returns the files written."""
    written = []
    for flow_id, flow in load_flows(directory).items():
        target = directory / f"{flow_id}.mmd"
        target.write_text(mermaid(flow), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_diagrams():
        sys.stdout.write(f"wrote {path}\n")
