"""The member commands: every one is described in every language, and the core handles them."""

from __future__ import annotations

import pytest

from bot.commands import MEMBER_COMMANDS
from bot.i18n import LANGUAGES, Catalogue
from bot.questions import QUESTION_COMMANDS


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_command_has_a_description(catalogue: Catalogue, language: str) -> None:
    assert {f"command.{name}" for name in MEMBER_COMMANDS} <= catalogue.keys(language)


def test_question_commands_are_member_commands() -> None:
    assert set(MEMBER_COMMANDS) >= QUESTION_COMMANDS
    assert len(set(MEMBER_COMMANDS)) == len(MEMBER_COMMANDS)
