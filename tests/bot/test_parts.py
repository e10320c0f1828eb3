"""The parts the composition root assembles: the knowledge engine the settings describe and the
quota's store (the handlers' order is the routing tests' concern)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.app import App
from bot.errors import ConfigError
from bot.i18n import Catalogue
from bot.parts import build_knowledge, build_quota
from bot.redis_quota import RedisQuota
from bot.store.quota import DatabaseQuota
from tests.conftest import Clock, make_settings


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing listens


def test_an_unreachable_chroma_server_names_the_setting_on_one_line(
    tmp_path: Path, catalogue: Catalogue, clock: Clock
) -> None:
    settings = make_settings(tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=_closed_port())

    with pytest.raises(ConfigError) as raised:
        build_knowledge(settings, catalogue, clock)

    assert raised.value.setting == "CHROMA_HOST"
    assert "cannot reach the Chroma server at 127.0.0.1:" in str(raised.value)
    assert "\n" not in str(raised.value)


async def test_the_quota_lives_in_redis_when_redis_url_is_set(app: App, tmp_path: Path, clock: Clock) -> None:
    with_redis = build_quota(
        make_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0"), app.services.sessions, clock
    )
    try:
        assert isinstance(with_redis, RedisQuota)
    finally:
        await with_redis.close()
    assert isinstance(build_quota(make_settings(tmp_path), app.services.sessions, clock), DatabaseQuota)
