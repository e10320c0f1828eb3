"""Text safety at the core's edges.

Outgoing: knowledge-base text, event descriptions and model output must never page a whole channel;
a zero-width joiner after the ``@`` keeps the text readable while no platform treats it as a
mention. A platform with mention markup of its own (Slack's ``<!channel>``) escapes it first, with
the ``escape_markup`` it declares (``bot.platforms.PlatformCapabilities``).

Incoming: members' text is cleaned of what no person types and some stores refuse — NUL and other
control characters (PostgreSQL rejects NUL in text) and lone UTF-16 surrogates (not encodable as
UTF-8, so a database or a platform API would fail on them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.models import Button, IncomingMessage, Reply
from bot.platforms import no_markup

ZWJ = "\u200d"
MASS_MENTION = re.compile(r"@(channel|here|everyone|all)\b", re.IGNORECASE)
# C0 controls but tab, line feed and carriage return; DEL; and the surrogate range (always lone in
# a Python string: a valid pair is one code point).
UNTYPABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def defang(text: str, escape_markup: Callable[[str], str] = no_markup) -> str:
    """Neutralise the platform's mention markup (``escape_markup``), then ``@channel``, ``@here``,
    ``@everyone`` and ``@all`` in ``text``."""
    return MASS_MENTION.sub(lambda match: f"@{ZWJ}{match.group(1)}", escape_markup(text))


def defang_reply(reply: Reply, escape_markup: Callable[[str], str] = no_markup) -> Reply:
    """A copy of ``reply`` with every text field defanged (text, citations, button labels).

    Args:
        reply: The reply.
        escape_markup: The mention escaping its platform declares.
    """

    def safe(text: str) -> str:
        return defang(text, escape_markup)

    return reply.model_copy(
        update={
            "text": safe(reply.text),
            "citations": [
                c.model_copy(update={"title": safe(c.title), "snippet": safe(c.snippet)})
                for c in reply.citations
            ],
            "buttons": [
                [Button(label=safe(b.label), url=b.url, callback_data=b.callback_data) for b in row]
                for row in reply.buttons
            ],
        }
    )


def clean_text(text: str) -> str:
    """``text`` without NUL, other control characters (tab and line breaks stay) and lone surrogates."""
    return UNTYPABLE.sub("", text)


def clean_message(message: IncomingMessage) -> IncomingMessage:
    """``message`` with every text field cleaned (``clean_text``); the same object when already clean."""
    changes = {
        name: clean_text(value)
        for name, value in message.model_dump().items()
        if isinstance(value, str) and UNTYPABLE.search(value)
    }
    return message.model_copy(update=changes) if changes else message
