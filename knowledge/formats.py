"""Read each supported file format into ``SourceDocument``s (before any safety check).

Every document needs a source link a member can follow: Markdown gives it in the front matter
(``url``), HTML in ``<link rel="canonical">``, YAML in ``url``; a plain-text file in a first line
``Source: https://...`` (or ``Source: [title](https://...)``); any of them, PDFs included, in a
sidecar file beside it named ``<file>.source`` holding the link the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from knowledge.card_index import card_document
from knowledge.cards import CardProblem, entries_with_lines, is_card, parse_card
from knowledge.documents import SourceDocument, pipe_join
from knowledge.events import event_document, event_from_ics, event_from_mapping
from knowledge.funding import funding_document
from knowledge.hidden_html import drop_hidden, strip_markup
from knowledge.safe_yaml import YamlError, load_yaml, load_yaml_node

SOURCE_DECLARATION = re.compile(
    r"^\s*Source:\s*(?:\[(?P<title>[^\]]*)\]\(\s*(?P<linked>[^)\s]+)\s*\)|(?P<bare>\S+))\s*$", re.IGNORECASE
)


class FileLoadError(Exception):
    """Raised by a reader; carries the line when the format has one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class Read:
    """What a reader found: the documents, the file's text (for line numbers) and hidden parts dropped."""

    def __init__(self, documents: list[SourceDocument], raw: str | None, hidden: int = 0) -> None:
        self.documents = documents
        self.raw = raw
        self.hidden = hidden


def _yaml(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    try:
        return load_yaml_node(text, source=str(path))
    except YamlError as error:
        raise FileLoadError(error.problem, error.line) from None


def common_metadata(meta: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Audience, regions, tags and update date, as every chunk stores them."""
    updated = meta.get("updated") or meta.get("last_checked") or ""
    return {
        "audience": pipe_join(meta.get("audience") or ["all"]),
        "regions": pipe_join(meta.get("regions") or meta.get("region") or ["EU"]),
        "tags": pipe_join(meta.get("tags") or meta.get("topics") or []),
        "updated": updated.isoformat() if isinstance(updated, dt.date) else str(updated),
    }


def declared_source(line: str) -> tuple[str | None, str] | None:
    """``(title, url)`` from a ``Source: ...`` declaration line, or None when it is not one."""
    match = SOURCE_DECLARATION.match(line)
    if not match:
        return None
    return match.group("title"), match.group("linked") or match.group("bare")


def sidecar_source(path: Path) -> tuple[str | None, str] | None:
    """The source declared in ``<file>.source`` beside ``path``, if there is one."""
    sidecar = path.with_name(path.name + ".source")
    if not sidecar.is_file() or sidecar.stat().st_size > 4096:
        return None
    for line in sidecar.read_text(encoding="utf-8").splitlines():
        if line.strip():
            return declared_source(line) or declared_source(f"Source: {line.strip()}")
    return None


class _SafeFrontMatter(YAMLHandler):
    """python-frontmatter's YAML handler, parsing with the alias and size limits."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def load(self, fm: str, **kwargs: object) -> Any:
        # python-frontmatter hands YAML the text from the end of the opening '---' line, newline
        # included, so YAML's line numbers are already the file's.
        try:
            return load_yaml(fm, source=str(self.path))
        except YamlError as error:
            problem = error.problem.removeprefix("malformed YAML: ")
            raise FileLoadError(f"malformed front matter: {problem}", error.line) from None


def read_markdown(path: Path, doc_id: str) -> Read:
    raw = path.read_text(encoding="utf-8")
    post = frontmatter.loads(raw, handler=_SafeFrontMatter(path))
    meta = dict(post.metadata)
    body, hidden = strip_markup(post.content.strip())
    body = body.strip()
    title = str(meta.get("title") or _first_heading(body) or path.stem.replace("-", " ").title())
    declared = sidecar_source(path)
    url = str(meta.get("url") or meta.get("source") or (declared[1] if declared else ""))
    if not body:
        raise FileLoadError("no text after the front matter")
    document = SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=title,
        url=url,
        text=body,
        language=str(meta.get("language") or "en"),
        metadata=common_metadata(meta),
    )
    return Read([document], raw, hidden)


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def read_html(path: Path, doc_id: str) -> Read:
    from selectolax.lexbor import LexborHTMLParser

    raw = path.read_text(encoding="utf-8")
    tree = LexborHTMLParser(raw)
    for node in tree.css("script, style, nav, footer, header, noscript"):
        node.decompose()
    hidden = drop_hidden(tree)
    title_node = tree.css_first("title") or tree.css_first("h1")
    title = title_node.text(strip=True) if title_node else path.stem
    canonical = tree.css_first('link[rel="canonical"]')
    declared = sidecar_source(path)
    url = (canonical.attributes.get("href") if canonical else None) or (declared[1] if declared else "")
    html_node = tree.css_first("html")
    lang = (html_node.attributes.get("lang") if html_node is not None else None) or "en"
    blocks: list[str] = []
    body = tree.body or tree.root
    if body is not None:
        for node in body.css("h1, h2, h3, p, li"):
            text = node.text(separator=" ", strip=True)
            if not text:
                continue
            prefix = {"h1": "# ", "h2": "## ", "h3": "### ", "li": "- "}.get(node.tag or "", "")
            blocks.append(prefix + text)
    if not blocks:
        raise FileLoadError("no readable text in the HTML body")
    document = SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=title,
        url=str(url),
        text="\n\n".join(blocks),
        language=str(lang)[:2],
        metadata=common_metadata({}),
    )
    return Read([document], raw, hidden)


def read_pdf(path: Path, doc_id: str, max_chars: int) -> Read:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages: list[str] = []
        total = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            total += len(pages[-1])
            if total > max_chars:
                raise FileLoadError(f"more than {max_chars:,} characters of text (ESER_MAX_FILE_BYTES)")
    except PdfReadError as error:
        raise FileLoadError(f"not a readable PDF: {error}") from error
    text = "\n\n".join(
        f"## Page {number}\n\n{page.strip()}" for number, page in enumerate(pages, 1) if page.strip()
    )
    if not text:
        raise FileLoadError("the PDF has no extractable text (scanned image?)")
    info_title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    declared = sidecar_source(path)
    document = SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=str((declared and declared[0]) or info_title or path.stem.replace("-", " ").title()),
        url=declared[1] if declared else "",
        text=text,
        metadata=common_metadata({}),
    )
    return Read([document], None)


def read_text(path: Path, doc_id: str) -> Read:
    raw = path.read_text(encoding="utf-8")
    lines = raw.strip().splitlines()
    declared = declared_source(lines[0]) if lines else None
    if declared:
        lines = lines[1:]
    else:
        declared = sidecar_source(path)
    text = "\n".join(lines).strip()
    if not text:
        raise FileLoadError("empty file")
    document = SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=(declared and declared[0]) or path.stem.replace("-", " ").replace("_", " ").title(),
        url=declared[1] if declared else "",
        text=text,
        metadata=common_metadata({}),
    )
    return Read([document], raw)


def read_yaml(path: Path, doc_id: str, *, event_link: str) -> Read:
    """Read a YAML file of answer cards, funding entries or events.

    Args:
        path: The file.
        doc_id: Its document id (entries of a list get ``#<n>`` appended).
        event_link: The link of an event that gives none of its own (see ``event_document``).
    """
    raw = path.read_text(encoding="utf-8")
    node, data = _yaml(raw, path)
    entries = data if isinstance(data, list) else [data]
    if entries and is_card(entries[0]):
        return Read(_cards(entries_with_lines(node, data), path, doc_id), raw)
    docs: list[SourceDocument] = []
    for index, entry in enumerate(entries):
        entry_id = doc_id if len(entries) == 1 else f"{doc_id}#{index}"
        if not isinstance(entry, dict):
            raise FileLoadError(f"entry {index + 1} is not a mapping of fields")
        try:
            if "start" in entry:
                event = event_from_mapping(entry, default_id=Path(doc_id).stem)
                doc = event_document(
                    event, doc_id=entry_id, fallback_url=event_link, metadata=common_metadata(entry)
                )
                extra: tuple[str, ...] = (event.signup_url, event.online_url)
            elif "programme" in entry:
                doc = funding_document(entry, doc_id=entry_id, metadata=common_metadata(entry))
                sources = entry.get("sources") or []
                extra = tuple(str(url) for url in (sources if isinstance(sources, list) else [sources]))
            else:
                raise ValueError("neither a funding entry (needs 'programme') nor an event (needs 'start')")
        except ValueError as error:
            raise FileLoadError(f"entry {index + 1}: {error}") from error
        docs.append(doc.model_copy(update={"source_urls": tuple(url for url in extra if url)}))
    return Read(docs, raw)


def _cards(entries: list[tuple[int | None, Any]], path: Path, doc_id: str) -> list[SourceDocument]:
    docs: list[SourceDocument] = []
    for line, entry in entries:
        parsed = parse_card(entry, path=str(path), line=line)
        if isinstance(parsed, CardProblem):
            raise FileLoadError(f"card {parsed.card!r}: {parsed.message}", line)
        docs.append(card_document(parsed.card, doc_id=f"{doc_id}#{parsed.card.id}"))
    return docs


def read_ics(path: Path, doc_id: str, *, event_link: str) -> Read:
    """Read every event of an iCalendar file (``event_link``: see ``read_yaml``)."""
    data = path.read_bytes()
    events = event_from_ics(data)
    if not events:
        raise FileLoadError("no VEVENT in the calendar")
    docs = [
        event_document(
            event,
            doc_id=doc_id if len(events) == 1 else f"{doc_id}#{event.id}",
            fallback_url=event_link,
            metadata=common_metadata({"regions": [event.region], "tags": list(event.topics)}),
        ).model_copy(update={"source_urls": tuple(u for u in (event.signup_url, event.online_url) if u)})
        for event in events
    ]
    return Read(docs, data.decode("utf-8", errors="replace"))
