"""The Slack handlers' own texts (their event flows are driven end to end in ``test_app.py``)."""

from __future__ import annotations

import re

import pytest

from bot.i18n import LANGUAGES, Catalogue

SLACK_KEYS = ("slack.looking_up", "slack.home_title", "slack.home_intro", "slack.file_in_dm")


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
