"""Button payloads of guided chats: one format, within Telegram's limit, older ones still read."""

from __future__ import annotations

import pytest

from bot.guided.context import callback, parse_callback


def test_callback_data_round_trip_and_limit() -> None:
    assert parse_callback(callback("onboarding", "region", "FR-IDF")) == ("onboarding", "region", "FR-IDF")
    assert callback("newevent", "zone", "America/Argentina/Buenos_Aires") == (
        "gc:newevent:zone:America/Argentina/Buenos_Aires"
    )
    assert parse_callback("fb:123:up") is None and parse_callback("gc:onboarding") is None
    with pytest.raises(ValueError, match="too long"):
        callback("newevent", "zone", "x" * 60)


def test_buttons_sent_before_the_engines_became_one_are_still_read() -> None:
    assert parse_callback("ob:language:en") == ("onboarding", "language", "en")
    assert parse_callback("dlg:zone:Europe/Madrid") == (None, "zone", "Europe/Madrid")  # the open dialogue's
