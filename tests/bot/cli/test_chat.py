"""``eser-bot chat``: piped questions are answered, then the chat ends."""

from __future__ import annotations

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
