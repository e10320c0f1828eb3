"""The delivery report an organiser gets when a broadcast finishes."""

from __future__ import annotations

from collections.abc import Mapping

from bot.broadcast.service import BroadcastStatus
from bot.i18n import Catalogue
from bot.platforms import PlatformCapabilities


def delivery_report(
    status: BroadcastStatus,
    catalogue: Catalogue,
    language: str,
    platforms: Mapping[str, PlatformCapabilities],
) -> str:
    """Sent / failed / unsubscribed-by-block per platform, in ``language``.

    Args:
        status: The finished announcement.
        catalogue: User-facing strings.
        language: The organiser's language.
        platforms: The platforms' declarations, by name (their display names).
    """
    lines = [catalogue.text("broadcast.report.header", language, id=status.id, total=status.total)]
    for platform, progress in sorted(status.platforms.items()):
        lines.append(
            catalogue.text(
                "broadcast.report.platform",
                language,
                platform=platforms[platform].display_name if platform in platforms else platform,
                sent=progress.sent,
                failed=progress.failed - progress.gone,
                gone=progress.gone,
            )
        )
    if not status.platforms:
        lines.append(catalogue.text("broadcast.report.nobody", language))
    return "\n".join(lines)
