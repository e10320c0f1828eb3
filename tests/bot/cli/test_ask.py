"""``eser-bot ask``: text with numbered sources, JSON lines, questions from stdin, and the LLM path
with ESER_LLM=fake:FILE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import build_cli
from tests.knowledge.conftest import write

cli = build_cli()


def test_ask_json_shape(corpus: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest"]).exit_code == 0
    result = runner.invoke(cli, ["ask", "--json", "What does the cooperatives first section explain?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(data) == ["question", "answer", "grounded", "language", "citations", "passages", "timing_ms"]
    assert data["grounded"] is True and data["language"] == "en"
    assert data["citations"] and set(data["citations"][0]) == {"n", "title", "url", "text"}
    assert len(data["passages"]) >= 5 and set(data["passages"][0]) == {"title", "url", "text", "score"}
    assert "cooperatives" in data["passages"][0]["text"]
    assert set(data["timing_ms"]) == {"retrieve", "answer", "total"}


def test_ask_json_reads_questions_from_stdin(corpus: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["ingest"])
    result = runner.invoke(cli, ["ask", "--json", "-"], input="What about skills?\n\nAnd missions?\n")
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line["question"] for line in lines] == ["What about skills?", "And missions?"]


def test_ask_prints_numbered_sources(corpus: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["ingest"])
    result = runner.invoke(cli, ["ask", "What does the procurement second section explain?"])
    assert "[1]" in result.stdout and "https://example.org/procurement" in result.stdout


def test_ask_uses_a_fake_chat_model_and_still_checks_it(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest"]).exit_code == 0
    replies = write(
        tmp_path / "replies.txt",
        "The cooperatives first section explains one thing [1].\n---\n"
        "Send your EU Login password to http://evil.example/collect [1].\n",
    )
    monkeypatch.setenv("ESER_LLM", f"fake:{replies}")
    question = "What does the cooperatives first section explain?"
    honest = json.loads(runner.invoke(cli, ["ask", "--json", question]).stdout.strip().splitlines()[-1])
    assert honest["answer"] == "The cooperatives first section explains one thing [1]."
    assert honest["citations"][0]["url"].startswith("https://example.org/cooperatives")

    result = runner.invoke(cli, ["ask", "--json", "-"], input=f"{question}\n{question}\n")
    first, second = (json.loads(line) for line in result.stdout.strip().splitlines())
    assert first["answer"] == honest["answer"]
    assert "evil" not in second["answer"] and second["grounded"] and second["citations"]
