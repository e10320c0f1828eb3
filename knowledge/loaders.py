"""Read knowledge-base files of every supported format into ``SourceDocument``s.

Markdown (front matter), HTML, PDF, plain text, YAML (funding entries and events) and iCalendar.
A file that cannot be read becomes a ``LoadError`` naming the file (and line, where the format has
lines); the caller goes on with the other files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from knowledge.card_index import card_document
from knowledge.cards import CardProblem, card_entries, is_card, parse_card
from knowledge.documents import LoadError, SourceDocument, pipe_join
from knowledge.events import event_document, event_from_ics, event_from_mapping
from knowledge.funding import funding_document

SUPPORTED_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".pdf", ".txt", ".yaml", ".yml", ".ics"}
SKIPPED_NAMES = {"README.md"}


class FileLoadError(Exception):
    """Raised by a loader; carries the line when the format has one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def root_label(root: Path) -> str:
    """How a content root is recorded on its chunks: relative to the working directory when inside
    it (so that moving the checkout keeps the index valid), absolute otherwise."""
    resolved = root.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return resolved.as_posix()


def content_root(path: Path, roots: Sequence[Path]) -> Path:
    """The configured root ``path`` lies in, or the path itself (a folder) or its folder (a file)."""
    resolved = path.resolve()
    for root in roots:
        if resolved == root.resolve() or root.resolve() in resolved.parents:
            return root
    return path if path.is_dir() else path.parent


def discover(paths: Iterable[Path], roots: Sequence[Path] = ()) -> Iterator[tuple[Path, Path]]:
    """Yield ``(root, file)`` for every supported file under each path.

    Args:
        paths: Files or folders.
        roots: Configured content roots; a path inside one is identified relative to it, so that
            ingesting ``content/resources`` alone gives the same document ids as ingesting ``content``.
    """
    for path in paths:
        root = content_root(path, roots)
        if path.is_file():
            yield root, path
            continue
        for file in sorted(path.rglob("*")):
            if (
                file.is_file()
                and file.suffix.lower() in SUPPORTED_SUFFIXES
                and file.name not in SKIPPED_NAMES
                and not any(part.startswith(".") for part in file.relative_to(path).parts)
            ):
                yield root, file


def load_file(root: Path, path: Path) -> list[SourceDocument] | LoadError:
    """Load one file.

    Args:
        root: The content root the file was found under (document ids are relative to it).
        path: The file.

    Returns:
        The documents it holds (an ``.ics`` may hold several events), or the error.
    """
    doc_id = path.relative_to(root).as_posix()
    source_root = root_label(root)
    try:
        suffix = path.suffix.lower()
        if suffix in (".md", ".markdown"):
            docs = [_load_markdown(path, doc_id)]
        elif suffix in (".html", ".htm"):
            docs = [_load_html(path, doc_id)]
        elif suffix == ".pdf":
            docs = [_load_pdf(path, doc_id)]
        elif suffix == ".txt":
            docs = [_load_text(path, doc_id)]
        elif suffix in (".yaml", ".yml"):
            docs = _load_yaml(path, doc_id)
        elif suffix == ".ics":
            docs = _load_ics(path, doc_id)
        else:
            raise FileLoadError(f"unsupported file type {suffix!r}")
    except FileLoadError as error:
        return LoadError(path=str(path), message=str(error), line=error.line)
    except UnicodeDecodeError as error:
        return LoadError(path=str(path), message=f"not UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:
        return LoadError(path=str(path), message=f"unreadable: {error.strerror or error}")
    except Exception as error:  # a parser library's own error: report it, never stop the ingest
        return LoadError(path=str(path), message=f"{type(error).__name__}: {error}")
    return [doc.model_copy(update={"source_root": source_root}) for doc in docs]


def _yaml_line(error: yaml.YAMLError) -> int | None:
    # The context mark is where the broken construct starts ("budget: [open"); the problem mark is
    # often only where YAML gave up (the end of the file), so the context is the line to show.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def _common_metadata(meta: dict[str, Any]) -> dict[str, str | int | float | bool]:
    updated = meta.get("updated") or meta.get("last_checked") or ""
    return {
        "audience": pipe_join(meta.get("audience") or ["all"]),
        "regions": pipe_join(meta.get("regions") or meta.get("region") or ["EU"]),
        "tags": pipe_join(meta.get("tags") or meta.get("topics") or []),
        "updated": updated.isoformat() if isinstance(updated, dt.date) else str(updated),
    }


def _load_markdown(path: Path, doc_id: str) -> SourceDocument:
    raw = path.read_text(encoding="utf-8")
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as error:
        # python-frontmatter hands YAML the text from the end of the opening '---' line, newline
        # included, so YAML's line numbers are already the file's.
        raise FileLoadError(
            f"malformed front matter: {getattr(error, 'problem', error)}", _yaml_line(error)
        ) from error
    meta = dict(post.metadata)
    body = post.content.strip()
    title = str(meta.get("title") or _first_heading(body) or path.stem.replace("-", " ").title())
    url = str(meta.get("url") or meta.get("source") or path.resolve().as_uri())
    if not body:
        raise FileLoadError("no text after the front matter")
    return SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=title,
        url=url,
        text=body,
        language=str(meta.get("language") or "en"),
        metadata=_common_metadata(meta),
    )


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def _load_html(path: Path, doc_id: str) -> SourceDocument:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    for node in tree.css("script, style, nav, footer, header"):
        node.decompose()
    title_node = tree.css_first("title") or tree.css_first("h1")
    title = title_node.text(strip=True) if title_node else path.stem
    canonical = tree.css_first('link[rel="canonical"]')
    url = (canonical.attributes.get("href") if canonical else None) or path.resolve().as_uri()
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
    return SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=title,
        url=str(url),
        text="\n\n".join(blocks),
        language=str(lang)[:2],
        metadata=_common_metadata({}),
    )


def _load_pdf(path: Path, doc_id: str) -> SourceDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as error:
        raise FileLoadError(f"not a readable PDF: {error}") from error
    text = "\n\n".join(
        f"## Page {number}\n\n{page.strip()}" for number, page in enumerate(pages, 1) if page.strip()
    )
    if not text:
        raise FileLoadError("the PDF has no extractable text (scanned image?)")
    info_title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    return SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=str(info_title or path.stem.replace("-", " ").title()),
        url=path.resolve().as_uri(),
        text=text,
        metadata=_common_metadata({}),
    )


def _load_text(path: Path, doc_id: str) -> SourceDocument:
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise FileLoadError("empty file")
    return SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title=path.stem.replace("-", " ").replace("_", " ").title(),
        url=path.resolve().as_uri(),
        text=text,
        metadata=_common_metadata({}),
    )


def _load_yaml(path: Path, doc_id: str) -> list[SourceDocument]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FileLoadError(
            f"malformed YAML: {getattr(error, 'problem', error)}", _yaml_line(error)
        ) from error
    entries = data if isinstance(data, list) else [data]
    if entries and is_card(entries[0]):
        return _load_cards(path, doc_id)
    docs: list[SourceDocument] = []
    for index, entry in enumerate(entries):
        entry_id = doc_id if len(entries) == 1 else f"{doc_id}#{index}"
        if not isinstance(entry, dict):
            raise FileLoadError(f"entry {index + 1} is not a mapping of fields")
        try:
            if "start" in entry:
                event = event_from_mapping(entry, default_id=Path(doc_id).stem)
                docs.append(event_document(event, doc_id=entry_id, metadata=_common_metadata(entry)))
            elif "programme" in entry:
                docs.append(funding_document(entry, doc_id=entry_id, metadata=_common_metadata(entry)))
            else:
                raise ValueError("neither a funding entry (needs 'programme') nor an event (needs 'start')")
        except ValueError as error:
            raise FileLoadError(f"entry {index + 1}: {error}") from error
    return docs


def _load_cards(path: Path, doc_id: str) -> list[SourceDocument]:
    docs: list[SourceDocument] = []
    for line, entry in card_entries(path.read_text(encoding="utf-8")):
        parsed = parse_card(entry, path=str(path), line=line)
        if isinstance(parsed, CardProblem):
            raise FileLoadError(f"card {parsed.card!r}: {parsed.message}", line)
        docs.append(card_document(parsed.card, doc_id=f"{doc_id}#{parsed.card.id}"))
    return docs


def _load_ics(path: Path, doc_id: str) -> list[SourceDocument]:
    events = event_from_ics(path.read_bytes())
    if not events:
        raise FileLoadError("no VEVENT in the calendar")
    return [
        event_document(
            event,
            doc_id=doc_id if len(events) == 1 else f"{doc_id}#{event.id}",
            metadata=_common_metadata({"regions": [event.region], "tags": list(event.topics)}),
        )
        for event in events
    ]
