"""The README's configuration table lists every setting the code reads."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bot.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_in_the_configuration_table() -> None:
    table = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    documented = {line.split("`")[1] for line in table}
    settings = {str(field.validation_alias) for field in Settings.model_fields.values()}
    assert settings - documented == set()


def test_the_quick_start_is_the_two_make_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"


# --- every `eser-bot` example in the README's code blocks runs as written ---------------------------

# Commands of the README's code blocks that this test does not run, and why (each must still be in
# the README, so that this list cannot go stale).
NOT_EXECUTED = {
    "eser-bot serve all": "runs until stopped and needs platform tokens; tests/adapters/test_serve*.py "
    "run it against the fake Slack and Telegram servers",
}


def readme_commands() -> list[str]:
    """Each ``eser-bot …`` command of the README's fenced code blocks, continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"^\s*```[a-z]*\n(.*?)^\s*```", text, flags=re.MULTILINE | re.DOTALL)
    commands: list[str] = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            found = re.search(r"(?:^|[\s=/])(eser-bot\s.*)$", line.strip())
            if found:
                words = shlex.split(found.group(1), comments=True)
                commands.append(shlex.join(words))
    return commands


def test_the_readme_has_examples_to_run() -> None:
    commands = readme_commands()
    assert any(command.startswith("eser-bot broadcast send") for command in commands)
    assert any(command.startswith("eser-bot events add") for command in commands)
    assert set(NOT_EXECUTED) <= set(commands)


def test_every_readme_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples run in README order, on a scratch data folder (embedded SQLite and Chroma), from
    the project folder (they name files in it); a confirmation question is answered "y"."""
    from typer.testing import CliRunner

    from bot.cli.main import build_cli

    monkeypatch.chdir(README.parent)
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    for name in (
        "DATABASE_URL",
        "CHROMA_HOST",
        "ESER_LLM",
        "ESER_ORGANISERS",
        "REDIS_URL",
        "ESER_CONTENT_DIRS",
    ):
        monkeypatch.delenv(name, raising=False)
    cli = build_cli()
    runner = CliRunner()
    ran = 0
    for command in readme_commands():
        if command in NOT_EXECUTED:
            continue
        result = runner.invoke(cli, shlex.split(command)[1:], input="y\n")
        assert result.exit_code == 0, f"{command}\n{result.output}"
        assert "Traceback" not in result.output
        ran += 1
    assert ran >= 8
