"""Every platform's declaration to the core, for the composition root (``bot.app.build_app``).

All of them, whichever platforms this process serves: a broadcast composed anywhere counts and
reaches the recipients of every platform that takes broadcasts.
"""

from __future__ import annotations

from adapters.console import console_capabilities
from adapters.slack.capabilities import slack_capabilities
from adapters.telegram.capabilities import telegram_capabilities
from bot.platforms import PlatformCapabilities
from bot.settings import Settings


def platform_capabilities(settings: Settings) -> list[PlatformCapabilities]:
    """Telegram (at ``ESER_TELEGRAM_MESSAGES_PER_SECOND``), Slack and the console, in that order."""
    return [
        telegram_capabilities(settings.telegram_messages_per_second),
        slack_capabilities(),
        console_capabilities(),
    ]
