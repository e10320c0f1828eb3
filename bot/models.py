"""Platform-neutral message models: every adapter translates into and renders from these."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from knowledge.models import Citation

Platform = Literal["slack", "telegram", "console"]


class IncomingMessage(BaseModel, frozen=True):
    """One thing a member did, translated from a platform event.

    Attributes:
        platform: Where it came from.
        chat_id: The chat, channel or DM it happened in.
        user_id: The member's platform user id.
        thread_id: The thread to answer in (Slack ``thread_ts``, Telegram message id to reply to).
        text: The text with any bot mention removed.
        is_direct: True in a private chat / DM.
        mentioned: True when the bot was mentioned or replied to.
        command: Command name without slash (``help``, ``ask``...), if any.
        args: The text after the command.
        callback_data: Payload of a pressed button, if any.
        language_hint: The platform's language for the member (e.g. Telegram ``language_code``).
        event_id: Platform id used for de-duplication of retried deliveries.
        user_name: Display name, when the platform gives it.
    """

    platform: Platform
    chat_id: str
    user_id: str
    thread_id: str | None = None
    text: str = ""
    is_direct: bool = False
    mentioned: bool = False
    command: str | None = None
    args: str = ""
    callback_data: str | None = None
    language_hint: str | None = None
    event_id: str
    user_name: str | None = None


class Button(BaseModel, frozen=True):
    """A button: a link (``url``) or a callback (``callback_data``), never both."""

    label: str
    url: str | None = None
    callback_data: str | None = None


class Attachment(BaseModel, frozen=True):
    """A file sent with a reply, e.g. an ``.ics`` calendar entry."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


class Reply(BaseModel):
    """What the core wants said; each adapter renders it in its platform's idiom.

    ``text`` is plain text (adapters escape it) with ``[n]`` markers referring to ``citations``.
    ``buttons`` is a list of rows. ``language`` is the language of the text, so that a renderer
    labels its own parts (the "Sources" heading) to match.
    """

    text: str
    citations: list[Citation] = Field(default_factory=list)
    buttons: list[list[Button]] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    thread_id: str | None = None
    ephemeral: bool = False
    language: str = "en"
    # Ping everyone in a Slack channel (``<!channel>``): only an organiser's explicit choice sets it;
    # text never can, because the core defangs every mention in ``text``.
    notify_channel: bool = False


class Target(BaseModel, frozen=True):
    """An addressable chat: ``telegram:12345`` or ``slack:C0123``."""

    platform: Platform
    chat_id: str

    @classmethod
    def parse(cls, value: str) -> Target:
        """Parse ``platform:chat_id``.

        Args:
            value: Text such as ``telegram:12345``.

        Returns:
            The target.

        Raises:
            ValueError: When the text has no platform prefix or an unknown platform.
        """
        platform, sep, chat_id = value.strip().partition(":")
        if not sep or not chat_id or platform not in ("slack", "telegram", "console"):
            raise ValueError(f"not a target (expected 'telegram:<id>' or 'slack:<id>'): {value!r}")
        return cls(platform=platform, chat_id=chat_id)

    def __str__(self) -> str:
        return f"{self.platform}:{self.chat_id}"


def command_prefix(platform: str) -> str:
    """How a member types a command on ``platform``: Slack has one slash command, ``/eser <name>``."""
    return "/eser " if platform == "slack" else "/"
