"""A flow's domain logic, called by name from its YAML file.

A flow names hooks per step, by role; the engine calls them at fixed points:

- ``enter(ctx) -> bool``: before a step is asked; False skips it (it may prepare answers first).
- ``values(ctx) -> dict``: extra placeholders of the step's prompt (an example date).
- ``choices(ctx) -> list[(value, label)]``: options known only at run time (upcoming events).
- ``prompt(ctx) -> Prompt``: the whole question, when a template is not enough (a preview).
- ``check(ctx, accepted) -> Verdict``: after the kind accepted an answer: domain rules (a start in
  the past), further fields, or the flow's work (save the event, send the announcement).

and once per flow ``finish(ctx, values) -> list[Reply]`` (``values``: every answer in words) when
the last step is answered, and ``saved(ctx)`` after every change to a run's state is stored
(onboarding keeps the profile current).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.guided.context import StepContext
from bot.guided.flow import Flow
from bot.models import Reply


class FlowHooks:
    """Base of a flow's hooks: subclasses define ``async`` methods named as the flow's file says."""

    flow_id: str = ""

    def missing(self, flow: Flow) -> list[str]:
        """The hook names ``flow`` uses that this object lacks."""
        return sorted(name for name in flow.hook_names() if not callable(getattr(self, name, None)))

    async def call(self, name: str, ctx: StepContext, *args: Any) -> Any:
        """Run the hook ``name``."""
        hook: Callable[..., Awaitable[Any]] = getattr(self, name)
        return await hook(ctx, *args)

    async def finish(self, ctx: StepContext, values: Mapping[str, str]) -> list[Reply]:
        """What to say when the last step is answered (nothing by default)."""
        return []

    async def saved(self, ctx: StepContext) -> None:
        """Called after the run's state is stored (nothing by default)."""
