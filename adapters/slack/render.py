"""Pure rendering of the core's ``Reply`` as Slack Block Kit: mrkdwn sections for the text, a
context block of numbered source links, actions blocks for link and callback buttons, and a plain
``text`` fallback for notifications.

Every piece of text is escaped (``&``, ``<``, ``>``), so nothing from content can become a
mention, a channel-wide ping or a disguised link; only the links drawn here are real links. Every
block stays within Block Kit's documented limits (3,000 characters per text object, 50 blocks, 10
context elements, 25 actions elements, 75-character button labels), whatever the content: a long
source title is shortened, a link too long to fit is shown as its title alone.

``render_plain`` is the fallback for a message Slack refuses anyway (``invalid_blocks``): the text
with its sources and link buttons as inline links, and only the callback buttons as blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from adapters.slack.translate import CALLBACK_ACTION_PREFIX, LINK_ACTION_PREFIX
from bot.models import Button, Reply
from knowledge.models import Citation

SECTION_LIMIT = 3000  # characters of mrkdwn in one section block
TEXT_LIMIT = 3000  # characters of any one text object (a context element too)
TITLE_LIMIT = 200  # characters of a source title shown in a link
PLAIN_LIMIT = 3900  # characters of a plain-text message (Slack advises under 4,000)
# The one mention the renderer writes itself, when an organiser asked to notify the channel.
CHANNEL_MENTION = "<!channel>"
MAX_BLOCKS = 50  # blocks in one message
HOME_BLOCKS = 100  # blocks in a Home tab view
CONTEXT_ELEMENTS = 10  # elements in one context block
ACTIONS_ELEMENTS = 25  # elements in one actions block
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
URL_LIMIT = 3000
FALLBACK_LIMIT = 3000  # the notification text; the blocks carry the full answer
ELLIPSIS = "…"


@dataclass
class SlackMessage:
    """A message as ``chat.postMessage`` takes it."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as markup (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_url(url: str) -> str:
    """``url`` with the characters that would end or split a ``<url|label>`` link percent-encoded."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")[:URL_LIMIT]


def link(url: str, label: str) -> str:
    """A mrkdwn link ``<url|label>`` whose label cannot break out of it."""
    # A "|" in the label is harmless to Slack after the first one, but a look-alike keeps the
    # link syntax unambiguous for every client that re-parses it.
    return f"<{safe_url(url).replace('&', '&amp;')}|{escape(label).replace('|', '∣')}>"


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split ``text`` into escaped chunks of at most ``limit`` characters, at paragraph, line or
    word boundaries where possible and never inside an escape such as ``&amp;``."""
    chunks: list[str] = []
    current = ""
    for piece in re.split(r"(\n\n|\n| )", text):
        escaped = escape(piece)
        if len(current) + len(escaped) <= limit:
            current += escaped
            continue
        if current.strip():
            chunks.append(current.rstrip())
        current = "" if piece.isspace() else escaped
        while len(current) > limit:  # one "word" longer than a section
            cut = _safe_cut(current, limit)
            chunks.append(current[:cut])
            current = current[cut:]
    if current.strip():
        chunks.append(current.rstrip())
    return chunks


def _safe_cut(escaped: str, limit: int) -> int:
    amp = escaped.rfind("&", max(0, limit - 5), limit)
    if amp != -1 and ";" not in escaped[amp:limit]:
        return amp
    return limit


def section(mrkdwn: str) -> dict[str, Any]:
    """A section block of mrkdwn text (already escaped)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def fitted_link(url: str, label: str, limit: int = TEXT_LIMIT) -> str:
    """A link whose label is at most ``TITLE_LIMIT`` characters, within ``limit`` characters in all;
    a URL too long for that is left out and the label shown alone."""
    label = shorten(label, TITLE_LIMIT)
    drawn = link(url, label)
    return drawn if len(drawn) <= limit else escape(label)


def source_blocks(citations: Sequence[Citation], label: str) -> list[dict[str, Any]]:
    """Context blocks listing ``*Sources*`` and one numbered link per citation."""
    elements = [{"type": "mrkdwn", "text": f"*{escape(shorten(label, TITLE_LIMIT))}*"}]
    for citation in citations:
        elements.append(
            {"type": "mrkdwn", "text": fitted_link(citation.url, f"[{citation.n}] {citation.title}")}
        )
    return [
        {"type": "context", "elements": elements[start : start + CONTEXT_ELEMENTS]}
        for start in range(0, len(elements), CONTEXT_ELEMENTS)
    ]


def button_element(button: Button, index: int) -> dict[str, Any]:
    """A Block Kit button: a link button, or a callback button whose ``value`` is the callback data."""
    label = (
        button.label
        if len(button.label) <= BUTTON_LABEL_LIMIT
        else button.label[: BUTTON_LABEL_LIMIT - 1] + ELLIPSIS
    )
    element: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": label, "emoji": True}}
    if button.url:
        element["action_id"] = f"{LINK_ACTION_PREFIX}{index}"
        element["url"] = safe_url(button.url)  # at most URL_LIMIT characters
    else:
        element["action_id"] = f"{CALLBACK_ACTION_PREFIX}{index}"
        element["value"] = (button.callback_data or "")[:BUTTON_VALUE_LIMIT]
    return element


def action_blocks(rows: Sequence[Sequence[Button]]) -> list[dict[str, Any]]:
    """Actions blocks: all link buttons together (Slack wraps them), then each row of callback
    buttons (such as 👍/👎) as a row of its own."""
    links = [button for row in rows for button in row if button.url]
    callback_rows = [[button for button in row if not button.url] for row in rows]
    index = 0
    blocks: list[dict[str, Any]] = []
    for start in range(0, len(links), ACTIONS_ELEMENTS):
        elements = []
        for button in links[start : start + ACTIONS_ELEMENTS]:
            elements.append(button_element(button, index))
            index += 1
        blocks.append({"type": "actions", "elements": elements})
    for row in callback_rows:
        for start in range(0, len(row), ACTIONS_ELEMENTS):
            elements = []
            for button in row[start : start + ACTIONS_ELEMENTS]:
                elements.append(button_element(button, index))
                index += 1
            blocks.append({"type": "actions", "elements": elements})
    return blocks


def render_reply(reply: Reply, *, sources_label: str, notes: Sequence[str] = ()) -> SlackMessage:
    """Render ``reply`` as a Block Kit message.

    Args:
        reply: What the core wants said.
        sources_label: The "Sources" heading in ``reply.language``.
        notes: Extra short lines (already translated) shown in a context block under the text.

    Returns:
        Blocks within Slack's limits (text sections are cut when the 50 blocks would be exceeded)
        and the escaped plain-text fallback.
    """
    tail: list[dict[str, Any]] = []
    if notes:
        elements = [{"type": "mrkdwn", "text": shorten(escape(note), TEXT_LIMIT)} for note in notes]
        tail.append({"type": "context", "elements": elements[:CONTEXT_ELEMENTS]})
    if reply.citations:
        tail.extend(source_blocks(reply.citations, sources_label))
    tail.extend(action_blocks(reply.buttons))
    tail = tail[: MAX_BLOCKS - 1]
    chunks = split_text(reply.text) or [escape(ELLIPSIS)]
    if reply.notify_channel:
        chunks[0] = f"{CHANNEL_MENTION} {chunks[0]}"
    room = MAX_BLOCKS - len(tail)
    if len(chunks) > room:
        chunks = chunks[:room]
        last = chunks[-1]
        chunks[-1] = last[: SECTION_LIMIT - 1] + ELLIPSIS if len(last) >= SECTION_LIMIT else last + ELLIPSIS
    fallback = escape(reply.text)
    if len(fallback) > FALLBACK_LIMIT:
        fallback = fallback[: _safe_cut(fallback, FALLBACK_LIMIT - 1)] + ELLIPSIS
    if reply.notify_channel:
        fallback = f"{CHANNEL_MENTION} {fallback}"
    return SlackMessage(text=fallback, blocks=[*(section(chunk) for chunk in chunks), *tail])


def render_plain(reply: Reply, *, sources_label: str) -> SlackMessage:
    """``reply`` as mrkdwn text with its sources and link buttons inline; callback buttons (if any)
    stay as actions blocks. Sent when Slack refuses the Block Kit version."""
    links = [fitted_link(c.url, f"[{c.n}] {c.title}") for c in reply.citations]
    if links:
        links.insert(0, f"*{escape(sources_label)}*")
    links += [fitted_link(b.url, b.label) for row in reply.buttons for b in row if b.url]
    tail = "\n".join(links)
    room = PLAIN_LIMIT - len(tail) - 2
    body = escape(reply.text)
    if len(body) > room:
        body = body[: _safe_cut(body, max(room - 1, 1))] + ELLIPSIS
    text = f"{body}\n\n{tail}" if tail else body
    if reply.notify_channel:
        text = f"{CHANNEL_MENTION} {text}"
    blocks = action_blocks([[b for b in row if not b.url] for row in reply.buttons])
    return SlackMessage(text=text, blocks=blocks[:MAX_BLOCKS])


def render_home(title: str, paragraphs: Sequence[str]) -> dict[str, Any]:
    """The App Home view: a header and the guide's paragraphs (plain text, escaped here)."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    for paragraph in paragraphs:
        blocks.extend(section(chunk) for chunk in split_text(paragraph))
        blocks.append({"type": "divider"})
    if blocks[-1]["type"] == "divider":
        blocks.pop()
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS]}
