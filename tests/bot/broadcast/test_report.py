"""The organiser's delivery report."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.slack.capabilities import slack_capabilities
from adapters.telegram.capabilities import telegram_capabilities
from bot.broadcast.report import delivery_report
from bot.broadcast.service import BroadcastStatus, PlatformProgress
from bot.i18n import Catalogue

NOW = datetime(2026, 11, 26, tzinfo=UTC)
PLATFORMS = {platform.name: platform for platform in (telegram_capabilities(30), slack_capabilities())}


def _status(**platforms: PlatformProgress) -> BroadcastStatus:
    return BroadcastStatus(
        id=7,
        kind="announcement",
        state="done",
        text="Hello",
        created_by="telegram:1",
        send_at=NOW,
        started_at=NOW,
        finished_at=NOW,
        platforms=platforms,
    )


def test_counts_per_platform_add_up(catalogue: Catalogue) -> None:
    status = _status(
        telegram=PlatformProgress(sent=9976, failed=25, gone=20),
        slack=PlatformProgress(sent=199, failed=1, gone=1),
    )
    report = delivery_report(status, catalogue, "en", PLATFORMS)
    assert report.splitlines() == [
        "Delivery report for announcement #7 (10201 recipients):",
        "Slack: 199 sent, 0 failed, 1 unsubscribed (blocked or left)",
        "Telegram: 9976 sent, 5 failed, 20 unsubscribed (blocked or left)",
    ]


def test_nobody_reached_is_said_in_the_organiser_language(catalogue: Catalogue) -> None:
    report = delivery_report(_status(), catalogue, "it", PLATFORMS)
    assert "(0 destinatari)" in report and "Nessuno" in report


def test_a_platform_that_declared_nothing_is_named_as_stored(catalogue: Catalogue) -> None:
    report = delivery_report(_status(matrix=PlatformProgress(sent=3)), catalogue, "en", PLATFORMS)
    assert "matrix: 3 sent, 0 failed, 0 unsubscribed (blocked or left)" in report.splitlines()
