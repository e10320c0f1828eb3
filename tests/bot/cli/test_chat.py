"""``eser-bot chat``: piped questions are answered, then the chat ends."""

from __future__ import annotations

import getpass
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import build_cli

cli = build_cli()


def test_chat_answers_piped_questions_and_exits(corpus: Path) -> None:
    result = CliRunner().invoke(
        cli, ["chat", "--ensure-index"], input="What does the missions first section explain?\n/help\n"
    )
    assert result.exit_code == 0, result.output
    assert "https://example.org/missions" in result.stdout and "/events" in result.stdout


def test_log_lines_go_to_a_file_not_into_the_chat(corpus: Path, tmp_path: Path) -> None:
    # /newevent by a member who is not an organiser: the refusal is logged as a warning.
    result = CliRunner().invoke(cli, ["chat"], input="/newevent\n")
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.output and "organiser check refused" not in result.output
    log = (tmp_path / "data" / "logs" / "chat.log").read_text()
    assert f"organiser check refused console:{getpass.getuser()} for newevent" in log


def test_verbose_shows_the_log_lines_on_standard_error(corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["chat", "--verbose"], input="/newevent\n")
    assert result.exit_code == 0, result.output
    assert "organiser check refused" in result.stderr and "organiser check refused" not in result.stdout


def test_as_organiser_opens_the_organiser_commands_for_this_session(corpus: Path) -> None:
    organiser = CliRunner().invoke(cli, ["chat", "--as-organiser"], input="/newevent\n/cancel\n")
    assert organiser.exit_code == 0, organiser.output
    assert "Let’s add an event. What is its title?" in organiser.stdout
    member = CliRunner().invoke(cli, ["chat"], input="/newevent\n")  # the next session: a member again
    assert "Only ESER organisers can add events." in member.stdout
