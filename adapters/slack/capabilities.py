"""What Slack declares to the core (``bot.platforms.PlatformCapabilities``).

``chat.postMessage`` allows one message per second per channel, with no overall limit, and a 429
holds only that channel. Slack's mention markup (``<!channel>``, ``<!here>``, ``<!everyone>``,
``<!subteam^ID>``, ``<@U123>``) would page people from any text the bot repeats, so it is escaped
before the core's plain ``@channel`` check.
"""

from __future__ import annotations

import re

from bot.platforms import PlatformCapabilities, PlatformLimits

ZWJ = "\u200d"
SPECIAL_MENTION = re.compile(r"<(!(?:channel|here|everyone|subteam\^[A-Z0-9]+)(?:\|[^>]*)?)>", re.IGNORECASE)
USER_MENTION = re.compile(r"<(@[UW][A-Z0-9]+)(?:\|[^>]*)?>")


def escape_mentions(text: str) -> str:
    """``text`` with Slack's mention markup made inert but readable.

    ``<!channel>`` becomes ``‹!channel›`` (look-alike brackets) and ``<@U123>`` becomes ``@U123``
    with a zero-width joiner after the ``@``.
    """
    text = SPECIAL_MENTION.sub(lambda match: f"‹{match.group(1)}›", text)
    return USER_MENTION.sub(lambda match: f"@{ZWJ}{match.group(1)[1:]}", text)


def slack_capabilities() -> PlatformCapabilities:
    """Slack's declaration."""
    return PlatformCapabilities(
        name="slack",
        display_name="Slack",
        limits=PlatformLimits(messages_per_second=None, chat_interval=1.0),
        rate_limit_scope="chat",
        escape_markup=escape_mentions,
    )
