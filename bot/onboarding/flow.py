"""The onboarding flow as data: steps, options and transitions read from ``flow.yaml``.

Nothing here knows what a step means; ``bot.onboarding.engine`` runs any flow of this shape and the
validators named by the steps read the answers. ``python -m bot.onboarding.flow`` prints the Mermaid
diagram checked in as ``flow.mmd``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, model_validator

FLOW_FILE = Path(__file__).parent / "flow.yaml"
END = "end"
# Values starting with this mark are controls (back, skip...), never options.
CONTROL_MARK = "!"


class Option(BaseModel, frozen=True):
    """One choice of a step: its stored value, its label's catalogue key and where it leads."""

    value: str
    label: str
    next: str | None = None


class Step(BaseModel, frozen=True):
    """One question of the flow (see the comment at the top of ``flow.yaml``)."""

    id: str
    title: str
    prompt: str
    validator: str
    field: str | None = None
    options: tuple[Option, ...] = ()
    params: dict[str, Any] = Field(default_factory=dict)
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


class Flow(BaseModel, frozen=True):
    """A whole flow: its first step, the field holding the member's language, and the steps."""

    start: str
    language_field: str
    steps: dict[str, Step]

    @model_validator(mode="before")
    @classmethod
    def _name_steps(cls, data: Any) -> Any:
        # In YAML a step's id is its key; copy it in so a Step knows its own id.
        if isinstance(data, dict) and isinstance(data.get("steps"), dict):
            steps = {key: {**value, "id": key} for key, value in data["steps"].items()}
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

    def step(self, step_id: str) -> Step:
        """The step called ``step_id``."""
        return self.steps[step_id]

    def fields(self) -> list[str]:
        """The profile fields the flow fills, in step order."""
        return [step.field for step in self.steps.values() if step.field]

    def catalogue_keys(self) -> set[str]:
        """Every catalogue key the flow refers to."""
        keys = {step.title for step in self.steps.values()} | {step.prompt for step in self.steps.values()}
        return keys | {option.label for step in self.steps.values() for option in step.options}


def load_flow(path: Path = FLOW_FILE) -> Flow:
    """Read and check a flow file.

    Raises:
        pydantic.ValidationError: When a transition points nowhere or a field is malformed.
    """
    return Flow.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def mermaid(flow: Flow) -> str:
    """The flow as a Mermaid state diagram (what ``flow.mmd`` holds)."""
    lines = [
        "%% Generated from flow.yaml by `python -m bot.onboarding.flow`; do not edit by hand.",
        "stateDiagram-v2",
        f"    [*] --> {flow.start}",
    ]
    for step in flow.steps.values():
        validator = f"{step.validator}" + (f" → {step.field}" if step.field else "")
        lines.append(f"    {step.id}: {step.id} ({validator})")
    for step in flow.steps.values():
        for label, target in step.targets():
            arrow = f"    {step.id} --> {'[*]' if target == END else target}"
            lines.append(f"{arrow}: {label}" if label else arrow)
    lines += [
        "    note right of " + flow.start,
        "        every step: back · skip · cancel (typed or buttons)",
        "        idle too long: paused, resumed on the next message",
        "    end note",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(mermaid(load_flow()), end="")
