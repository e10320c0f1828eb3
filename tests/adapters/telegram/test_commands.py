"""The command menu: data-driven from ``BOT_COMMANDS`` and the catalogue, one list per language."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po
from telegram import Bot

from adapters.telegram.commands import (
    BOT_COMMANDS,
    command_menu,
    register_commands,
    register_organiser_commands,
)
from bot.i18n import LANGUAGES, LOCALES_DIR, Catalogue
from tests.fakes.telegram_server import FakeTelegramServer

BASE_COMMANDS = ["start", "help", "ask", "events", "funding", "join", "feedback"]


def test_menu_lists_the_commands_the_catalogue_describes(catalogue: Catalogue) -> None:
    names = [command.command for command in command_menu(catalogue, "fr")]
    assert names[: len(BASE_COMMANDS)] == BASE_COMMANDS
    assert names == [name for name in BOT_COMMANDS if f"command.{name}" in catalogue.keys("en")]
    for command in command_menu(catalogue, "de"):
        assert command.description == catalogue.text(f"command.{command.command}", "de")


def test_a_command_appears_exactly_when_its_key_exists(tmp_path: Path) -> None:
    # Copies of the shipped catalogues, first without command.profile, then with it again.
    for language in LANGUAGES:
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.delete("command.profile")
        with (folder / "messages.po").open("wb") as handle:
            write_po(handle, catalog)
    before = [command.command for command in command_menu(Catalogue(tmp_path), "en")]
    assert "profile" not in before
    english = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    with english.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    catalog.add("command.profile", "Your profile: country, region, organisation")
    with english.open("wb") as handle:
        write_po(handle, catalog)
    after = command_menu(Catalogue(tmp_path), "pl")
    assert [command.command for command in after] == [
        n for n in BOT_COMMANDS if n in before or n == "profile"
    ]
    assert "Your profile: country, region, organisation" in [command.description for command in after]


async def test_register_sets_the_default_and_every_language(catalogue: Catalogue) -> None:
    async with FakeTelegramServer() as server, Bot(server.token, base_url=server.base_url) as bot:
        await register_commands(bot, catalogue)
    assert set(server.commands) == {None, *LANGUAGES}
    for language in LANGUAGES:
        menu = server.commands[language]
        assert [entry["command"] for entry in menu][: len(BASE_COMMANDS)] == BASE_COMMANDS
        assert {entry["description"] for entry in menu} == {
            command.description for command in command_menu(catalogue, language)
        }
    assert server.commands[None] == server.commands["en"]
    assert server.commands["fr"] != server.commands["en"]


async def test_a_failing_menu_does_not_stop_the_bot(catalogue: Catalogue) -> None:
    async with FakeTelegramServer() as server, Bot(server.token, base_url=server.base_url) as bot:
        server.fail("setMyCommands", 400, "Bad Request: BOT_COMMAND_INVALID")
        await register_commands(bot, catalogue)  # logged, not raised
    assert [call.status for call in server.calls_to("setMyCommands", ok_only=False)] == [400]


async def test_organisers_get_their_own_menu_with_the_organiser_commands(catalogue: Catalogue) -> None:
    async with FakeTelegramServer() as server, Bot(server.token, base_url=server.base_url) as bot:
        await register_commands(bot, catalogue)
        await register_organiser_commands(bot, catalogue, ["4242"])
    members = [entry["command"] for entry in server.commands[None]]
    organiser = [entry["command"] for entry in server.chat_commands[(4242, None)]]
    assert "announce" not in members and "newevent" not in members
    assert organiser == [*members, "newevent", "announce", "handoff", "web"]
    polish = {entry["command"]: entry["description"] for entry in server.chat_commands[(4242, "pl")]}
    assert polish["announce"] == catalogue.text("command.announce", "pl")
    assert {language for chat, language in server.chat_commands if chat == 4242} == {None, *LANGUAGES}
