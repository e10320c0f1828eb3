"""The channel-manager check: asks the platform's authority, refuses (and logs) otherwise."""

from __future__ import annotations

import logging

import pytest

from bot.channels import ChannelAuthority, may_manage


class Managers:
    """A channel authority that knows its managers (the adapters ask the platform instead)."""

    def __init__(self, *managers: tuple[str, str]) -> None:
        self.managers = set(managers)

    async def can_manage(self, chat_id: str, user_id: str) -> bool:
        return (chat_id, user_id) in self.managers


class Broken:
    async def can_manage(self, chat_id: str, user_id: str) -> bool:
        raise RuntimeError("platform down")


async def test_a_manager_is_allowed_and_nobody_else(caplog: pytest.LogCaptureFixture) -> None:
    authorities: dict[str, ChannelAuthority] = {"slack": Managers(("C1", "U1"))}
    assert await may_manage(authorities, "slack", "C1", "U1", "subscribe")
    with caplog.at_level(logging.WARNING, logger="bot.channels"):
        assert not await may_manage(authorities, "slack", "C1", "U2", "subscribe")
        assert not await may_manage(authorities, "slack", "C2", "U1", "unsub")
    assert "refused slack:U2 for subscribe in C1" in caplog.text
    assert "refused slack:U1 for unsub in C2" in caplog.text


async def test_no_authority_or_a_failing_one_refuses(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.channels"):
        assert not await may_manage({}, "console", "room", "me", "subscribe")
        assert not await may_manage({"telegram": Broken()}, "telegram", "-1", "5", "subscribe")
    assert "no channel authority for console" in caplog.text
    assert "channel check of telegram:5 in -1 failed" in caplog.text
