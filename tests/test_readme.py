"""The README's configuration table lists every setting the code reads."""

from __future__ import annotations

from pathlib import Path

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
