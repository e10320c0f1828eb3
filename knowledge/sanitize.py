"""Make a loaded document safe to index: the text members may be quoted, nothing else.

Runs on every file-based document before chunking:

- ``Source:`` lines whose link is not http(s) (or not on an allowed domain) are dropped, so a
  section never cites ``javascript:`` or ``file:``;
- sentences that ask for credentials, read like instructions to the assistant, or link to a site
  other than the document's own sources (and ``ESER_SOURCE_DOMAINS``) are removed;
- ``[n]`` sequences become ``(n)``, so that text never looks like the bot's citation markers.

Each removal is a ``Finding`` naming the file and, where the raw file shows it, the line.
"""

from __future__ import annotations

import re

from knowledge.documents import Finding, SourceDocument
from knowledge.links import ContentPolicy, host_of, site_of
from knowledge.suspicious import links_in, suspicion

SOURCE_LINE = re.compile(r"^\s*Sources?:\s*(.+)$", re.IGNORECASE)
LINK = re.compile(r"\[([^\]]*)\]\(\s*([^)\s]+)[^)]*\)")
# "[2]", "[1, 3]", "[2-4]" — but not a Markdown link's text "[2](https://...)".
BRACKETED_NUMBERS = re.compile(r"\[(\s*\d{1,4}(?:\s*[,;–-]\s*\d{1,4})*\s*)\](?!\()")
BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\||```)")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
EXCERPT_CHARS = 100


def neutralise_markers(text: str) -> str:
    """``[2]`` → ``(2)``: only the bot writes citation markers."""
    return BRACKETED_NUMBERS.sub(r"(\1)", text)


def source_line_url(line: str) -> str | None:
    """The link a ``Source:`` line gives (its first Markdown link, else its first link-like token)."""
    match = SOURCE_LINE.match(line)
    if not match:
        return None
    link = LINK.search(match.group(1))
    if link:
        return link.group(2)
    tokens = links_in(match.group(1))
    return tokens[0] if tokens else match.group(1).strip()


def own_sites(document: SourceDocument, policy: ContentPolicy) -> set[str]:
    """Registrable domains of the document's own sources: its URL, declared sources and safe Source lines."""
    urls = [document.url, *document.source_urls]
    urls += [url for line in document.text.splitlines() if (url := source_line_url(line))]
    sites = set()
    for url in urls:
        host = host_of(url)
        if host and policy.source_problem(url) is None:
            sites.add(site_of(host))
    return sites


class _Sanitiser:
    """One document's pass; collects findings as it goes."""

    def __init__(self, document: SourceDocument, policy: ContentPolicy, path: str, raw: str | None) -> None:
        self.policy = policy
        self.path = path
        self.raw = raw
        self.sites = own_sites(document, policy)
        self.findings: list[Finding] = []

    def finding(self, reason: str, excerpt: str, needle: str) -> None:
        excerpt = " ".join(excerpt.split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
        self.findings.append(
            Finding(path=self.path, line=self.line_of(needle), reason=reason, excerpt=excerpt)
        )

    def line_of(self, needle: str) -> int | None:
        if not self.raw or not needle.strip():
            return None
        for candidate in (needle, " ".join(needle.split()[:3])):
            index = self.raw.find(candidate)
            if index < 0:
                index = self.raw.lower().find(candidate.lower())
            if index >= 0:
                return self.raw.count("\n", 0, index) + 1
        return None

    def source_line(self, line: str) -> bool:
        """Whether a ``Source:`` line may stay."""
        url = source_line_url(line) or ""
        problem = self.policy.source_problem(url)
        if problem is None:
            return True
        self.finding(f"source link dropped ({problem})", line, url or line)
        return False

    def paragraph(self, lines: list[str]) -> list[str]:
        """The paragraph's lines, or its kept sentences on one line when any had to go."""
        text = " ".join(line.strip() for line in lines)
        prefix = ""
        if marker := re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", lines[0]):
            prefix, text = marker.group(0).strip() + " ", text[len(marker.group(0).strip()) :].strip()
        kept: list[str] = []
        for sentence in SENTENCE_END.split(text):
            found = suspicion(sentence, policy=self.policy, own_sites=self.sites)
            if found is None:
                kept.append(sentence)
            else:
                self.finding(found.reason, sentence, found.needle)
        if len(kept) == len(SENTENCE_END.split(text)):
            return lines
        return [prefix + " ".join(kept)] if kept else []

    def text(self, text: str) -> str:
        out: list[str] = []
        block: list[str] = []

        def flush() -> None:
            if block:
                out.extend(self.paragraph(block))
                block.clear()

        for line in text.splitlines():
            if SOURCE_LINE.match(line):
                flush()
                if self.source_line(line):
                    out.append(line)
            elif not line.strip() or line.lstrip().startswith("#"):
                flush()
                out.append(line)
            else:
                if BLOCK_START.match(line):
                    flush()
                block.append(line)
        flush()
        return neutralise_markers("\n".join(out))


def sanitise(
    document: SourceDocument, *, policy: ContentPolicy, path: str, raw: str | None = None
) -> tuple[SourceDocument, list[Finding]]:
    """The document with unsafe sentences and source lines removed, and what was removed.

    Args:
        document: As loaded.
        policy: The content policy (allowed domains).
        path: The file, for the findings.
        raw: The file's text, to find each finding's line (None for binary formats).
    """
    sanitiser = _Sanitiser(document, policy, path, raw)
    text = sanitiser.text(document.text)
    title = neutralise_markers(document.title)
    return document.model_copy(update={"text": text, "title": title}), sanitiser.findings
