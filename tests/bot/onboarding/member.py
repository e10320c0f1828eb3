"""Test helpers: a member talking to the core ``App``, and a Sender that records what it sends."""

from __future__ import annotations

import itertools

from bot.app import App
from bot.delivery import SentMessage
from bot.guided.context import parse_callback
from bot.models import IncomingMessage, Reply, Target

_events = itertools.count()


class Member:
    """One member writing to the bot (direct chat unless told otherwise)."""

    def __init__(
        self, app: App, *, platform: str = "telegram", user: str = "u1", hint: str | None = "en"
    ) -> None:
        self.app = app
        self.platform = platform
        self.user = user
        self.chat = f"dm-{user}"
        self.hint = hint

    def message(
        self,
        text: str = "",
        *,
        command: str | None = None,
        args: str = "",
        callback: str | None = None,
        direct: bool = True,
        mentioned: bool = False,
    ) -> IncomingMessage:
        return IncomingMessage(
            platform=self.platform,
            chat_id=self.chat if direct else "group-1",
            user_id=self.user,
            text=text,
            is_direct=direct,
            mentioned=mentioned,
            command=command,
            args=args,
            callback_data=callback,
            language_hint=self.hint,
            event_id=f"evt-{next(_events)}",
        )

    async def say(self, text: str, *, direct: bool = True) -> list[Reply]:
        return await self.app.handle(self.message(text, direct=direct))

    async def command(self, name: str, args: str = "", *, direct: bool = True) -> list[Reply]:
        return await self.app.handle(self.message(command=name, args=args, direct=direct))

    async def press(self, reply: Reply, value: str) -> list[Reply]:
        """Press the button of ``reply`` whose callback data ends with ``:value``."""
        return await self.app.handle(self.message(callback=button_data(reply, value)))


def button_value(data: str) -> str:
    """The value a button's callback data carries: the part after ``gc:<flow>:<step>:`` for a
    guided chat's button, after ``<prefix>:<action>:`` for the others (privacy, subscriptions)."""
    parsed = parse_callback(data)
    return parsed[2] if parsed is not None else data.split(":", 2)[-1]


def button_data(reply: Reply, value: str) -> str:
    """The callback data of the button of ``reply`` for ``value`` (fails when there is none)."""
    found = [
        button.callback_data
        for row in reply.buttons
        for button in row
        if button.callback_data and button_value(button.callback_data) == value
    ]
    assert found, f"no button for {value!r} in {[[b.callback_data for b in row] for row in reply.buttons]}"
    return found[0]


def callbacks(reply: Reply) -> list[str]:
    """Every callback value offered by ``reply`` (see ``button_value``)."""
    return [
        button_value(button.callback_data) for row in reply.buttons for button in row if button.callback_data
    ]


class RecordingSender:
    """A real in-process ``Sender``: keeps what it was asked to send."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.sent: list[tuple[Target, Reply]] = []

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        self.sent.append((target, reply))
        return SentMessage(target=target, message_id=str(len(self.sent)))
