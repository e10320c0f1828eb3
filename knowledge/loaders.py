"""Load one knowledge-base file into safe ``SourceDocument``s, or a ``LoadError`` saying why not.

Markdown (front matter), HTML, PDF, plain text, YAML (funding entries and events) and iCalendar
(see ``knowledge.formats``). On the way: files over the size limit are refused before they are
read; a document needs an http(s) source link (on an allowed domain when ``ESER_SOURCE_DOMAINS`` is
set); hidden HTML is dropped; unsafe sentences and source lines are removed and reported
(``knowledge.sanitize``). A file that cannot be loaded is reported with its line where the format
has lines; the caller goes on with the other files.
"""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.discovery import SKIPPED_NAMES, SUPPORTED_SUFFIXES, content_root, discover, root_label
from knowledge.documents import Finding, LoadError, SourceDocument
from knowledge.formats import (
    FileLoadError,
    Read,
    read_html,
    read_ics,
    read_markdown,
    read_pdf,
    read_text,
    read_yaml,
)
from knowledge.links import ContentPolicy
from knowledge.sanitize import sanitise

__all__ = [
    "SKIPPED_NAMES",
    "SUPPORTED_SUFFIXES",
    "FileLoadError",
    "Loaded",
    "content_root",
    "discover",
    "load_file",
    "read_file",
    "root_label",
]
PDF_SIZE_FACTOR = 10  # a PDF's bytes are mostly fonts and images; its text must still fit the limit
HOW_TO_DECLARE = {
    ".md": "add 'url: https://...' to the front matter",
    ".markdown": "add 'url: https://...' to the front matter",
    ".html": 'add <link rel="canonical" href="https://..."> or a sidecar file {name}.source',
    ".htm": 'add <link rel="canonical" href="https://..."> or a sidecar file {name}.source',
    ".txt": "start the file with a line 'Source: https://...' or add a sidecar file {name}.source",
    ".pdf": "add a sidecar file {name}.source holding the link",
    ".yaml": "give each entry 'url: https://...'",
    ".yml": "give each entry 'url: https://...'",
    ".ics": "give each VEVENT a URL",
}


class Loaded:
    """A file's documents, ready to chunk, and the sentences and links held back from them."""

    def __init__(self, documents: list[SourceDocument], findings: list[Finding]) -> None:
        self.documents = documents
        self.findings = findings


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


def _read(path: Path, doc_id: str, policy: ContentPolicy, event_link: str) -> Read:
    suffix = path.suffix.lower()
    size = path.stat().st_size
    limit = policy.max_file_bytes * (PDF_SIZE_FACTOR if suffix == ".pdf" else 1)
    if size > limit:
        raise FileLoadError(f"too large ({_mb(size)}; the limit is {_mb(limit)}, ESER_MAX_FILE_BYTES)")
    if suffix in (".md", ".markdown"):
        return read_markdown(path, doc_id)
    if suffix in (".html", ".htm"):
        return read_html(path, doc_id)
    if suffix == ".pdf":
        return read_pdf(path, doc_id, policy.max_file_bytes)
    if suffix == ".txt":
        return read_text(path, doc_id)
    if suffix in (".yaml", ".yml"):
        return read_yaml(path, doc_id, event_link=event_link)
    if suffix == ".ics":
        return read_ics(path, doc_id, event_link=event_link)
    raise FileLoadError(f"unsupported file type {suffix!r}")


def _line_of(raw: str | None, needle: str) -> int | None:
    if not raw or not needle:
        return None
    match = re.search(rf"^\s*(?:url|source)\s*:\s*['\"]?{re.escape(needle[:40])}", raw, re.MULTILINE)
    index = match.start() if match else raw.find(needle)
    return raw.count("\n", 0, index) + 1 if index >= 0 else None


def _check_sources(path: Path, read: Read, policy: ContentPolicy) -> None:
    for document in _quotable(read.documents):
        if not document.url.strip():
            how = HOW_TO_DECLARE.get(path.suffix.lower(), "declare its source link").format(name=path.name)
            raise FileLoadError(f"no source link: {how}")
        if problem := policy.source_problem(document.url):
            raise FileLoadError(f"source link refused ({problem})", _line_of(read.raw, document.url.strip()))


def _quotable(documents: list[SourceDocument]) -> list[SourceDocument]:
    # Answer cards are the team's curated answers: their text is the card as JSON, their citations
    # are checked by knowledge.cards, and their [n] markers are meant. Everything else is quoted.
    return [document for document in documents if document.kind != "card"]


def read_file(
    root: Path, path: Path, policy: ContentPolicy | None = None, *, event_link: str = ""
) -> Loaded | LoadError:
    """Load one file, with its safety findings.

    Args:
        root: The content root the file was found under (document ids are relative to it).
        path: The file.
        policy: Allowed source domains and the size limit (defaults when None).
        event_link: The link of an event that gives none of its own (the configured Social
            Economy Gateway); empty: such an event is refused for want of a source link.

    Returns:
        Its documents (an ``.ics`` may hold several events) and findings, or the error.
    """
    policy = policy or ContentPolicy()
    doc_id = path.relative_to(root).as_posix()
    source_root = root_label(root)
    try:
        read = _read(path, doc_id, policy, event_link)
        _check_sources(path, read, policy)
    except FileLoadError as error:
        return LoadError(path=str(path), message=str(error), line=error.line)
    except UnicodeDecodeError as error:
        return LoadError(path=str(path), message=f"not UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:
        return LoadError(path=str(path), message=f"unreadable: {error.strerror or error}")
    except Exception as error:  # a parser library's own error: report it, never stop the ingest
        return LoadError(path=str(path), message=f"{type(error).__name__}: {error}")
    findings: list[Finding] = []
    if read.hidden:
        findings.append(Finding(path=str(path), reason=f"hidden HTML dropped ({read.hidden} element(s))"))
    documents: list[SourceDocument] = []
    for document in read.documents:
        if document.kind != "card":
            document, found = sanitise(document, policy=policy, path=str(path), raw=read.raw)
            findings.extend(found)
        documents.append(document.model_copy(update={"source_root": source_root}))
    return Loaded(documents, findings)


def load_file(
    root: Path, path: Path, policy: ContentPolicy | None = None, *, event_link: str = ""
) -> list[SourceDocument] | LoadError:
    """Load one file (see ``read_file``), without its findings."""
    result = read_file(root, path, policy, event_link=event_link)
    return result if isinstance(result, LoadError) else result.documents
