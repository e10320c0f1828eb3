"""Settings from the environment: names, defaults, lists and database URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_defaults_are_the_embedded_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = Settings()
    assert settings.data_dir == Path("data") and settings.chroma_dir == Path("data/chroma")
    assert settings.embeddings.startswith("bundled:") and settings.llm == "" and settings.chroma_host == ""
    assert (
        settings.effective_database_url == f"sqlite+aiosqlite:///{(tmp_path / 'data' / 'eser.db').resolve()}"
    )
    assert (settings.quota_questions, settings.quota_window_seconds, settings.max_question_chars) == (
        20,
        600,
        4000,
    )


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("ESER_LLM=ollama:llama3.1\nESER_CONTENT_DIRS=a, b ,c\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    settings = Settings()
    assert settings.llm == "ollama:llama3.1"
    assert settings.content_dirs == [Path("a"), Path("b"), Path("c")]
    assert settings.effective_database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def test_a_malformed_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESER_QUOTA_QUESTIONS", "lots")
    with pytest.raises(ValidationError, match="ESER_QUOTA_QUESTIONS"):
        Settings()
