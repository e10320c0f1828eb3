"""The console adapter: a terminal chat with the same answers as Slack and Telegram.

Lines typed (or piped) become ``IncomingMessage``s; ``/name args`` is a command; a number typed right
after a reply with buttons presses that button. Replies are rendered with rich: the answer, its
numbered sources with their links, and the buttons. Attachments (an event's ``.ics``) are saved in a
folder under the data folder and their path is printed. The welcome and ``/help`` say how to leave.
"""

from __future__ import annotations

import getpass
import itertools
import uuid
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from bot.commands import bare_command
from bot.i18n import Catalogue
from bot.models import Attachment, Button, IncomingMessage, Reply
from bot.platforms import PlatformCapabilities

QUIT_WORDS = frozenset({"/quit", "/exit", ":q"})
# After these the console adds how to leave it (only the console has a "leave").
GREETING_COMMANDS = frozenset({"start", "help"})


def console_capabilities() -> PlatformCapabilities:
    """What the console declares: it answers in the same process, so it takes no broadcasts, and
    rich prints its text as plain text (no mention markup to escape)."""
    return PlatformCapabilities(
        name="console",
        display_name="console",
        limits=None,
        question_quota=False,  # a local operator at the bot's own terminal
        language_source="terminal",
    )


def translate(
    text: str, *, user_id: str, event_id: str, pending: list[Button], language: str | None
) -> IncomingMessage:
    """Turn one typed line into an ``IncomingMessage``.

    Args:
        text: The line.
        user_id: Who is typing (the OS user).
        event_id: A unique id for the line.
        pending: Callback buttons of the last reply, pressable by their number.
        language: The terminal's language, if known.
    """
    stripped = text.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(pending):
        return IncomingMessage(
            platform="console",
            chat_id="console",
            user_id=user_id,
            is_direct=True,
            callback_data=pending[int(stripped) - 1].callback_data,
            event_id=event_id,
            language_hint=language,
        )
    command: str | None = None
    args = ""
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, args = stripped[1:].partition(" ")
        command = name.lower()
    return IncomingMessage(
        platform="console",
        chat_id="console",
        user_id=user_id,
        text=stripped,
        is_direct=True,
        command=command,
        args=args.strip(),
        event_id=event_id,
        language_hint=language,
    )


def save_attachment(attachment: Attachment, folder: Path) -> Path:
    """Write ``attachment`` into ``folder`` (created if missing) under its own name; returns the path.

    The name is reduced to its last part, so that a name like ``../x`` cannot leave the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (Path(attachment.filename).name or "attachment")
    path.write_bytes(attachment.content)
    return path


def render(
    reply: Reply, catalogue: Catalogue, attachments_dir: Path | None = None
) -> tuple[str, list[Button]]:
    """Rich markup for ``reply`` and the callback buttons it offers (numbered from 1).

    Content is escaped: a ``[1]`` marker stays a ``[1]``, never rich markup.

    Args:
        reply: What the bot said.
        catalogue: For labels.
        attachments_dir: Where attachments are saved (their path is shown); None shows only
            their name and size.
    """
    lines = [escape(reply.text)]
    if reply.citations:
        lines += ["", f"[bold]{escape(catalogue.text('answer.sources', reply.language))}[/bold]"]
        lines += [
            f"  [{c.n}] {escape(c.title)}\n      [link={c.url}]{escape(c.url)}[/link]"
            for c in reply.citations
        ]
    pending: list[Button] = []
    links = [button for row in reply.buttons for button in row if button.url]
    for button in links:
        lines.append(f"  → {escape(button.label)}: [link={button.url}]{escape(button.url or '')}[/link]")
    for button in (button for row in reply.buttons for button in row if button.callback_data):
        pending.append(button)
        lines.append(f"  ({len(pending)}) {escape(button.label)}")
    for attachment in reply.attachments:
        if attachments_dir is None:
            lines.append(f"  📎 {escape(attachment.filename)} ({len(attachment.content)} bytes)")
            continue
        saved = save_attachment(attachment, attachments_dir)
        lines.append(
            "  📎 " + escape(catalogue.text("console.attachment_saved", reply.language, path=str(saved)))
        )
    return "\n".join(lines), pending


async def run_console(
    handle: Callable[[IncomingMessage], Awaitable[list[Reply]]],
    catalogue: Catalogue,
    lines: Iterable[str],
    *,
    console: Console,
    interactive: bool,
    language: str | None = None,
    user_id: str | None = None,
    attachments_dir: Path | None = None,
) -> int:
    """Chat until the input ends (or ``/quit``); returns how many messages were handled.

    Args:
        handle: The core's ``App.handle``.
        catalogue: For labels.
        lines: The input lines (``sys.stdin`` or a prompt loop).
        console: Where replies go.
        interactive: Whether a person is typing (then a prompt and a greeting are shown).
        language: The terminal's language.
        user_id: Who is typing (the OS user by default): the member ``console:<user_id>``.
        attachments_dir: Where attachments are saved (None: only named).
    """
    user_id = user_id or getpass.getuser()
    pending: list[Button] = []
    # Event ids are unique across sessions: the core remembers the ids it has handled.
    session = uuid.uuid4().hex[:12]
    counter = itertools.count(1)
    handled = 0
    if interactive:
        console.print(escape(catalogue.text("start.welcome", language)) + "\n")
        console.print(escape(catalogue.text("help.text", language, cmd="/")))
        console.print(escape(catalogue.text("console.quit_hint", language)) + "\n")
    for line in lines:
        if not line.strip():
            continue
        if line.strip().lower() in QUIT_WORDS:
            break
        message = translate(
            line,
            user_id=user_id,
            event_id=f"console:{session}:{next(counter)}",
            pending=pending,
            language=language,
        )
        handled += 1
        replies = await handle(message)
        for reply in replies:
            markup, buttons = render(reply, catalogue, attachments_dir)
            console.print(markup)
            console.print()
            pending = buttons
        bare = bare_command(message.text) if message.command is None else None
        if replies and (message.command or (bare[0] if bare else None)) in GREETING_COMMANDS:
            console.print(escape(catalogue.text("console.quit_hint", replies[-1].language)) + "\n")
    return handled
