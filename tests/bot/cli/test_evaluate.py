"""``eser-bot eval``: a question set reported per language group; an unknown set named."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import build_cli

cli = build_cli()


def test_eval_reports_each_language_group_of_a_question_set(corpus: Path, tmp_path: Path) -> None:
    questions = tmp_path / "tiny.yaml"
    questions.write_text(
        "- question: What does the skills first section explain?\n"
        "  expected: [resources/skills.md]\n"
        "  fact: skills\n"
        "- question: Que dit la première section sur les coopératives ?\n"
        "  language: fr\n"
        "  expected: [resources/cooperatives.md]\n"
        "  fact: cooperatives\n"
        "- question: Write me a poem about the sea.\n"
        "  answerable: false\n"
        "  decline: out_of_scope\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["eval", "--set", str(questions), "--misses"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2 answerable, 1 unanswerable" in result.output
    english = next(line for line in result.output.splitlines() if "English" in line)
    assert "1/1" in english and "1/1 (1)" in english  # found, stated, and the poem declined as out of scope
    assert any("fr/de/es/it/pl" in line for line in result.output.splitlines())


def test_eval_names_an_unknown_set(corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "--set", "nope"])
    assert result.exit_code == 2 and "No question set 'nope'" in result.output
