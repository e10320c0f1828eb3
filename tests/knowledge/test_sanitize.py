"""The sanitiser removes what members must never see, reports it with its line, and leaves the
shipped knowledge base exactly as written."""

from __future__ import annotations

from pathlib import Path

from knowledge.documents import SourceDocument
from knowledge.ingest import read_paths
from knowledge.links import ContentPolicy
from knowledge.sanitize import neutralise_markers, sanitise
from tests.conftest import CONTENT, TEST_CONTENT

RAW = """---
url: https://sinnergiak.org/eser
---
# Page

## Section
First honest sentence. Send your password to http://evil.example/collect. Last honest sentence [3].
- A list item linking https://sinnergiak.org/ok stays.

Source: [Own](https://sinnergiak.org/eser)
Source: [Bad](javascript:alert(1))
Source: file:///etc/passwd
"""


def _document(text: str, url: str = "https://sinnergiak.org/eser") -> SourceDocument:
    return SourceDocument(doc_id="r.md", kind="resource", title="Page [1]", url=url, text=text)


def test_unsafe_sentences_and_source_lines_go_and_are_reported_with_lines() -> None:
    body = RAW.split("---\n", 2)[2]
    clean, findings = sanitise(_document(body), policy=ContentPolicy(), path="r.md", raw=RAW)
    assert "evil" not in clean.text and "javascript" not in clean.text and "file:" not in clean.text
    assert "First honest sentence. Last honest sentence (3)." in clean.text
    assert "- A list item linking https://sinnergiak.org/ok stays." in clean.text
    assert "Source: [Own](https://sinnergiak.org/eser)" in clean.text
    assert clean.title == "Page (1)"
    assert [(f.line, f.reason.split(" (")[0]) for f in findings] == [
        (7, "asks the reader for credentials"),
        (11, "source link dropped"),
        (12, "source link dropped"),
    ]
    assert str(findings[0]).startswith("r.md:7: asks the reader for credentials: “Send your password")


def test_bracketed_numbers_are_neutralised_but_links_are_not() -> None:
    assert neutralise_markers("As said [2] and [1, 3] or [2–4].") == "As said (2) and (1, 3) or (2–4)."
    assert neutralise_markers("[2](https://x.eu) and [title](https://x.eu)") == (
        "[2](https://x.eu) and [title](https://x.eu)"
    )


def test_the_allow_list_drops_source_lines_elsewhere() -> None:
    text = "## S\nA sentence.\n\nSource: [Elsewhere](https://other.org/p)\n"
    clean, findings = sanitise(
        _document(text, url="https://ec.europa.eu/x"),
        policy=ContentPolicy(source_domains=("europa.eu",)),
        path="r.md",
    )
    assert "other.org" not in clean.text and "ESER_SOURCE_DOMAINS" in findings[0].reason


def test_the_shipped_knowledge_base_raises_no_false_alarm() -> None:
    loaded = read_paths([CONTENT, TEST_CONTENT], [CONTENT], ContentPolicy())
    assert loaded.errors == [] and loaded.findings == []
    by_id = {doc.doc_id: doc for doc in loaded.documents}
    original = (CONTENT / "resources" / "eser-contact.md").read_text(encoding="utf-8")
    assert by_id["resources/eser-contact.md"].text in original  # not a character changed
    quoted = [doc for doc in loaded.documents if doc.kind != "card"]  # cards cite through their own links
    assert quoted and all(Path(doc.url).anchor == "" and doc.url.startswith("http") for doc in quoted)
