"""Prompt templates are files in prompts/, loaded by name."""

from pathlib import Path

import pytest

from knowledge.prompts import load_prompt


def test_templates_have_their_placeholders() -> None:
    assert "{passages}" in load_prompt("answer") and "{language_name}" in load_prompt("answer")
    assert "{history}" in load_prompt("condense") and "{question}" in load_prompt("condense")


def test_missing_template_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="'nope'"):
        load_prompt("nope", tmp_path)
