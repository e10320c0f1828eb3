"""Organisers' guided chat dialogues (``/newevent``, ``/announce``): what every dialogue shares.

A dialogue is a fixed sequence of steps; each step asks (``Prompt``) and reads the organiser's answer
(typed, or a pressed button) into a verdict: move on (``Next``), ask again (``Again``) or end
(``Finish``). The ``DialogueHandler`` owns the rest: the organiser check on *every* message and button
press, the state saved after every step (so a restart loses nothing), back / skip / cancel typed or
pressed, and buttons left over from an earlier step.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from bot.callbacks import PAYLOAD_LIMIT
from bot.models import Attachment, Button, IncomingMessage, Reply
from bot.onboarding.places import fold
from bot.onboarding.typed import Words
from bot.services import Services
from bot.speech import member_language, say
from bot.store.dialogues import DialogueStore, StoredDialogue

CALLBACK_PREFIX = "dlg:"
CONTROL_MARK = "!"


class DialogueState(BaseModel):
    """Where an organiser is in a dialogue; stored as JSON after every step.

    Attributes:
        id: Random id of this run of the dialogue (idempotency keys derive from it).
        step: The current step.
        history: Steps answered before, oldest first (``back`` walks it).
        answers: Values given so far.
        pending: The current step's scratch data (a multiple choice's selection, suggestions).
        language: The organiser's language.
    """

    id: str
    step: str
    history: list[str] = Field(default_factory=list)
    answers: dict[str, Any] = Field(default_factory=dict)
    pending: dict[str, Any] = Field(default_factory=dict)
    language: str = "en"


@dataclass(frozen=True)
class Given:
    """What the organiser gave: typed ``text``, a pressed option ``button``, or a ``control`` word."""

    text: str = ""
    button: str | None = None
    control: str | None = None


@dataclass
class Prompt:
    """A step's question: its text, option buttons (rows) and any file to go with it."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Next:
    """Store ``answers`` and move on: to ``step`` when given, else to the next step that applies."""

    answers: Mapping[str, Any] = field(default_factory=dict)
    step: str | None = None
    notice: str | None = None
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Again:
    """Ask the same step again, with a notice (catalogue key) and new scratch data if given."""

    notice: str | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    pending: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Finish:
    """The dialogue is over; say ``replies``."""

    replies: list[Reply]


Verdict = Next | Again | Finish


@dataclass
class Turn:
    """One organiser action in a dialogue: the services, the message and the state it applies to."""

    services: Services
    message: IncomingMessage
    state: DialogueState

    @property
    def language(self) -> str:
        """The organiser's language."""
        return self.state.language

    def t(self, key: str, **values: object) -> str:
        """Catalogue text in the organiser's language, with their platform's command syntax."""
        return say(self.services, self.message, key, self.state.language, values)

    def option(self, label: str, value: str, *, step: str | None = None) -> Button:
        """A button answering the current step (or ``step``) with ``value``."""
        return Button(label=label, callback_data=callback(step or self.state.step, value))


class Dialogue:
    """One guided dialogue. Subclasses set ``kind`` and ``steps`` and implement ``prompt`` and ``read``.

    Attributes:
        kind: The command that starts it, also the action the organiser check is asked about.
        steps: The steps in order.
        skippable: Steps that offer "skip" (``skipped`` gives their value).
    """

    kind: str = ""
    steps: tuple[str, ...] = ()
    skippable: frozenset[str] = frozenset()

    def applies(self, turn: Turn, step: str) -> bool:
        """Whether ``step`` is asked (given the answers so far)."""
        return True

    def skipped(self, turn: Turn) -> Mapping[str, Any]:
        """The answers stored when the current step is skipped."""
        return {}

    async def prompt(self, turn: Turn) -> Prompt:
        """The current step's question."""
        raise NotImplementedError

    async def read(self, turn: Turn, given: Given) -> Verdict:
        """Judge the organiser's answer to the current step."""
        raise NotImplementedError


def _label_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(re.sub(r"\([^)]*\)", " ", text))))


def typed_button(text: str, buttons: Sequence[Sequence[Button]]) -> Given | None:
    """The option button whose label is exactly ``text`` (ignoring case, accents, emoji, brackets)."""
    typed = _label_words(text)
    for row in buttons:
        for button in row:
            data = button.callback_data or ""
            if typed and data.startswith(CALLBACK_PREFIX) and _label_words(button.label) == typed:
                value = data.removeprefix(CALLBACK_PREFIX).partition(":")[2]
                return Given(control=value[1:]) if value.startswith(CONTROL_MARK) else Given(button=value)
    return None


def callback(step: str, value: str) -> str:
    """A dialogue button's callback data: ``dlg:<step>:<value>`` (within Telegram's 64 bytes once
    signed, see ``bot.callbacks``)."""
    data = f"{CALLBACK_PREFIX}{step}:{value}"
    if len(data.encode()) > PAYLOAD_LIMIT:
        raise ValueError(f"callback data too long: {data!r}")
    return data


class DialogueHandler:
    """Runs the organisers' dialogues.

    It takes a dialogue's command, dialogue buttons (``dlg:``), and while a dialogue is open, the
    organiser's direct messages (or mentions in the chat the dialogue runs in).

    Args:
        services: Shared services.
        dialogues: The dialogues, by their command.
    """

    def __init__(self, services: Services, dialogues: Sequence[Dialogue]) -> None:
        self.services = services
        self.dialogues = {dialogue.kind: dialogue for dialogue in dialogues}
        self.store = DialogueStore(services.sessions)
        self.words = Words(services.catalogue)

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Take dialogue commands, buttons and answers."""
        if message.callback_data is not None:
            if not message.callback_data.startswith(CALLBACK_PREFIX):
                return None
            return await self._button(message)
        if message.command in self.dialogues and not self._bare_word(message):
            return await self._start(message, self.dialogues[message.command])
        if message.command is not None and not self._bare_word(message):
            return None
        if not (message.is_direct or message.mentioned):
            return None
        stored = await self.store.get(message.platform, message.user_id)
        if stored is None or stored.kind not in self.dialogues:
            if message.command in self.dialogues:  # a bare "newevent" typed in a Slack DM
                return await self._start(message, self.dialogues[message.command])
            return None
        if not message.is_direct and message.chat_id != stored.chat_id:
            return None
        return await self._text(message, stored)

    def _bare_word(self, message: IncomingMessage) -> bool:
        # Slack reads a DM that is exactly a command name ("events") as that command; in a dialogue
        # it is an answer ("events" as a topic). Typed "/..." commands and slash commands are not.
        text = message.text.strip().lower()
        return message.is_direct and not message.mentioned and bool(text) and text == message.command

    # --- entry points ---------------------------------------------------------------------------
    async def _start(self, message: IncomingMessage, dialogue: Dialogue) -> list[Reply]:
        language = await member_language(self.services, message)
        if not await self._allowed(message, dialogue.kind):
            return await self._refuse(message, dialogue.kind, language)
        state = DialogueState(id=uuid.uuid4().hex[:12], step=dialogue.steps[0], language=language)
        turn = Turn(self.services, message, state)
        first = next(step for step in dialogue.steps if dialogue.applies(turn, step))
        state.step = first
        await self._save(message, dialogue, state)
        return [await self._prompt(turn, dialogue)]

    async def _button(self, message: IncomingMessage) -> list[Reply]:
        step, _, value = (message.callback_data or "").removeprefix(CALLBACK_PREFIX).partition(":")
        stored = await self.store.get(message.platform, message.user_id)
        kind = stored.kind if stored is not None and stored.kind in self.dialogues else "dialogue"
        if not await self._allowed(message, kind):
            return await self._refuse(message, kind, await member_language(self.services, message))
        if stored is None or kind not in self.dialogues:
            language = await member_language(self.services, message)
            return [self._reply(message, say(self.services, message, "dialogue.stale", language), language)]
        dialogue = self.dialogues[kind]
        state = DialogueState.model_validate_json(stored.state)
        turn = Turn(self.services, message, state)
        if step != state.step:
            return [await self._prompt(turn, dialogue, notice="dialogue.old_button")]
        given = Given(control=value[1:]) if value.startswith(CONTROL_MARK) else Given(button=value)
        return await self._advance(turn, dialogue, given)

    async def _text(self, message: IncomingMessage, stored: StoredDialogue) -> list[Reply]:
        state = DialogueState.model_validate_json(stored.state)
        if not await self._allowed(message, stored.kind):
            return await self._refuse(message, stored.kind, state.language)
        text = message.text.strip()
        given = Given(text=text, control=self.words.control(text, state.language))
        return await self._advance(Turn(self.services, message, state), self.dialogues[stored.kind], given)

    # --- running a dialogue ---------------------------------------------------------------------
    async def _advance(self, turn: Turn, dialogue: Dialogue, given: Given) -> list[Reply]:
        state, message = turn.state, turn.message
        if given.control == "cancel":
            await self.store.end(message.platform, message.user_id)
            return [self._reply(message, turn.t("dialogue.cancelled"), state.language)]
        if given.control == "restart":
            return await self._start(message, dialogue)
        if given.control == "back":
            if not state.history:
                return [await self._prompt(turn, dialogue, notice="dialogue.first_step")]
            state.step = state.history.pop()
            state.pending = {}
            await self._save(message, dialogue, state)
            return [await self._prompt(turn, dialogue)]
        if given.text and given.control is None:
            # A button's label typed instead of pressed ("Now", "No event") is that button.
            pressed = typed_button(given.text, (await dialogue.prompt(turn)).buttons)
            if pressed is not None:
                return await self._advance(turn, dialogue, pressed)
        verdict: Verdict
        if given.control == "skip":
            if state.step not in dialogue.skippable:
                return [await self._prompt(turn, dialogue, notice="dialogue.no_skip")]
            verdict = Next(dialogue.skipped(turn))
        else:
            verdict = await dialogue.read(turn, given)
        if isinstance(verdict, Finish):
            await self.store.end(message.platform, message.user_id)
            return [reply.model_copy(update={"thread_id": message.thread_id}) for reply in verdict.replies]
        if isinstance(verdict, Again):
            if verdict.pending is not None:
                state.pending = dict(verdict.pending)
            await self._save(message, dialogue, state)
            return [await self._prompt(turn, dialogue, notice=verdict.notice, values=verdict.values)]
        state.answers.update(verdict.answers)
        self._move(turn, dialogue, verdict.step)
        await self._save(message, dialogue, state)
        return [await self._prompt(turn, dialogue, notice=verdict.notice, values=verdict.values)]

    def _move(self, turn: Turn, dialogue: Dialogue, target: str | None) -> None:
        state = turn.state
        if target is None:
            later = dialogue.steps[dialogue.steps.index(state.step) + 1 :]
            target = next(step for step in later if dialogue.applies(turn, step))
        if target in state.history:
            # Sent back to an earlier step (a date in the past): forget the steps after it.
            del state.history[state.history.index(target) :]
        elif target != state.step:
            state.history.append(state.step)
        state.step = target
        state.pending = {}

    async def _prompt(
        self,
        turn: Turn,
        dialogue: Dialogue,
        *,
        notice: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> Reply:
        prompt = await dialogue.prompt(turn)
        parts = [turn.t(notice, **dict(values or {}))] if notice else []
        parts += [prompt.text, turn.t("dialogue.hint")]
        controls = ["back"] if turn.state.history else []
        controls += ["skip"] if turn.state.step in dialogue.skippable else []
        controls.append("cancel")
        row = [turn.option(turn.t(f"onboarding.button.{name}"), f"{CONTROL_MARK}{name}") for name in controls]
        return Reply(
            text="\n\n".join(parts),
            buttons=[*prompt.buttons, row],
            attachments=prompt.attachments,
            thread_id=turn.message.thread_id,
            language=turn.state.language,
        )

    # --- small helpers --------------------------------------------------------------------------
    async def _allowed(self, message: IncomingMessage, kind: str) -> bool:
        return await self.services.organisers.allow(message.platform, message.user_id, kind)

    async def _refuse(self, message: IncomingMessage, kind: str, language: str) -> list[Reply]:
        await self.store.end(message.platform, message.user_id)
        key = f"{kind}.refused" if kind in self.dialogues else "dialogue.refused"
        return [self._reply(message, say(self.services, message, key, language), language)]

    async def _save(self, message: IncomingMessage, dialogue: Dialogue, state: DialogueState) -> None:
        await self.store.save(
            message.platform,
            message.user_id,
            chat_id=message.chat_id,
            kind=dialogue.kind,
            state=state.model_dump_json(),
            now=self.services.clock(),
        )

    def _reply(self, message: IncomingMessage, text: str, language: str) -> Reply:
        return Reply(text=text, thread_id=message.thread_id, language=language)
