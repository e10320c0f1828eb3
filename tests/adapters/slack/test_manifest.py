"""The checked-in Slack app manifest asks for what the adapter uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from adapters.slack.app import SLASH_COMMAND
from adapters.slack.config import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[3] / "adapters" / "slack" / "manifest.yaml"


def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_scopes_events_command_interactivity_and_home() -> None:
    data = manifest()
    assert data["display_information"]["name"] == "ESER Assistant"
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "im:read",
        "im:write",
        "channels:history",
        "groups:history",
        "users:read",
        "files:write",
    } <= scopes
    settings = data["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "message.channels",
        "message.groups",
        "app_home_opened",
        "team_join",
        "member_joined_channel",
    }
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is False
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    [command] = data["features"]["slash_commands"]
    assert command["command"] == SLASH_COMMAND
    urls = [
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    assert all(url == f"https://YOUR-HOST{EVENTS_PATH}" for url in urls)
    assert len(data["display_information"]["long_description"]) >= 175  # Slack's minimum
