"""Fixtures of the command-line tests: small content folders and settings in the environment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli.main import build_cli
from tests.knowledge.conftest import RESOURCE, write

Runner = Callable[..., Result]
TOPICS = ("cooperatives", "municipalities", "procurement", "missions", "skills", "gateway")


def _content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, topics: tuple[str, ...]) -> Path:
    root = tmp_path / "content"
    for topic in topics:
        write(root / "resources" / f"{topic}.md", RESOURCE.format(topic=topic, slug=topic))
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ESER_CONTENT_DIRS", str(root))
    for name in ("ESER_LLM", "ESER_SOURCE_DOMAINS", "ESER_MAX_FILE_BYTES"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Six documents, one per topic of ``TOPICS``."""
    return _content(tmp_path, monkeypatch, TOPICS)


@pytest.fixture
def small_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three documents (cooperatives, municipalities, procurement)."""
    return _content(tmp_path, monkeypatch, TOPICS[:3])


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Runner:
    """Runs ``eser-bot`` in-process on a database in ``tmp_path``, with ``slack:UORG`` an organiser."""
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ESER_ORGANISERS", "slack:UORG")
    runner = CliRunner()
    cli = build_cli()

    def invoke(*args: str, answer: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=answer)

    return invoke
