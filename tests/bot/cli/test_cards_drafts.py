"""``eser-bot cards drafts`` and ``cards publish``: the organisers' cards kept from hand-offs, with
the languages they lack; publishing from the command line stores it for the serving bot to index."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from bot.store.database import make_engine, migrate, session_factory
from bot.store.handoffs import HandoffStore, OrganiserCardRow
from tests.bot.cli.conftest import Runner
from tests.conftest import make_settings

WIDE = {"COLUMNS": "250"}


async def store_draft(data_dir: Path) -> None:
    engine = make_engine(make_settings(data_dir).effective_database_url)
    await migrate(engine)
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    await HandoffStore(session_factory(engine)).add_card(
        OrganiserCardRow(
            id="organisers-abc123",
            status="draft",
            questions=json.dumps({"fr": ["Qui contacter en Wallonie ?"]}),
            answers=json.dumps({"fr": "Le point de contact régional."}),
            source_url="",
            handoff_id="abc123",
            created_by="slack:UORG",
            published_by="",
            created_at=now,
            updated_at=now,
        )
    )
    await engine.dispose()


def test_drafts_are_listed_with_their_missing_languages_and_published(
    run: Runner, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    for name, value in WIDE.items():
        monkeypatch.setenv(name, value)
    asyncio.run(store_draft(tmp_path))
    listed = run("cards", "drafts")
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if "organisers-abc123" in line)
    assert "draft" in row and "en de es it pl" in row and "Qui contacter en Wallonie" in row

    refused = run("cards", "publish", "organisers-abc123", "--as", "telegram:999")
    assert refused.exit_code == 1 and "Only ESER organisers" in refused.output
    published = run("cards", "publish", "organisers-abc123", "--as", "slack:UORG")
    assert published.exit_code == 0 and "missing languages: en de es it pl" in published.output
    assert "organisers-abc123" not in run("cards", "drafts").output
    assert "published" in run("cards", "drafts", "--all").output
