"""What the bot says to one member: catalogue text in their language, with their platform's command
syntax (``{cmd}`` is ``/`` on Telegram and the console, ``/eser `` on Slack)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import preferred_language
from bot.models import IncomingMessage, Reply, command_prefix
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


def notice(message: IncomingMessage, text: str, language: str, *, ephemeral: bool = False) -> Reply:
    """A plain reply to ``message``, in its thread."""
    return Reply(text=text, thread_id=message.thread_id, language=language, ephemeral=ephemeral)


def too_long(services: Services, message: IncomingMessage, length: int, language: str) -> Reply:
    """The reply to a text over ``ESER_MAX_QUESTION_CHARS``: how long it was, and the limit."""
    limit = services.settings.max_question_chars
    return notice(
        message, say(services, message, "input.too_long", language, length=length, limit=limit), language
    )
