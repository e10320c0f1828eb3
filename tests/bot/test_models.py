"""Core message models."""

import pytest

from bot.models import Target, command_prefix


def test_target_round_trip() -> None:
    target = Target.parse("telegram:-100123")
    assert (target.platform, target.chat_id, str(target)) == ("telegram", "-100123", "telegram:-100123")


@pytest.mark.parametrize("value", ["12345", "irc:#x", "slack:", ":C1"])
def test_bad_targets_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a target"):
        Target.parse(value)


def test_command_prefix() -> None:
    assert command_prefix("slack") == "/eser " and command_prefix("telegram") == "/"
