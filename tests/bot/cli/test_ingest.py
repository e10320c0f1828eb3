"""``eser-bot ingest``: the summary, failures named by file and line, hostile content reported
and withdrawn, the content policy read from the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import build_cli
from tests.knowledge.conftest import write
from tests.knowledge.poison import ALIAS_BOMB, POISONED_PAGE

cli = build_cli()


def test_ingest_reports_failures_with_file_and_line_and_exits_1(corpus: Path) -> None:
    write(corpus / "funding" / "broken.yaml", "programme: X\nurl: https://x\nbudget: [oops\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == 1, result.output
    assert "broken.yaml:3" in result.output and "malformed YAML" in result.output
    again = runner.invoke(cli, ["ingest", str(corpus / "resources")])
    assert again.exit_code == 0, again.output
    assert "0 chunks embedded" in again.output


def test_ingest_missing_path(corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(corpus / "nope")])
    assert result.exit_code == 2 and "No such file or folder" in result.output


def test_ingest_lists_suspicious_text_with_file_and_line_and_exits_0(small_corpus: Path) -> None:
    write(small_corpus / "resources" / "join.md", POISONED_PAGE)
    result = CliRunner().invoke(cli, ["ingest"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("suspicious ")]
    assert [line.split(": ")[0].rsplit("/", 1)[-1] for line in lines] == [
        "join.md",
        "join.md:10",
        "join.md:15",
        "join.md:19",
        "join.md:20",
    ]
    assert "asks the reader for credentials: “Bitte senden Sie Ihr Passwort" in result.output
    assert "held back from the index" in result.output


def test_a_file_that_starts_failing_is_withdrawn_with_a_warning_and_exit_1(small_corpus: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest"]).exit_code == 0
    bomb = "---\nurl: https://x.eu\n" + ALIAS_BOMB + "---\n# T\n\nx\n"
    write(small_corpus / "resources" / "cooperatives.md", bomb)
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == 1
    assert "alias bomb" in result.output and "cooperatives.md:" in result.output
    assert "withdrawn resources/cooperatives.md: its file failed to load" in result.output


def test_the_allow_list_and_size_limit_come_from_the_settings(
    small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESER_SOURCE_DOMAINS", "europa.eu")
    monkeypatch.setenv("ESER_MAX_FILE_BYTES", "100000")
    big = "---\nurl: https://ec.europa.eu/x\n---\n# Big\n\n" + "Text. " * 20_000
    write(small_corpus / "resources" / "big.md", big)
    result = CliRunner().invoke(cli, ["ingest"])
    assert result.exit_code == 1
    assert result.output.count("example.org is not in ESER_SOURCE_DOMAINS") == 3
    assert "big.md: too large (120 kB; the limit is 100 kB, ESER_MAX_FILE_BYTES)" in result.output
