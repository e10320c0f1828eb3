"""Text safety at the core's edges.

Outgoing: knowledge-base text, event descriptions and model output must never page a whole channel;
a zero-width joiner after the ``@`` (or a look-alike bracket for Slack's ``<!...>`` syntax) keeps the
text readable while no platform treats it as a mention.

Incoming: members' text is cleaned of what no person types and some stores refuse — NUL and other
control characters (PostgreSQL rejects NUL in text) and lone UTF-16 surrogates (not encodable as
UTF-8, so a database or a platform API would fail on them).
"""

from __future__ import annotations

import re

from bot.models import Button, IncomingMessage, Reply

ZWJ = "\u200d"
MASS_MENTION = re.compile(r"@(channel|here|everyone|all)\b", re.IGNORECASE)
SLACK_SPECIAL = re.compile(r"<(!(?:channel|here|everyone|subteam\^[A-Z0-9]+)(?:\|[^>]*)?)>", re.IGNORECASE)
SLACK_USER = re.compile(r"<(@[UW][A-Z0-9]+)(?:\|[^>]*)?>")
# C0 controls but tab, line feed and carriage return; DEL; and the surrogate range (always lone in
# a Python string: a valid pair is one code point).
UNTYPABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def defang(text: str) -> str:
    """Neutralise ``@channel``/``@here``/``@everyone``, ``<!everyone>`` and ``<@U123>`` in ``text``."""
    text = SLACK_SPECIAL.sub(lambda match: f"‹{match.group(1)}›", text)
    text = SLACK_USER.sub(lambda match: f"@{ZWJ}{match.group(1)[1:]}", text)
    return MASS_MENTION.sub(lambda match: f"@{ZWJ}{match.group(1)}", text)


def defang_reply(reply: Reply) -> Reply:
    """A copy of ``reply`` with every text field defanged (text, citations, button labels)."""
    return reply.model_copy(
        update={
            "text": defang(reply.text),
            "citations": [
                c.model_copy(update={"title": defang(c.title), "snippet": defang(c.snippet)})
                for c in reply.citations
            ],
            "buttons": [
                [Button(label=defang(b.label), url=b.url, callback_data=b.callback_data) for b in row]
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
