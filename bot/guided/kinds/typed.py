"""Typed steps: free text, a date and time, a time zone, a link, a place or link, a confirmation.

Each reads what was typed with ``bot.guided.inputs`` and asks again with the reader's own message
when it cannot; a pressed button is one of the step's options (``Now``, a zone). The value they
accept is raw (a ``Moment``, a ``Where``): the step's ``check`` hook turns it into fields and
applies the flow's rules (a start in the past).
"""

from __future__ import annotations

from typing import Any

from bot.guided.context import StepContext, render_blank
from bot.guided.inputs import InputError, read_link, read_moment, read_where, read_zone
from bot.guided.state import Accept, Retry, Stay, UserInput, Verdict


class _TypedKind:
    """Shared parts: the step's options as buttons, a pressed option taken as is, text read."""

    extra_controls: tuple[str, ...] = ()

    def applies(self, ctx: StepContext) -> bool:
        """Always asked (a flow's ``enter`` hook may still skip it)."""
        return True

    def default(self, ctx: StepContext) -> Any:
        """The step's ``params.default`` (None when it has none)."""
        return ctx.step.params.get("default")

    def choices(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The step's options (a label's placeholders are filled by the hook that shows it, so here
        they are left empty: these labels are matched against typed text)."""
        return [
            (option.value, render_blank(ctx.texts, option.label, ctx.language)) for option in ctx.step.options
        ]

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """An offered button as is; typed text through ``parse``."""
        if given.button is not None:
            return Accept(given.button) if given.button in {v for v, _ in ctx.choices} else Retry()
        text = given.text.strip()
        if not text:
            return Retry()
        try:
            return Accept(self.parse(ctx, text))
        except InputError as error:
            return Retry(error.key, error.values)

    def parse(self, ctx: StepContext, text: str) -> Any:
        """The value of typed ``text``.

        Raises:
            InputError: Naming the message that says what to type instead.
        """
        raise NotImplementedError

    def describe(self, ctx: StepContext, value: Any) -> str:
        """The value as it was given."""
        return "" if value is None else str(value)


class TextKind(_TypedKind):
    """Free text up to ``params.max_length`` characters (``params.too_long`` says so otherwise)."""

    def parse(self, ctx: StepContext, text: str) -> str:
        """The text, if not too long."""
        limit = ctx.step.params.get("max_length")
        if isinstance(limit, int) and len(text) > limit:
            raise InputError(str(ctx.step.params["too_long"]), limit=limit, length=len(text))
        return text


class DateTimeKind(_TypedKind):
    """A date and time, optionally with an end time and a zone (a ``Moment``)."""

    def parse(self, ctx: StepContext, text: str) -> Any:
        """The moment typed."""
        return read_moment(text)


class ZoneKind(_TypedKind):
    """An IANA time zone, typed or pressed (the step's ``choices`` hook offers some)."""

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """A pressed zone is read like a typed one."""
        return super().read(ctx, UserInput(text=given.button) if given.button else given)

    def parse(self, ctx: StepContext, text: str) -> str:
        """The zone's canonical name."""
        return read_zone(text)


class LinkKind(_TypedKind):
    """A web link (``https://...``)."""

    def parse(self, ctx: StepContext, text: str) -> str:
        """The link."""
        return read_link(text, ctx.step.field or "link")


class PlaceKind(_TypedKind):
    """A venue, a link to join online, or both in one line (a ``Where``)."""

    def parse(self, ctx: StepContext, text: str) -> Any:
        """The venue and link."""
        return read_where(text)


class ConfirmKind(_TypedKind):
    """A confirmation: the step's first option pressed, or "yes" / "done" typed, accepted as ``True``
    (the step's ``check`` hook then saves or sends). Options named in ``params.toggles`` flip the
    answer of that name instead ("notify the channel")."""

    def read(self, ctx: StepContext, given: UserInput) -> Verdict:
        """Accept the confirmation, flip a toggle, or ask again."""
        toggle = given.button
        if toggle is not None and toggle in ctx.step.params.get("toggles", ()):
            return Stay(answers={toggle: not ctx.state.answers.get(toggle)})
        confirm = ctx.step.options[0].value if ctx.step.options else "confirm"
        typed = given.button is None and any(
            ctx.words.means(word, given.text, ctx.language) for word in ("yes", "done")
        )
        return Accept(True) if given.button == confirm or typed else Retry()
