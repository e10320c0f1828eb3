"""The contract every platform driver of the shared scenario table fulfils.

A driver runs the real adapter (python-telegram-bot or slack-bolt) against its fake platform server
and reports what the fake server recorded, in a platform-neutral ``Sent`` form, so that one table of
scenarios (``tests/scenarios/test_scenarios.py``) runs unchanged against both platforms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.callbacks import SEPARATOR
from bot.models import Reply
from tests.bot.onboarding.member import button_value


@dataclass
class SentButton:
    """A button as the platform received it: a link (``url``) or a callback (``data``, signed)."""

    label: str
    url: str | None = None
    data: str | None = None

    @property
    def payload(self) -> str:
        """The callback data without the bot's signature (``fb:1a2b:up``)."""
        return (self.data or "").rpartition(SEPARATOR)[0] or (self.data or "")


@dataclass
class Sent:
    """One message the bot sent, as recorded by the fake server.

    Attributes:
        chat: The chat/channel id it went to.
        text: Its visible text with markup removed (HTML tags / mrkdwn link syntax stripped).
        links: Every hyperlink in the text, as (label, url).
        buttons: Every button, row by row flattened.
        in_thread: True when it was posted as a reply in the asker's thread (Slack ``thread_ts``,
            Telegram ``reply_parameters``/``reply_to_message_id``).
        ephemeral: True for a message only the asker sees (Slack ephemeral / Telegram callback answer).
        raw: The recorded API call parameters, for platform-specific assertions.
    """

    chat: str
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[SentButton] = field(default_factory=list)
    in_thread: bool = False
    ephemeral: bool = False
    raw: dict[str, object] = field(default_factory=dict)


class PlatformDriver(Protocol):
    """Drives one platform's adapter end to end. Every method waits until the bot has finished
    replying (or a short timeout passed) and returns the messages sent since the call began."""

    platform: str
    group_chat: str  # the id of the group / channel the ``*_in_group`` actions happen in

    async def direct_message(self, user: str, text: str) -> list[Sent]:
        """The member writes ``text`` to the bot in a private chat / DM."""
        ...

    async def mention_in_group(self, user: str, text: str) -> list[Sent]:
        """The member mentions the bot with ``text`` in a group / channel."""
        ...

    async def group_message(self, user: str, text: str) -> list[Sent]:
        """The member writes ``text`` in a group / channel without mentioning the bot."""
        ...

    async def command(self, user: str, name: str, args: str = "") -> list[Sent]:
        """The member runs a command (Telegram ``/name args``, Slack ``/eser name args``) in a DM."""
        ...

    async def click(self, user: str, sent: Sent, button: SentButton) -> list[Sent]:
        """The member presses a callback ``button`` of message ``sent``."""
        ...

    async def group_command(self, user: str, name: str, args: str = "") -> list[Sent]:
        """The member runs a command in the group / channel."""
        ...

    def make_manager(self, user: str) -> None:
        """Make the platform say that ``user`` manages the group (Telegram admin, Slack channel creator)."""
        ...

    def direct_chat(self, user: str) -> str:
        """The id of the member's private chat / DM with the bot."""
        ...

    async def announce(self, chat: str, reply: Reply) -> Sent:
        """The bot sends ``reply`` to ``chat`` on its own initiative (as broadcasts do); returns it."""
        ...


def question_in(sent: list[Sent], prefix: str) -> Sent:
    """The one message carrying buttons whose callback starts with ``prefix`` (``gc:<flow>:``)."""
    questions = [m for m in sent if any((b.data or "").startswith(prefix) for b in m.buttons)]
    assert len(questions) == 1, [m.text[:60] for m in sent]
    return questions[0]


def button(message: Sent, value: str) -> SentButton:
    """The button of ``message`` whose callback ends with ``:value``."""
    for candidate in message.buttons:
        if candidate.data and button_value(candidate.payload) == value:
            return candidate
    raise AssertionError(f"no {value!r} button in {[b.payload for b in message.buttons]}")
