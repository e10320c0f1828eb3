"""``Reply`` -> what Telegram is sent: pure functions, tested without any network.

Answers go out as HTML (``parse_mode=HTML``) with every piece of text escaped; the ``[n]`` markers
stay in the text and the citations follow under a "Sources" heading as numbered links. Buttons
become an inline keyboard; attachments become documents. Each part also carries a plain-text twin,
sent when Telegram cannot parse the HTML.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.models import Attachment, Button, Reply
from knowledge.models import Citation

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # Telegram's maximum message length
CALLBACK_DATA_LIMIT = 64  # bytes
TOAST_LIMIT = 200  # answerCallbackQuery text
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
URL = re.compile(r"https?://\S+")
LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
# How an over-long paragraph is cut: into lines first, then into words.
FINER_SEPARATORS = ("\n", " ")


@dataclass(frozen=True)
class TextPart:
    """One ``sendMessage``: the HTML text, its plain-text twin and the keyboard (last part only).

    ``fallback`` and ``fallback_keyboard`` are what is sent when Telegram refuses the message for
    something other than its markup (a link button's URL, say): the plain text with the link
    buttons written inline, and the callback buttons alone.
    """

    html: str
    plain: str
    keyboard: InlineKeyboardMarkup | None = None
    fallback: str = ""
    fallback_keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class RenderedReply:
    """Everything needed to send one ``Reply`` to a chat.

    Attributes:
        parts: The text messages, in order; the keyboard rides on the last one.
        documents: Files sent after the text (e.g. an ``.ics`` calendar).
        reply_to: Message id to answer as a reply, if any.
        disable_preview: True when the text holds several links (a preview would pick one at random).
        ephemeral: The core wants only the asker to see it (a callback answer, when there is one).
        toast: Short plain text for ``answerCallbackQuery``.
    """

    parts: tuple[TextPart, ...]
    documents: tuple[Attachment, ...]
    reply_to: int | None
    disable_preview: bool
    ephemeral: bool
    toast: str


def render(reply: Reply, *, sources_heading: str) -> RenderedReply:
    """Render ``reply`` for Telegram.

    Args:
        reply: What the core wants said.
        sources_heading: The "Sources" heading in the reply's language.

    Returns:
        The messages, keyboard and documents to send.
    """
    atoms = _text_atoms(reply.text.strip(), MESSAGE_LIMIT)
    if reply.citations:
        atoms.extend(_source_atoms(reply.citations, sources_heading))
    chunks = _pack(atoms, MESSAGE_LIMIT)
    keyboard = keyboard_markup(reply.buttons)
    last = len(chunks) - 1
    parts = tuple(
        TextPart(
            html=chunk,
            plain=to_plain(chunk),
            keyboard=keyboard if i == last else None,
            fallback=with_links_inline(to_plain(chunk), reply.buttons) if i == last else to_plain(chunk),
            fallback_keyboard=(
                keyboard_markup([[b for b in row if not b.url] for row in reply.buttons])
                if i == last
                else None
            ),
        )
        for i, chunk in enumerate(chunks)
    )
    links = len(reply.citations) + len(URL.findall(reply.text))
    thread = reply.thread_id
    return RenderedReply(
        parts=parts,
        documents=tuple(reply.attachments),
        reply_to=int(thread) if thread and thread.isdigit() else None,
        disable_preview=links > 1,
        ephemeral=reply.ephemeral,
        toast=shorten(reply.text.strip(), TOAST_LIMIT),
    )


def keyboard_markup(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """Link and callback buttons as an inline keyboard, one row per row.

    A callback payload longer than Telegram's 64 bytes cannot be sent; such a button is left out
    (and logged) rather than losing the whole answer to a 400.
    """
    keyboard: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons: list[InlineKeyboardButton] = []
        for button in row:
            if button.url:
                buttons.append(InlineKeyboardButton(button.label, url=button.url))
            elif button.callback_data:
                if len(button.callback_data.encode()) > CALLBACK_DATA_LIMIT:
                    log.warning("callback data over 64 bytes left out: %r", button.callback_data)
                    continue
                buttons.append(InlineKeyboardButton(button.label, callback_data=button.callback_data))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def with_links_inline(plain: str, rows: list[list[Button]]) -> str:
    """``plain`` followed by one ``label: url`` line per link button, within one message."""
    lines = "\n".join(f"{button.label}: {button.url}" for row in rows for button in row if button.url)
    if not lines:
        return plain
    room = MESSAGE_LIMIT - utf16_len(lines) - 2
    if utf16_len(plain) > room:
        plain = shorten(plain, max(room - 1, 1))
    return f"{plain}\n\n{lines}" if plain else lines


def to_plain(html_text: str) -> str:
    """The plain-text twin of our own HTML: links become ``title (url)``, tags go, entities unescape."""
    text = LINK.sub(lambda match: f"{match.group(2)} ({match.group(1)})", html_text)
    return html.unescape(TAG.sub("", text))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


# --- splitting ------------------------------------------------------------------------------------
# An "atom" is (separator before it, escaped HTML that must not be cut). Paragraphs are atoms; a
# paragraph too long for one message becomes lines, then words, then characters.
Atom = tuple[str, str]


def _text_atoms(text: str, limit: int) -> list[Atom]:
    atoms: list[Atom] = []
    for paragraph in PARAGRAPH_BREAK.split(text):
        if paragraph:
            atoms.extend(_fit(paragraph, "\n\n", limit, 0))
    return atoms


def _fit(text: str, separator: str, limit: int, level: int) -> list[Atom]:
    escaped = html.escape(text, quote=False)
    if utf16_len(escaped) <= limit:
        return [(separator, escaped)]
    if level == len(FINER_SEPARATORS):
        return _cut(text, separator, limit)
    finer = FINER_SEPARATORS[level]
    atoms: list[Atom] = []
    for i, piece in enumerate(text.split(finer)):
        atoms.extend(_fit(piece, separator if i == 0 else finer, limit, level + 1))
    return atoms


def _cut(text: str, separator: str, limit: int) -> list[Atom]:
    """A word longer than a message (a pasted blob): cut it between characters."""
    atoms: list[Atom] = []
    current = ""
    for char in text:
        if utf16_len(html.escape(current + char, quote=False)) > limit:
            atoms.append((separator if not atoms else "", html.escape(current, quote=False)))
            current = ""
        current += char
    atoms.append((separator if not atoms else "", html.escape(current, quote=False)))
    return atoms


def _source_atoms(citations: list[Citation], heading: str) -> list[Atom]:
    lines = [
        f'[{c.n}] <a href="{html.escape(c.url, quote=True)}">{html.escape(c.title, quote=False)}</a>'
        for c in citations
    ]
    # The heading travels with the first source so that it never ends a message on its own.
    first = f"<b>{html.escape(heading, quote=False)}</b>\n{lines[0]}"
    return [("\n\n", first), *(("\n", line) for line in lines[1:])]


def _pack(atoms: list[Atom], limit: int) -> list[str]:
    """Join atoms greedily into messages of at most ``limit`` UTF-16 units."""
    chunks: list[str] = []
    current = ""
    for separator, atom in atoms:
        if not current:
            current = atom
        elif utf16_len(current + separator + atom) <= limit:
            current += separator + atom
        else:
            chunks.append(current)
            current = atom
    if current:
        chunks.append(current)
    return chunks
