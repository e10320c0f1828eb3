"""What Slack declares: per-channel limits, a 429 that holds one channel, and its mention markup
escaped before the core's own mention check."""

from __future__ import annotations

import pytest

from adapters.slack.capabilities import escape_mentions, slack_capabilities
from bot.safety import defang


@pytest.mark.parametrize(
    "raw",
    [
        "<!everyone> now",
        "<!channel|channel>",
        "<!here>",
        "ping <@U12345>",
        "ping <@W99AA|bob>",
        "<!subteam^S123|devs>",
        "Hello @channel",
    ],
)
def test_mentions_lose_their_power(raw: str) -> None:
    out = defang(raw, slack_capabilities().escape_markup)
    for live in ("@channel", "<!everyone>", "<!channel", "<!here>", "<@U12345>", "<@W99AA", "<!subteam"):
        assert live not in out
    assert any(ch.isalpha() for ch in out)


def test_escaped_mentions_stay_readable() -> None:
    assert escape_mentions("<!here> and <@U12345>") == "‹!here› and @\u200dU12345"
    assert escape_mentions("a <https://x.eu|link> stays") == "a <https://x.eu|link> stays"


def test_slack_paces_each_channel_and_a_429_holds_only_that_channel() -> None:
    slack = slack_capabilities()
    assert slack.name == "slack" and slack.display_name == "Slack" and slack.broadcasts
    assert slack.limits is not None and slack.limits.messages_per_second is None
    assert slack.limits.chat_interval == 1.0 and slack.rate_limit_scope == "chat"
    assert not slack.is_group("C0123")
