"""Drop what a browser would not show: hidden elements, templates and comments.

A page can carry text no reader sees (``<p style="display:none">``) that the bot would otherwise
index and quote as if the page said it. The same holds for inline HTML inside Markdown.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Elements hidden by markup alone. Hiding through a stylesheet cannot be judged without a CSS
# engine; the utility classes that frameworks use for it are the common case and are covered.
HIDDEN_SELECTOR = (
    "[hidden], template, [aria-hidden='true' i], input[type='hidden' i], "
    ".hidden, .d-none, .is-hidden, .invisible, .display-none"
)
HIDING_STYLE = re.compile(
    r"display:none|visibility:(hidden|collapse)|opacity:0(\.0*)?(;|$)|font-size:0(\.0*)?[a-z%]*(;|$)"
)
# A tag, a comment or a doctype; "a < b" and "<3" are text.
MARKUP = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|/[A-Za-z]|!)")
# Markdown autolinks (<https://...>, <name@example.org>) are links, not tags.
AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>", re.IGNORECASE)


def _hidden_by_style(node: LexborNode) -> bool:
    style = node.attributes.get("style") or ""
    return bool(HIDING_STYLE.search(re.sub(r"\s+", "", style.lower())))


def drop_hidden(tree: LexborHTMLParser) -> int:
    """Remove hidden elements and comments from ``tree`` in place.

    Returns:
        How many were removed.
    """
    doomed = list(tree.css(HIDDEN_SELECTOR))
    doomed += [node for node in tree.css("[style]") if _hidden_by_style(node)]
    root = tree.root
    comments = [node for node in root.traverse(include_text=True) if node.tag == "-comment"] if root else []
    removed = 0
    for node in doomed + comments:
        try:
            node.decompose()
            removed += 1
        except Exception:  # already gone with a removed ancestor
            continue
    return removed


def strip_markup(text: str) -> tuple[str, int]:
    """Text with inline HTML reduced to what a reader sees (visible text kept, tags dropped).

    Markdown without HTML is returned unchanged, so clean documents keep their exact text.

    Returns:
        The text and how many hidden elements or comments were dropped.
    """
    if not MARKUP.search(text):
        return text, 0
    tree = LexborHTMLParser("<body>" + AUTOLINK.sub(r"\1", text) + "</body>")
    removed = drop_hidden(tree)
    body = tree.body
    visible = body.text(deep=True, separator="", strip=False) if body is not None else ""
    return visible, removed
