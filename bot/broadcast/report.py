"""The delivery report an organiser gets when a broadcast finishes."""

from __future__ import annotations

from bot.broadcast.service import BroadcastStatus
from bot.i18n import Catalogue

PLATFORM_NAMES = {"telegram": "Telegram", "slack": "Slack", "console": "console"}


def delivery_report(status: BroadcastStatus, catalogue: Catalogue, language: str) -> str:
    """Sent / failed / unsubscribed-by-block per platform, in ``language``."""
    lines = [catalogue.text("broadcast.report.header", language, id=status.id, total=status.total)]
    for platform, progress in sorted(status.platforms.items()):
        lines.append(
            catalogue.text(
                "broadcast.report.platform",
                language,
                platform=PLATFORM_NAMES.get(platform, platform),
                sent=progress.sent,
                failed=progress.failed - progress.gone,
                gone=progress.gone,
            )
        )
    if not status.platforms:
        lines.append(catalogue.text("broadcast.report.nobody", language))
    return "\n".join(lines)
