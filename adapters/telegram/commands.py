"""The bot's command menu (``setMyCommands``): one list per language, descriptions from the catalogue.

The menu is data: a command appears once its ``command.<name>`` key exists in the English catalogue,
so a feature adds its command by adding the name to ``bot.commands.MEMBER_COMMANDS`` and its key to
the catalogues.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.commands import MEMBER_COMMANDS, ORGANISER_COMMANDS
from bot.i18n import LANGUAGES, Catalogue

log = logging.getLogger(__name__)

BOT_COMMANDS = MEMBER_COMMANDS
DESCRIPTION_LIMIT = 256


def command_menu(
    catalogue: Catalogue, language: str, commands: Sequence[str] = BOT_COMMANDS
) -> list[BotCommand]:
    """The commands with a catalogue description, described in ``language``.

    Args:
        catalogue: The message catalogues.
        language: One of ``bot.i18n.LANGUAGES``.
        commands: Which commands (the members' by default).

    Returns:
        The menu, in ``commands`` order.
    """
    known = catalogue.keys("en")
    return [
        BotCommand(name, catalogue.text(f"command.{name}", language)[:DESCRIPTION_LIMIT])
        for name in commands
        if f"command.{name}" in known
    ]


async def register_organiser_commands(bot: Bot, catalogue: Catalogue, chat_ids: Iterable[str]) -> None:
    """Give each organiser's private chat a menu that adds ``/newevent`` and ``/announce``.

    The server still checks the role at every step: the menu only saves organisers typing. A
    failure is logged, not raised.
    """
    commands = (*BOT_COMMANDS, *ORGANISER_COMMANDS)
    for chat_id in chat_ids:
        scope = BotCommandScopeChat(int(chat_id))
        try:
            await bot.set_my_commands(command_menu(catalogue, "en", commands), scope=scope)
            for language in LANGUAGES:
                await bot.set_my_commands(
                    command_menu(catalogue, language, commands), scope=scope, language_code=language
                )
        except (TelegramError, ValueError) as error:
            log.warning("could not set the organiser menu of chat %s: %s", chat_id, error)


async def register_commands(bot: Bot, catalogue: Catalogue) -> None:
    """Set the default (English) menu and one per supported language.

    A failure is logged, not raised: the bot answers commands whether or not the menu shows them.
    """
    try:
        await bot.set_my_commands(command_menu(catalogue, "en"))
        for language in LANGUAGES:
            await bot.set_my_commands(command_menu(catalogue, language), language_code=language)
    except TelegramError as error:
        log.warning("could not register the Telegram command menu: %s", error)
