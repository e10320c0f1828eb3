"""Sign-in links: bound to one organiser, signed, short-lived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.web.tokens import LinkRefused, LoginLinks
from tests.conftest import Clock

KEY = b"k" * 32


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def links(clock: Clock, key: bytes = KEY) -> LoginLinks:
    return LoginLinks(key, "https://bot.example.org/", timedelta(minutes=15), clock)


def test_a_link_names_its_organiser_and_a_fresh_id() -> None:
    clock = Clock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    issuer = links(clock)
    first, second = issuer.issue("slack", "U0123"), issuer.issue("slack", "U0123")
    assert first.startswith("https://bot.example.org/organisers/login?token=")
    claim = issuer.check(token_of(first))
    assert (claim.platform, claim.user_id, claim.issued_at) == ("slack", "U0123", clock.now)
    assert claim.token_id != issuer.check(token_of(second)).token_id


def test_a_link_expires_after_its_lifetime() -> None:
    clock = Clock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    issuer = links(clock)
    token = token_of(issuer.issue("telegram", "42"))
    clock.advance(minutes=15)
    assert issuer.check(token).user_id == "42"
    clock.advance(seconds=1)
    with pytest.raises(LinkRefused) as refused:
        issuer.check(token)
    assert refused.value.reason == "expired"


@pytest.mark.parametrize("change", ["other key", "edited", "garbage", "empty"])
def test_a_forged_link_is_refused(change: str) -> None:
    clock = Clock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    token = token_of(links(clock).issue("telegram", "42"))
    forged = {
        "other key": token_of(links(clock, b"x" * 32).issue("telegram", "42")),
        "edited": token.replace(token[5], "A" if token[5] != "A" else "B", 1),
        "garbage": "not-a-token",
        "empty": "",
    }[change]
    with pytest.raises(LinkRefused) as refused:
        links(clock).check(forged)
    assert refused.value.reason == "forged"
