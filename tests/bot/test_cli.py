"""The eser-bot command line, run in-process with typer's runner on a small corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from tests.knowledge.conftest import RESOURCE, write

TOPICS = ("cooperatives", "municipalities", "procurement", "missions", "skills", "gateway")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "content"
    for topic in TOPICS:
        write(root / "resources" / f"{topic}.md", RESOURCE.format(topic=topic, slug=topic))
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ESER_CONTENT_DIRS", str(root))
    monkeypatch.delenv("ESER_LLM", raising=False)
    return root


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


def test_chat_answers_piped_questions_and_exits(corpus: Path) -> None:
    result = CliRunner().invoke(
        cli, ["chat", "--ensure-index"], input="What does the missions first section explain?\n/help\n"
    )
    assert result.exit_code == 0, result.output
    assert "https://example.org/missions" in result.stdout and "/events" in result.stdout


def test_bad_setting_is_named(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESER_QUOTA_QUESTIONS", "many")
    result = CliRunner().invoke(cli, ["ask", "x"])
    assert result.exit_code == 2 and "ESER_QUOTA_QUESTIONS" in result.output


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


def test_an_unreachable_database_stops_serve_with_one_line_naming_database_url(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 9 (discard) on the loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("DATABASE_URL", "postgresql://eser:hunter2@127.0.0.1:9/eser")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAHfakeTOKENforTESTSonly-0123456789ab")
    result = CliRunner().invoke(cli, ["serve", "telegram"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "DATABASE_URL" in lines[0] and "127.0.0.1:9/eser" in lines[0] and "hunter2" not in lines[0]
