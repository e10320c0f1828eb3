"""Hidden HTML never reaches the index; visible inline HTML keeps its text."""

from __future__ import annotations

from knowledge.hidden_html import strip_markup

HIDDEN = [
    '<p style="display:none">secret one</p>',
    '<span style="Visibility : Hidden">secret two</span>',
    "<div hidden>secret three</div>",
    '<span aria-hidden="true">secret four</span>',
    "<template><p>secret five</p></template>",
    "<!-- secret six -->",
    '<p class="d-none">secret seven</p>',
    '<span style="font-size:0">secret eight</span>',
]


def test_hidden_elements_and_comments_are_dropped() -> None:
    text = "# Title\n\nVisible sentence <b>bold</b>.\n" + "\n".join(HIDDEN) + "\n\nLast line."
    visible, removed = strip_markup(text)
    assert "secret" not in visible and removed == len(HIDDEN)
    assert "Visible sentence bold." in visible and visible.rstrip().endswith("Last line.")


def test_markdown_without_html_is_untouched() -> None:
    text = "# T\n\nA < B and 3 > 2 & so on <3.\n\nSource: [x](https://x.eu) <https://x.eu/a>"
    assert strip_markup(text) == (text, 0)


def test_autolinks_survive_when_html_is_stripped() -> None:
    visible, _ = strip_markup("See <https://x.eu/a> and <b>this</b>.")
    assert visible == "See https://x.eu/a and this."
