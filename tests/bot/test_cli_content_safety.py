"""eser-bot ingest reports hostile content; eser-bot ask runs the LLM path with ESER_LLM=fake:FILE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from tests.knowledge.conftest import RESOURCE, write
from tests.knowledge.poison import ALIAS_BOMB, POISONED_PAGE


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "content"
    for topic in ("cooperatives", "municipalities", "procurement"):
        write(root / "resources" / f"{topic}.md", RESOURCE.format(topic=topic, slug=topic))
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ESER_CONTENT_DIRS", str(root))
    for name in ("ESER_LLM", "ESER_SOURCE_DOMAINS", "ESER_MAX_FILE_BYTES"):
        monkeypatch.delenv(name, raising=False)
    return root


def test_ingest_lists_suspicious_text_with_file_and_line_and_exits_0(corpus: Path) -> None:
    write(corpus / "resources" / "join.md", POISONED_PAGE)
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


def test_a_file_that_starts_failing_is_withdrawn_with_a_warning_and_exit_1(corpus: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest"]).exit_code == 0
    bomb = "---\nurl: https://x.eu\n" + ALIAS_BOMB + "---\n# T\n\nx\n"
    write(corpus / "resources" / "cooperatives.md", bomb)
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == 1
    assert "alias bomb" in result.output and "cooperatives.md:" in result.output
    assert "withdrawn resources/cooperatives.md: its file failed to load" in result.output


def test_the_allow_list_and_size_limit_come_from_the_settings(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESER_SOURCE_DOMAINS", "europa.eu")
    monkeypatch.setenv("ESER_MAX_FILE_BYTES", "100000")
    big = "---\nurl: https://ec.europa.eu/x\n---\n# Big\n\n" + "Text. " * 20_000
    write(corpus / "resources" / "big.md", big)
    result = CliRunner().invoke(cli, ["ingest"])
    assert result.exit_code == 1
    assert result.output.count("example.org is not in ESER_SOURCE_DOMAINS") == 3
    assert "big.md: too large (120 kB; the limit is 100 kB, ESER_MAX_FILE_BYTES)" in result.output


def test_ask_uses_a_fake_chat_model_and_still_checks_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
