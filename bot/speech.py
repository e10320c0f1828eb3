"""What the bot says to one member: catalogue text in their language, with their platform's command
syntax (``{cmd}`` is ``/`` on Telegram and the console, ``/eser `` on Slack)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import preferred_language
from bot.models import IncomingMessage, command_prefix
from bot.services import Services


async def member_language(services: Services, message: IncomingMessage) -> str:
    """The member's language: their profile's choice, else their platform's, else English."""
    context = await services.members.context(message.platform, message.user_id)
    return preferred_language(context.language, message.language_hint)


def say(
    services: Services,
    message: IncomingMessage,
    key: str,
    language: str,
    values: Mapping[str, object] | None = None,
    **extra: object,
) -> str:
    """The catalogue text ``key`` in ``language`` for the member who sent ``message``.

    The template is fetched bare and formatted here, so that a placeholder may itself be called
    ``language`` (the onboarding flow's fields are).
    """
    filled = {"cmd": command_prefix(message.platform), **(values or {}), **extra}
    return services.catalogue.text(key, language).format(**filled)
