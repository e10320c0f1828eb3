"""Mention defanging of outgoing text (with the platform's own markup escaping), and cleaning of
incoming text."""

from __future__ import annotations

import pytest

from bot.models import Button, IncomingMessage, Reply
from bot.safety import clean_message, clean_text, defang, defang_reply
from knowledge.models import Citation


@pytest.mark.parametrize("raw", ["Hello @channel", "hi @here!", "@everyone look", "@ALL of you"])
def test_mentions_lose_their_power(raw: str) -> None:
    out = defang(raw)
    for live in ("@channel", "@here", "@everyone", "@ALL"):
        assert live not in out
    assert any(ch.isalpha() for ch in out)


def test_the_platforms_markup_is_escaped_before_the_mention_check() -> None:
    # A platform whose escaping turns its own markup into a plain mention: the core still catches it.
    def escape_markup(text: str) -> str:
        return text.replace("<!all>", "@all")

    assert defang("<!all> now", escape_markup) == "@\u200dall now"
    assert defang("<!all> now") == "<!all> now"  # no platform markup declared: left as it is


def test_ordinary_text_is_untouched() -> None:
    text = "Write to GROW-SOCIAL-ENTERPRISE@ec.europa.eu about the 2023 call [1]."
    assert defang(text) == text


def test_reply_fields_are_all_defanged() -> None:
    reply = Reply(
        text="@here news",
        citations=[Citation(n=1, title="<!channel> title", url="https://x.eu", snippet="@everyone")],
        buttons=[[Button(label="@channel go", url="https://x.eu")]],
    )
    out = defang_reply(reply, lambda text: text.replace("<!channel>", "‹!channel›"))
    assert "@here" not in out.text
    assert "<!channel>" not in out.citations[0].title and "@everyone" not in out.citations[0].snippet
    assert "@channel" not in out.buttons[0][0].label
    assert out.buttons[0][0].url == "https://x.eu"


def test_untypable_characters_are_removed_from_incoming_text() -> None:
    message = IncomingMessage(
        platform="telegram",
        chat_id="1",
        user_id="1",
        text="Can\x00 a coop\udcff join?\tYes\nor no\x07",
        args="\x00x",
        user_name="Ana\ud800",
        event_id="e",
    )
    cleaned = clean_message(message)
    assert (cleaned.text, cleaned.args, cleaned.user_name) == ("Can a coop join?\tYes\nor no", "x", "Ana")
    assert clean_message(cleaned) is cleaned  # nothing to do: the same object
    assert clean_text("😀 ok") == "😀 ok"  # a real astral character is one code point, never a surrogate
