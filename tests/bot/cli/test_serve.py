"""``eser-bot serve``: a bad setting or a malformed database URL stops it with one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import build_cli

cli = build_cli()


@pytest.mark.parametrize(
    ("name", "value"),
    [("ESER_QUESTION_RETENTION_DAYS", "-1"), ("ESER_TELEGRAM_MESSAGES_PER_SECOND", "0")],
)
def test_a_setting_out_of_bounds_stops_serve_with_one_line_naming_it(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["serve", "telegram"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.output


@pytest.mark.parametrize(
    "url", ["postgresql://eser:hunter2@127.0.0.1:notaport/eser", "eser:hunter2 on the db server"]
)
def test_a_malformed_database_url_stops_serve_with_one_line_naming_it(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    # A configuration error is not waited for (an unreachable database is: tests/adapters/test_waiting.py).
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAHfakeTOKENforTESTSonly-0123456789ab")
    result = CliRunner().invoke(cli, ["serve", "telegram"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "DATABASE_URL" in lines[0] and "hunter2" not in lines[0]


def test_cli_names_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "not-a-slack-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "x")
    result = CliRunner().invoke(cli, ["serve", "slack"])
    assert result.exit_code == 2 and "SLACK_BOT_TOKEN" in result.output
    assert CliRunner().invoke(cli, ["serve", "irc"]).exit_code == 2
