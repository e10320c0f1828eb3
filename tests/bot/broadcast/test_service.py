"""Composing: validation, exact previews, the organiser check, idempotency, cancel and status."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.broadcast.models import Audience, Draft
from bot.broadcast.service import InvalidDraft, NotOrganiser
from bot.models import Target
from knowledge.engine import KnowledgeEngine
from tests.bot.broadcast.subscribers import add_subscribers
from tests.conftest import FIXED_NOW, Clock, make_settings

ORGANISER = Target(platform="telegram", chat_id="900")


async def _organiser(app: App) -> None:
    await app.services.organisers.store.grant("telegram", "900", granted_by="test", now=FIXED_NOW)


@pytest.mark.parametrize(
    ("draft", "key"),
    [
        (Draft(text="   "), "broadcast.invalid.empty"),
        (Draft(text="x" * 3501), "broadcast.invalid.too_long"),
        (Draft(text="hi", audience=Audience(topics=("gardening",))), "broadcast.invalid.topic"),
        (Draft(text="hi", audience=Audience(region="Spain")), "broadcast.invalid.region"),
        (Draft(text="hi", audience=Audience(language="nl")), "broadcast.invalid.language"),
        (Draft(text="hi", send_at=FIXED_NOW.replace(tzinfo=None)), "broadcast.invalid.time"),
        (Draft(text="hi", event_id="no-such-event"), "broadcast.invalid.event"),
    ],
)
async def test_bad_drafts_are_explained(app: App, draft: Draft, key: str) -> None:
    with pytest.raises(InvalidDraft) as error:
        await app.services.broadcasts.preview(draft, language="en")
    assert error.value.key == key
    # Every explanation exists in every language.
    for language in ("en", "fr", "de", "es", "it", "pl"):
        assert app.services.catalogue.text(key, language, **error.value.params)


async def test_preview_counts_exactly_and_shows_the_message(app: App) -> None:
    sessions = app.services.sessions
    await add_subscribers(sessions, "telegram", [str(n) for n in range(25)], now=FIXED_NOW, topic="funding")
    await add_subscribers(
        sessions, "telegram", [str(n) for n in range(20, 30)], now=FIXED_NOW, topic="events"
    )
    await add_subscribers(sessions, "slack", ["C1", "C2"], now=FIXED_NOW, topic="all", kind="channel")
    preview = await app.services.broadcasts.preview(
        Draft(text="New call @channel <!here>", audience=Audience(topics=("funding", "events"))),
        language="fr",
    )
    assert preview.counts == {"telegram": 30, "slack": 2} and preview.total == 32
    assert "@channel" not in preview.reply.text.replace("@\u200dchannel", "")
    # Slack's own "<!here>" is escaped where Slack reads it: the reply to a Slack organiser
    # (tests/bot/test_app.py) and each Slack recipient's message (test_message.py).
    assert preview.reply.buttons[-1][0].label == "Se désabonner"
    assert preview.reply.buttons[-1][0].callback_data == "unsub"


async def test_only_organisers_submit_and_refusals_are_logged(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = Target(platform="slack", chat_id="U666")
    with caplog.at_level(logging.WARNING, logger="bot.organisers"), pytest.raises(NotOrganiser):
        await app.services.broadcasts.submit(Draft(text="hi"), organiser=stranger, report_to=None)
    assert "slack:U666" in caplog.text and "broadcast" in caplog.text
    assert await app.services.broadcasts.status() == []


async def test_configured_organisers_need_no_stored_role(
    tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    settings = make_settings(tmp_path, ESER_ORGANISERS="telegram:5, slack:U1")
    app = await build_app(settings, knowledge=knowledge, clock=clock)
    try:
        assert await app.services.organisers.is_organiser("telegram", "5")
        assert await app.services.organisers.is_organiser("slack", "U1")
        assert not await app.services.organisers.is_organiser("telegram", "6")
    finally:
        await app.services.db.dispose()


async def test_the_same_key_is_sent_once(app: App) -> None:
    await _organiser(app)
    draft = Draft(text="Webinar tomorrow", idempotency_key="webinar-1")
    first = await app.services.broadcasts.submit(draft, organiser=ORGANISER, report_to=ORGANISER)
    second = await app.services.broadcasts.submit(draft, organiser=ORGANISER, report_to=ORGANISER)
    assert first.created and not second.created
    assert first.announcement_id == second.announcement_id
    assert len(await app.services.broadcasts.status()) == 1


async def test_scheduled_announcements_can_be_cancelled_and_report_their_status(app: App) -> None:
    await _organiser(app)
    later = FIXED_NOW + timedelta(days=1)
    submitted = await app.services.broadcasts.submit(
        Draft(text="Tomorrow", send_at=later), organiser=ORGANISER, report_to=None
    )
    assert submitted.send_at == later
    [status] = await app.services.broadcasts.status(submitted.announcement_id)
    assert (status.state, status.total, status.created_by) == ("scheduled", 0, "telegram:900")
    with pytest.raises(NotOrganiser):
        await app.services.broadcasts.cancel(
            submitted.announcement_id, organiser=Target(platform="telegram", chat_id="1")
        )
    assert await app.services.broadcasts.cancel(submitted.announcement_id, organiser=ORGANISER)
    assert not await app.services.broadcasts.cancel(submitted.announcement_id, organiser=ORGANISER)
    [status] = await app.services.broadcasts.status(submitted.announcement_id)
    assert status.state == "cancelled"
