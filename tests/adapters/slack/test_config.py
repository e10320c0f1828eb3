"""The Slack settings are checked before any network call; each problem names its setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.slack.config import SlackConfig
from bot.errors import ConfigError
from tests.conftest import make_settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cr3t"}


def config(tmp_path: Path, **env: object) -> SlackConfig:
    values = dict(GOOD)
    values.update(env)  # type: ignore[arg-type]
    return SlackConfig.from_settings(
        make_settings(tmp_path, **{k: v for k, v in values.items() if v is not None})
    )


def test_http_mode_defaults(tmp_path: Path) -> None:
    checked = config(tmp_path)
    assert not checked.socket_mode
    assert checked.api_url == "https://slack.com/api/"
    assert (checked.http_host, checked.http_port) == ("0.0.0.0", 3000)


def test_socket_mode_when_the_app_token_is_set(tmp_path: Path) -> None:
    checked = config(tmp_path, SLACK_APP_TOKEN="xapp-1-A1-xyz", SLACK_SIGNING_SECRET=None)
    assert checked.socket_mode


def test_api_url_gets_its_trailing_slash(tmp_path: Path) -> None:
    assert config(tmp_path, SLACK_API_URL="http://127.0.0.1:9/api").api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SLACK_BOT_TOKEN": None}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-12 34"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        ({"SLACK_SIGNING_SECRET": None}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "has space"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_bad_settings_name_the_setting(tmp_path: Path, env: dict[str, object], setting: str) -> None:
    with pytest.raises(ConfigError) as raised:
        config(tmp_path, **env)
    assert raised.value.setting == setting
    assert str(raised.value).startswith(setting)


def test_error_does_not_echo_the_whole_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        config(tmp_path, SLACK_BOT_TOKEN="xoxp-very-secret-user-token")
    assert "very-secret" not in str(raised.value)
