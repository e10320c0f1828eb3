"""The Slack handlers' own texts and command names (their event flows are driven end to end in
``test_app.py``)."""

from __future__ import annotations

import re

import pytest

from adapters.slack.handlers import known_commands
from bot.i18n import LANGUAGES, Catalogue

SLACK_KEYS = ("slack.looking_up", "slack.home_title", "slack.home_intro", "slack.file_in_dm")


def test_known_commands_are_the_cores_commands(catalogue: Catalogue) -> None:
    commands = known_commands(catalogue)
    assert {"ask", "events", "funding", "join", "help", "feedback", "start"} <= commands
    assert "unknown" not in commands
    assert all(re.fullmatch(r"[a-z_]+", name) for name in commands)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_slack_text_is_translated(catalogue: Catalogue, language: str) -> None:
    assert set(SLACK_KEYS) <= catalogue.keys(language)
    for key in SLACK_KEYS:
        english = set(re.findall(r"{(\w+)}", catalogue.text(key, "en")))
        assert set(re.findall(r"{(\w+)}", catalogue.text(key, language))) == english, key
        if language != "en" and key != "slack.home_title":
            assert catalogue.text(key, language) != catalogue.text(key, "en"), key


def test_home_guide_mentions_the_slash_command(catalogue: Catalogue) -> None:
    for language in LANGUAGES:
        assert "/eser <" in catalogue.text("slack.home_intro", language, cmd="/eser ")
