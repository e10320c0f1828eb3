"""Who may change what a shared channel receives: the platform decides, the core asks here.

Each running adapter registers a ``ChannelAuthority`` in ``Services.channel_authorities`` under its
platform name (Slack: the channel's creator or a workspace admin/owner; Telegram: the group's creator
or an administrator). Without one (the console) nobody manages a channel.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class ChannelAuthority(Protocol):
    """Answers whether a member manages a channel or group, by asking the platform."""

    async def can_manage(self, chat_id: str, user_id: str) -> bool:
        """True when ``user_id`` may subscribe or unsubscribe channel ``chat_id``.

        Implementations answer False (and log why) when the platform cannot tell.
        """
        ...


async def may_manage(
    authorities: dict[str, ChannelAuthority], platform: str, chat_id: str, user_id: str, action: str
) -> bool:
    """Check a channel action on the server; every refusal is logged (who, where, what).

    Args:
        authorities: The authorities registered by the running adapters, by platform.
        platform: Where the channel is.
        chat_id: The channel or group.
        user_id: Who asks.
        action: What they asked for (for the log).
    """
    authority = authorities.get(platform)
    allowed = False
    if authority is None:
        log.warning("no channel authority for %s: %s refused", platform, action)
    else:
        try:
            allowed = await authority.can_manage(chat_id, user_id)
        except Exception:
            log.exception("channel check of %s:%s in %s failed", platform, user_id, chat_id)
    if not allowed:
        log.warning("channel check refused %s:%s for %s in %s", platform, user_id, action, chat_id)
    return allowed
