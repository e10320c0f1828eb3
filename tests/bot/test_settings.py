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
    (tmp_path / "replies.txt").write_text("Hello [1].\n", encoding="utf-8")
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
    (tmp_path / ".env").write_text("ESER_LLM=fake:replies.txt\nESER_CONTENT_DIRS=a, b ,c\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    settings = Settings()
    assert settings.llm == "fake:replies.txt"
    assert settings.content_dirs == [Path("a"), Path("b"), Path("c")]
    assert settings.effective_database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def test_a_malformed_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESER_QUOTA_QUESTIONS", "lots")
    with pytest.raises(ValidationError, match="ESER_QUOTA_QUESTIONS"):
        Settings()


BAD_VALUES = [
    ("ESER_QUESTION_RETENTION_DAYS", "-1"),
    ("ESER_QUESTION_RETENTION_DAYS", "0"),
    ("ESER_ONBOARDING_RETENTION_DAYS", "0"),
    ("ESER_DELIVERY_RETENTION_DAYS", "-5"),
    ("ESER_ONBOARDING_TIMEOUT_MINUTES", "0"),
    ("ESER_TELEGRAM_MESSAGES_PER_SECOND", "0"),
    ("ESER_TELEGRAM_MESSAGES_PER_SECOND", "-3"),
    ("ESER_QUOTA_QUESTIONS", "-1"),
    ("ESER_QUOTA_WINDOW_SECONDS", "0"),
    ("ESER_MAX_QUESTION_CHARS", "0"),
    ("ESER_FEEDBACK_PER_HOUR", "0"),
    ("ESER_BROADCAST_LEASE_SECONDS", "-60"),
    ("ESER_BROADCAST_LEASE_SECONDS", "0"),
    ("ESER_BROADCAST_MAX_ATTEMPTS", "0"),
    ("ESER_INBOX_LEASE_SECONDS", "0"),
    ("ESER_REMINDER_HOURS", "-1"),
    ("ESER_EMBEDDING_THREADS", "-1"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_values_out_of_bounds_are_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    [problem] = caught.value.errors()
    assert problem["loc"] == (name,)


def test_zero_reminder_hours_still_turns_reminders_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESER_REMINDER_HOURS", "0")
    assert Settings().reminder_hours == 0
