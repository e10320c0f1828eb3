"""The organiser check: configured ids, the stored role, and logged refusals."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.organisers import Organisers, parse_organiser_ids
from bot.store.organisers import OrganiserStore
from tests.conftest import FIXED_NOW


def test_ids_are_read_and_bad_ones_named() -> None:
    assert parse_organiser_ids([" telegram:12345", "slack:U0123"]) == {
        ("telegram", "12345"),
        ("slack", "U0123"),
    }
    for bad in ("12345", "irc:nick", "slack:"):
        with pytest.raises(ValueError, match="organiser id"):
            parse_organiser_ids([bad])


async def test_stored_role_can_be_granted_and_revoked(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    organisers = Organisers(["slack:U1"], OrganiserStore(sessions))
    assert await organisers.allow("slack", "U1", "announce")
    with caplog.at_level(logging.WARNING, logger="bot.organisers"):
        assert not await organisers.allow("telegram", "7", "newevent")
    assert "telegram:7" in caplog.text and "newevent" in caplog.text
    assert await organisers.store.grant("telegram", "7", granted_by="cli", now=FIXED_NOW)
    assert not await organisers.store.grant("telegram", "7", granted_by="cli", now=FIXED_NOW)
    assert await organisers.allow("telegram", "7", "newevent")
    assert await organisers.store.all() == [("telegram", "7", "cli", FIXED_NOW)]
    assert await organisers.store.revoke("telegram", "7")
    assert not await organisers.is_organiser("telegram", "7")
