"""``eser-bot gaps``: the knowledge gaps of the last days as a table, from the real database."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from typer.testing import CliRunner

from bot.cli.main import build_cli
from bot.i18n import Catalogue
from bot.store.base import utcnow
from tests.bot.gaps.conftest import app_with_model
from tests.bot.gaps.records import record
from tests.conftest import Clock

cli = build_cli()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "160")  # a wide terminal: one line per gap
    for name in ("DATABASE_URL", "CHROMA_HOST", "ESER_LLM", "ESER_CONTENT_DIRS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def store_questions(data_dir: Path, embeddings: Embeddings, catalogue: Catalogue) -> None:
    """Questions of the last days, as the running bot would have recorded them (on the real clock)."""

    async def main() -> None:
        now = utcnow()
        app = await app_with_model(data_dir, embeddings, catalogue, Clock(now))
        try:
            for days, question, language in [
                (1, "how do I get money for a coop?", "en"),
                (2, "What funding is there for cooperatives?", "en"),
                (3, "Which grants can a cooperative apply for?", "en"),
                (12, "Where can I park my car near the conference?", "en"),
            ]:
                await record(
                    app, question, at=now - timedelta(days=days), language=language, decline="unknown"
                )
            await record(
                app, "Is there parking at the venue in Brussels?", at=now - timedelta(days=1), vote=-1
            )
        finally:
            await app.close()

    asyncio.run(main())


def test_gaps_prints_a_table_of_the_biggest_gaps(
    data_dir: Path, embeddings: Embeddings, catalogue: Catalogue
) -> None:
    store_questions(data_dir, embeddings, catalogue)
    result = CliRunner().invoke(cli, ["gaps", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "Knowledge gaps" in result.output and "example question" in result.output
    rows = [line for line in result.output.splitlines() if line.startswith("│")]
    first, second = rows[0], rows[1]  # one row per gap, biggest first (the header has its own lines)
    assert [cell.strip() for cell in first.split("│")[1:5]] == ["1", "3", "0", "en"]
    assert [cell.strip() for cell in second.split("│")[1:5]] == ["2", "1", "1", "en"]
    assert "Is there parking at the venue in Brussels?" in second
    assert "park my car" not in result.output  # asked 12 days ago

    wider = CliRunner().invoke(cli, ["gaps", "--days", "30", "--limit", "1"])
    assert (
        wider.exit_code == 0
        and len([line for line in wider.output.splitlines() if line.startswith("│")]) == 1
    )


def test_no_gaps_is_said_plainly(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["gaps"])
    assert result.exit_code == 0 and "No knowledge gaps" in result.output


def test_a_bad_number_of_days_is_refused(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["gaps", "--days", "0"])
    assert result.exit_code == 2 and "--days" in result.output


def test_a_gap_becomes_a_draft_card_from_the_command_line(
    data_dir: Path, embeddings: Embeddings, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESER_ORGANISERS", "telegram:100")
    store_questions(data_dir, embeddings, catalogue)
    refused = CliRunner().invoke(cli, ["gaps", "--draft", "1"])
    assert refused.exit_code == 2 and "--answer" in refused.output
    answer = "Look at the ESF+ calls of your region and at the EaSI programme."
    result = CliRunner().invoke(
        cli,
        [
            "gaps",
            "--draft",
            "1",
            "--answer",
            answer,
            "--as",
            "telegram:100",
            "--source",
            "https://example.org/f",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Draft card organisers-gap-" in result.output and "eser-bot cards publish" in result.output
    drafts = CliRunner().invoke(cli, ["cards", "drafts"])
    assert "organisers-gap-" in drafts.output and "draft" in drafts.output
    missing = CliRunner().invoke(cli, ["gaps", "--draft", "9", "--answer", answer, "--as", "telegram:100"])
    assert missing.exit_code == 1 and "no gap 9" in missing.output
