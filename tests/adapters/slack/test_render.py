"""Replies rendered as Block Kit within Slack's limits, with every piece of content escaped."""

from __future__ import annotations

import re
from typing import Any

from adapters.slack.capabilities import escape_mentions
from adapters.slack.render import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    escape,
    link,
    render_home,
    render_plain,
    render_reply,
    split_text,
)
from bot.models import Button, Reply
from bot.safety import defang_reply
from knowledge.models import Citation
from tests.fakes.slack_blocks import block_problems


def sections(blocks: list[dict[str, Any]]) -> list[str]:
    return [block["text"]["text"] for block in blocks if block["type"] == "section"]


def all_mrkdwn(blocks: list[dict[str, Any]]) -> str:
    texts = sections(blocks)
    for block in blocks:
        if block["type"] == "context":
            texts.extend(element["text"] for element in block["elements"])
    return "\n".join(texts)


def cited_reply(**fields: Any) -> Reply:
    values: dict[str, Any] = {
        "text": "Cooperatives can take part [1], and regions lead [2].",
        "citations": [
            Citation(n=1, title="Who can join ESER", url="https://ec.europa.eu/eser/join"),
            Citation(n=2, title="ESER overview", url="https://ec.europa.eu/eser"),
        ],
        "buttons": [
            [Button(label="Sign up: network meeting", url="https://events.example.org/register")],
            [
                Button(label="👍 Helpful", callback_data="fb:a1:up"),
                Button(label="👎 Not helpful", callback_data="fb:a1:down"),
            ],
        ],
    }
    values.update(fields)
    return Reply(**values)


def test_answer_sources_and_buttons() -> None:
    message = render_reply(cited_reply(), sources_label="Sources")
    kinds = [block["type"] for block in message.blocks]
    assert kinds == ["section", "context", "actions", "actions"]
    assert sections(message.blocks) == ["Cooperatives can take part [1], and regions lead [2]."]
    context = [element["text"] for element in message.blocks[1]["elements"]]
    assert context == [
        "*Sources*",
        "<https://ec.europa.eu/eser/join|[1] Who can join ESER>",
        "<https://ec.europa.eu/eser|[2] ESER overview>",
    ]
    [signup] = message.blocks[2]["elements"]
    assert signup["url"] == "https://events.example.org/register" and "value" not in signup
    up, down = message.blocks[3]["elements"]
    assert (up["value"], down["value"]) == ("fb:a1:up", "fb:a1:down")
    assert up["action_id"].startswith("cb:") and signup["action_id"].startswith("link:")
    assert len({e["action_id"] for b in message.blocks[2:] for e in b["elements"]}) == 3
    assert message.text == "Cooperatives can take part [1], and regions lead [2]."


def test_sources_label_comes_from_the_caller() -> None:
    message = render_reply(cited_reply(language="fr"), sources_label="Sources (fr)")
    assert message.blocks[1]["elements"][0]["text"] == "*Sources (fr)*"


def test_markup_characters_are_escaped_everywhere() -> None:
    reply = cited_reply(
        text="R&D <b>bold</b> > all",
        citations=[Citation(n=1, title="A|B > C <script>", url="https://x.org/a?b=1&c=<2>|z")],
    )
    message = render_reply(reply, sources_label="S&P")
    assert sections(message.blocks) == ["R&amp;D &lt;b&gt;bold&lt;/b&gt; &gt; all"]
    assert message.text == "R&amp;D &lt;b&gt;bold&lt;/b&gt; &gt; all"
    assert message.blocks[1]["elements"][0]["text"] == "*S&amp;P*"
    source = message.blocks[1]["elements"][1]["text"]
    assert source == "<https://x.org/a?b=1&amp;c=%3C2%3E%7Cz|[1] A∣B &gt; C &lt;script&gt;>"
    # Exactly one link: one "<", one "|" separator and one ">" of link syntax.
    assert source.count("<") == 1 and source.count(">") == 1 and source.count("|") == 1


def test_mentions_from_content_stay_harmless() -> None:
    hostile = "Ping <!everyone> <!channel> <!here> <@U123> <!subteam^S1|@team> @channel @here"
    reply = cited_reply(text=hostile, citations=[Citation(n=1, title="<!channel> <@U9>", url="https://a.eu")])
    for candidate in (reply, defang_reply(reply, escape_mentions)):
        text = all_mrkdwn(render_reply(candidate, sources_label="Sources").blocks)
        # Slack only pings through "<!...>" and "<@...>" markup; none of it survives rendering.
        assert not re.search(r"<[!@#]", text), text
    defanged = all_mrkdwn(render_reply(defang_reply(reply, escape_mentions), sources_label="Sources").blocks)
    assert "@channel" not in defanged and "@here" not in defanged  # zero-width joiner inserted by the core


def test_link_cannot_be_broken_by_its_label() -> None:
    assert link("https://a.eu", "x> <!channel|y") == "<https://a.eu|x&gt; &lt;!channel∣y>"


def test_long_text_is_split_into_sections_within_the_limit() -> None:
    paragraphs = [f"Paragraph {i} " + "& social economy " * 60 for i in range(12)]
    text = "\n\n".join(paragraphs)
    message = render_reply(cited_reply(text=text), sources_label="Sources")
    chunks = sections(message.blocks)
    assert len(chunks) > 1
    assert all(len(chunk) <= SECTION_LIMIT for chunk in chunks)
    rejoined = " ".join(chunks).replace("&amp;", "&")
    for i in range(12):
        assert f"Paragraph {i} " in rejoined
    assert rejoined.count("& social economy") == 12 * 60  # nothing lost, no entity cut in half


def test_one_huge_word_is_cut_without_breaking_an_entity() -> None:
    chunks = split_text("&" * 4000)
    assert all(len(chunk) <= SECTION_LIMIT for chunk in chunks)
    assert all(re.fullmatch(r"(&amp;)+", chunk) for chunk in chunks)
    assert sum(chunk.count("&amp;") for chunk in chunks) == 4000


def test_never_more_than_fifty_blocks_and_buttons_survive() -> None:
    text = "\n\n".join("x" * 2990 for _ in range(80))
    message = render_reply(cited_reply(text=text), sources_label="Sources")
    assert len(message.blocks) == MAX_BLOCKS
    assert message.blocks[-1]["type"] == "actions"  # feedback kept
    assert sections(message.blocks)[-1].endswith("…")
    assert len(message.text) <= 3000


def test_many_sources_are_spread_over_context_blocks_of_ten() -> None:
    citations = [Citation(n=i, title=f"Doc {i}", url=f"https://a.eu/{i}") for i in range(1, 15)]
    message = render_reply(cited_reply(citations=citations), sources_label="Sources")
    contexts = [block for block in message.blocks if block["type"] == "context"]
    assert [len(block["elements"]) for block in contexts] == [10, 5]


def test_long_button_labels_are_cut() -> None:
    reply = cited_reply(buttons=[[Button(label="Sign up: " + "very long title " * 10, url="https://a.eu")]])
    [button] = render_reply(reply, sources_label="Sources").blocks[-1]["elements"]
    assert len(button["text"]["text"]) == 75 and button["text"]["text"].endswith("…")


def test_plain_notice_is_one_section() -> None:
    message = render_reply(Reply(text="Thanks for the feedback!"), sources_label="Sources")
    assert message.blocks == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Thanks for the feedback!"}}
    ]


def test_notes_are_shown_under_the_text() -> None:
    message = render_reply(Reply(text="Events"), sources_label="Sources", notes=["I sent you a <file>"])
    assert message.blocks[1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "I sent you a &lt;file&gt;"}],
    }


def test_home_view() -> None:
    view = render_home("Welcome", ["Ask /eser <question>", "Second"])
    assert view["type"] == "home"
    assert view["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Welcome"}}
    assert [b["type"] for b in view["blocks"]] == ["header", "section", "divider", "section"]
    assert view["blocks"][1]["text"]["text"] == "Ask /eser &lt;question&gt;"


def test_escape() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_only_an_explicit_notify_channel_pings_the_channel() -> None:
    text = "Vote today <!channel> @here"
    quiet = render_reply(defang_reply(Reply(text=text), escape_mentions), sources_label="Sources")
    loud = render_reply(
        defang_reply(Reply(text=text, notify_channel=True), escape_mentions), sources_label="Sources"
    )
    assert "<!channel>" not in quiet.text and "<!channel>" not in str(quiet.blocks)
    assert loud.text.startswith("<!channel> ") and loud.blocks[0]["text"]["text"].startswith("<!channel> ")
    assert loud.text.count("<!channel>") == 1 and "<!here>" not in loud.text  # the text's own stay defanged


def test_long_titles_urls_and_notes_stay_within_block_kit_limits() -> None:
    reply = Reply(
        text="x " * 2000,
        citations=[
            Citation(n=1, title="A very long title " * 300, url="https://ec.europa.eu/eser"),
            Citation(n=2, title="Long link", url="https://ec.europa.eu/" + "a" * 3500),
        ],
        buttons=[
            [Button(label="L" * 200, url="https://x.eu/" + "b" * 4000)],
            [Button(label="ok", callback_data="c" * 3000)],
        ],
    )
    message = render_reply(reply, sources_label="Sources " * 100, notes=["n" * 5000] * 12)
    assert block_problems(message.blocks) == []
    context = "\n".join(e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"])
    assert "A very long title" in context and "Long link" in context  # shortened, not dropped


def test_the_plain_fallback_puts_links_inline_and_keeps_only_callback_buttons() -> None:
    reply = Reply(
        text="Join <us> & see [1]",
        citations=[Citation(n=1, title="ESER overview", url="https://ec.europa.eu/eser")],
        buttons=[
            [Button(label="Sign up", url="https://events.example.org/r")],
            [Button(label="👍", callback_data="fb:1:up")],
        ],
    )
    plain = render_plain(reply, sources_label="Sources")
    assert plain.text.startswith("Join &lt;us&gt; &amp; see [1]")
    assert "<https://ec.europa.eu/eser|[1] ESER overview>" in plain.text
    assert "<https://events.example.org/r|Sign up>" in plain.text
    [actions] = plain.blocks
    assert [e["value"] for e in actions["elements"]] == ["fb:1:up"] and block_problems(plain.blocks) == []
