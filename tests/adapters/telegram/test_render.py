"""``render``: ``Reply`` -> Telegram HTML, keyboards and split messages (pure, no network)."""

from __future__ import annotations

import html
import re

from adapters.telegram.render import (
    CALLBACK_DATA_LIMIT,
    MESSAGE_LIMIT,
    TOAST_LIMIT,
    _pack,
    _text_atoms,
    keyboard_markup,
    render,
    to_plain,
    utf16_len,
)
from bot.models import Attachment, Button, Reply
from knowledge.models import Citation

CITATIONS = [
    Citation(n=1, title="Who can join <ESER> & how", url="https://example.org/join?a=1&b=2", snippet="s"),
    Citation(n=2, title="ESER overview", url="https://example.org/overview", snippet="s"),
]
FEEDBACK = [
    Button(label="👍", callback_data="fb:0123456789abcdef:up"),
    Button(label="👎", callback_data="fb:x:down"),
]


def test_text_is_escaped_and_sources_are_numbered_links() -> None:
    reply = Reply(text="Regions <b>only</b> & cities [1]. See also [2].", citations=CITATIONS, language="fr")
    [part] = render(reply, sources_heading="Sources (fr)").parts
    assert part.html.startswith("Regions &lt;b&gt;only&lt;/b&gt; &amp; cities [1]. See also [2].")
    assert "\n\n<b>Sources (fr)</b>\n" in part.html
    assert (
        '[1] <a href="https://example.org/join?a=1&amp;b=2">Who can join &lt;ESER&gt; &amp; how</a>'
        in part.html
    )
    assert part.html.endswith('[2] <a href="https://example.org/overview">ESER overview</a>')


def test_plain_twin_keeps_text_and_link_targets() -> None:
    reply = Reply(text="Regions & cities <3 [1]", citations=CITATIONS[:1])
    [part] = render(reply, sources_heading="Sources").parts
    assert part.plain == (
        "Regions & cities <3 [1]\n\nSources\n[1] Who can join <ESER> & how (https://example.org/join?a=1&b=2)"
    )
    assert to_plain(part.html) == part.plain


def test_buttons_become_an_inline_keyboard() -> None:
    signup = Button(label="Sign up", url="https://events.example.org/register")
    reply = Reply(text="Event [1]", citations=CITATIONS[:1], buttons=[[signup], FEEDBACK])
    [part] = render(reply, sources_heading="Sources").parts
    assert part.keyboard is not None
    rows = part.keyboard.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Sign up"], ["👍", "👎"]]
    assert rows[0][0].url == "https://events.example.org/register" and rows[0][0].callback_data is None
    assert [b.callback_data for b in rows[1]] == ["fb:0123456789abcdef:up", "fb:x:down"]


def test_callback_data_over_64_bytes_is_left_out() -> None:
    fits = "fb:" + "é" * 30 + "x"  # 64 bytes in UTF-8
    too_long = "fb:" + "é" * 31  # 65 bytes
    assert len(fits.encode()) == CALLBACK_DATA_LIMIT and len(too_long.encode()) > CALLBACK_DATA_LIMIT
    markup = keyboard_markup(
        [[Button(label="a", callback_data=fits), Button(label="b", callback_data=too_long)]]
    )
    assert markup is not None
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == [fits]
    assert keyboard_markup([[Button(label="c", callback_data=too_long)]]) is None


def test_long_answer_is_split_at_paragraphs_with_keyboard_on_last_part() -> None:
    paragraphs = [f"Paragraph {i}: " + "social economy regions " * 40 for i in range(12)]
    text = "\n\n".join(paragraphs)
    assert len(text) > MESSAGE_LIMIT
    reply = Reply(text=text, citations=CITATIONS, buttons=[FEEDBACK])
    parts = render(reply, sources_heading="Sources").parts
    assert len(parts) >= 3
    assert all(utf16_len(part.html) <= MESSAGE_LIMIT for part in parts)
    assert [part.keyboard is not None for part in parts] == [False] * (len(parts) - 1) + [True]
    # Paragraph boundaries: every part starts with a paragraph and none is cut inside one.
    assert all(part.html.startswith("Paragraph ") for part in parts[:-1])
    rebuilt = "\n\n".join(part.html for part in parts)
    assert rebuilt.split("\n\n<b>Sources</b>")[0] == html.escape(text.strip(), quote=False)
    assert "<b>Sources</b>" in parts[-1].html


def test_long_paragraph_is_cut_at_lines_then_words() -> None:
    line = "word " * 30
    paragraph = "\n".join(line.strip() for _ in range(10))  # one paragraph, 10 lines of ~150 chars
    chunks = _pack(_text_atoms(paragraph, 400), 400)
    assert all(len(chunk) <= 400 for chunk in chunks) and len(chunks) >= 4
    assert "\n".join(chunks) == paragraph  # cut only at line ends

    one_line = " ".join(f"w{i}" for i in range(300))
    chunks = _pack(_text_atoms(one_line, 100), 100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert " ".join(chunks) == one_line  # cut only between words


def test_word_longer_than_a_message_is_cut_without_breaking_entities() -> None:
    blob = "&" * 250  # each & becomes &amp; (5 characters)
    chunks = _pack(_text_atoms(blob, 100), 100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert all(re.fullmatch(r"(&amp;)+", chunk) for chunk in chunks)
    assert html.unescape("".join(chunks)) == blob


def test_limit_counts_utf16_units() -> None:
    emoji_text = "🇪🇺" * 1500  # 2 code points, 4 UTF-16 units each flag
    parts = render(Reply(text=emoji_text), sources_heading="Sources").parts
    assert len(parts) == 2 and all(utf16_len(p.html) <= MESSAGE_LIMIT for p in parts)


def test_previews_are_disabled_only_with_several_links() -> None:
    assert render(Reply(text="a [1] b [2]", citations=CITATIONS), sources_heading="S").disable_preview
    assert render(
        Reply(text="See https://a.example and https://b.example"), sources_heading="S"
    ).disable_preview
    assert not render(Reply(text="a [1]", citations=CITATIONS[:1]), sources_heading="S").disable_preview


def test_reply_target_attachments_and_toast() -> None:
    ics = Attachment(filename="eser-events.ics", content=b"BEGIN:VCALENDAR", mime_type="text/calendar")
    rendered = render(
        Reply(text="x" * 300, thread_id="77", attachments=[ics], ephemeral=True), sources_heading="S"
    )
    assert rendered.reply_to == 77 and rendered.documents == (ics,) and rendered.ephemeral
    assert len(rendered.toast) == TOAST_LIMIT and rendered.toast.endswith("…")
    assert render(Reply(text="Thanks!"), sources_heading="S").toast == "Thanks!"
    assert render(Reply(text="t", thread_id="1700000000.1234"), sources_heading="S").reply_to is None
