"""What Telegram declares to the core (``bot.platforms.PlatformCapabilities``).

Telegram's broadcast limits: about 30 messages per second per bot (more when Telegram raised the
bot's limit, ``ESER_TELEGRAM_MESSAGES_PER_SECOND``), one per second to a chat and 20 per minute to a
group. A flood wait (429) is per bot as well as per chat, so it holds every send.
"""

from __future__ import annotations

from bot.platforms import PlatformCapabilities, PlatformLimits


def is_group_chat(chat_id: str) -> bool:
    """Telegram groups and supergroups have negative ids."""
    return chat_id.startswith("-")


def telegram_capabilities(messages_per_second: float) -> PlatformCapabilities:
    """Telegram's declaration, at ``messages_per_second`` overall."""
    return PlatformCapabilities(
        name="telegram",
        display_name="Telegram",
        limits=PlatformLimits(messages_per_second=messages_per_second, chat_interval=1.0, group_interval=3.0),
        rate_limit_scope="platform",
        is_group=is_group_chat,
    )
