"""What each platform declares to the core, so that the core never branches on a platform's name.

Every adapter (``adapters.telegram``, ``adapters.slack``, ``adapters.console``) describes itself
with one ``PlatformCapabilities``; the composition root (``bot.app.build_app``) keeps them in
``Services.platforms``, and the core reads them there: the broadcast pacer its sending limits and
group chats, the delivery worker what a 429 holds up, the safety pass the platform's own mention
markup, the reports the platform's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

RateLimitScope = Literal["platform", "chat"]


@dataclass(frozen=True)
class PlatformLimits:
    """A platform's sending limits.

    Attributes:
        messages_per_second: Overall rate; None when only per-chat limits apply.
        chat_interval: Seconds between two messages to one chat.
        group_interval: Seconds between two messages to one group chat; None when groups are
            like other chats.
    """

    messages_per_second: float | None
    chat_interval: float
    group_interval: float | None = None


def no_groups(chat_id: str) -> bool:
    """For platforms whose group chats have no limits of their own: never a group."""
    return False


def no_markup(text: str) -> str:
    """For platforms with no mention syntax beyond ``@name``: ``text`` unchanged."""
    return text


@dataclass(frozen=True)
class PlatformCapabilities:
    """What one platform declares.

    Attributes:
        name: The platform's name in targets and messages (``telegram``, ``slack``, ``console``).
        display_name: How people call it (delivery reports).
        limits: Its sending limits; None when it takes no messages on the bot's own initiative
            (the console), so broadcasts neither count nor send there.
        rate_limit_scope: What a 429 holds up: ``platform`` (every send, when the platform's limit
            is per bot as well as per chat) or ``chat`` (only the chat it was for).
        is_group: True when a chat id names a group chat (paced by ``limits.group_interval``).
        escape_markup: Neutralises the platform's own mention markup in outgoing text, keeping it
            readable (the core then defangs plain ``@channel``-style mentions on every platform).
        buttons: Whether replies' buttons are shown (as buttons, or numbered like the console's);
            without them guided chats list their choices as numbered lines.
        question_quota: Whether members' questions count against the question quota (the console,
            a local operator at the bot's own terminal, is exempt).
        language_source: Where a member's first language comes from, as onboarding says it
            (``app``: the platform's app settings; ``terminal``: the terminal's ``LANG``).
    """

    name: str
    display_name: str
    limits: PlatformLimits | None
    rate_limit_scope: RateLimitScope = "chat"
    is_group: Callable[[str], bool] = no_groups
    escape_markup: Callable[[str], str] = no_markup
    buttons: bool = True
    question_quota: bool = True
    language_source: Literal["app", "terminal"] = "app"

    @property
    def broadcasts(self) -> bool:
        """True when the platform takes messages on the bot's own initiative."""
        return self.limits is not None
