"""What every command shares: a bad setting is named before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import build_cli

cli = build_cli()


def test_bad_setting_is_named(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESER_QUOTA_QUESTIONS", "many")
    result = CliRunner().invoke(cli, ["ask", "x"])
    assert result.exit_code == 2 and "ESER_QUOTA_QUESTIONS" in result.output
