"""Every platform's declaration, as the composition root gets it."""

from __future__ import annotations

from pathlib import Path

from adapters.platforms import platform_capabilities
from tests.conftest import make_settings


def test_all_platforms_are_declared_with_the_telegram_rate_from_the_settings(tmp_path: Path) -> None:
    platforms = platform_capabilities(make_settings(tmp_path, ESER_TELEGRAM_MESSAGES_PER_SECOND="80"))
    assert [platform.name for platform in platforms] == ["telegram", "slack", "console"]
    telegram = platforms[0]
    assert telegram.limits is not None and telegram.limits.messages_per_second == 80.0
