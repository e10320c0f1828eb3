"""Outgoing-text safety: mass and user mentions that come from content are defanged.

Knowledge-base text, event descriptions and model output must never page a whole channel; a
zero-width joiner after the ``@`` (or a look-alike bracket for Slack's ``<!...>`` syntax) keeps the
text readable while no platform treats it as a mention.
"""

from __future__ import annotations

import re

from bot.models import Button, Reply

ZWJ = "\u200d"
MASS_MENTION = re.compile(r"@(channel|here|everyone|all)\b", re.IGNORECASE)
SLACK_SPECIAL = re.compile(r"<(!(?:channel|here|everyone|subteam\^[A-Z0-9]+)(?:\|[^>]*)?)>", re.IGNORECASE)
SLACK_USER = re.compile(r"<(@[UW][A-Z0-9]+)(?:\|[^>]*)?>")


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
