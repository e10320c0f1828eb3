"""Split documents into sections: one chunk per answerable unit, with its heading path.

A Markdown document is cut at every ``#``/``##``/``###`` heading; each section keeps the path of
headings above it (``Title — Section — Subsection``), its own ``Source:`` link and the document's
metadata. A section longer than ``MAX_CHARS`` is cut between paragraphs, then between sentences, so
every chunk still holds whole sentences. Answer cards are chunked by ``knowledge.card_index``.

The splitter is our own, one pass over the lines: langchain's Markdown and recursive splitters
re-scan the text for every separator, which took minutes on a 50 MB file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from knowledge.chunk_ids import content_hash, id_prefix, root_tag
from knowledge.documents import SourceDocument
from knowledge.models import Chunk

__all__ = ["MAX_CHARS", "chunk_document", "content_hash", "embedding_text", "root_tag"]

SOURCE_LINE = re.compile(r"^\s*Sources?:\s*(.+)$", re.IGNORECASE)
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
BARE_URL = re.compile(r"https?://\S+")
HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
MAX_CHARS = 1200


@dataclass
class _Section:
    path: tuple[str, ...]
    lines: list[str] = field(default_factory=list)
    source_title: str | None = None
    source_url: str | None = None

    def add(self, line: str) -> None:
        match = SOURCE_LINE.match(line)
        if not match:
            self.lines.append(line)
            return
        if self.source_url is None:
            link = MARKDOWN_LINK.search(match.group(1))
            if link:
                self.source_title, self.source_url = link.group(1), link.group(2)
            else:
                bare = BARE_URL.search(match.group(1))
                self.source_url = bare.group(0).rstrip(".,;)") if bare else None


def _sections(text: str) -> Iterator[_Section]:
    """The sections of a Markdown text in order, one pass over its lines."""
    headings: list[str] = []  # h1, h2, h3 in force
    current = _Section(path=())
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            yield current
            level = len(heading.group(1))
            headings = [*headings[: level - 1], *[""] * max(0, level - 1 - len(headings))][: level - 1]
            headings.append(heading.group(2).strip())
            current = _Section(path=tuple(headings))
            continue
        current.add(line)
    yield current


def _pieces(body: str, limit: int = MAX_CHARS) -> Iterator[str]:
    """``body`` cut into pieces of at most ``limit`` characters, between paragraphs where possible,
    else between sentences, else between words (each step linear in the text's length)."""
    piece: list[str] = []
    size = 0
    for paragraph in re.split(r"\n\s*\n", body):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        units = [paragraph] if len(paragraph) <= limit else _small_units(paragraph, limit)
        for unit in units:
            if piece and size + len(unit) + 2 > limit:
                yield "\n\n".join(piece)
                piece, size = [], 0
            piece.append(unit)
            size += len(unit) + 2
    if piece:
        yield "\n\n".join(piece)


def _small_units(paragraph: str, limit: int) -> Iterator[str]:
    line: list[str] = []
    size = 0
    for sentence in SENTENCE_BREAK.split(paragraph):
        words = [sentence] if len(sentence) <= limit else sentence.split()
        for word in words:
            if line and size + len(word) + 1 > limit:
                yield " ".join(line)
                line, size = [], 0
            line.append(word[:limit])
            size += len(word[:limit]) + 1
    if line:
        yield " ".join(line)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "section"


def chunk_document(document: SourceDocument) -> list[Chunk]:
    """Split ``document`` into section chunks (answer cards into their phrasings).

    Chunk ids are stable: ``<root tag>/<doc_id>::<section-slug>::<k>``; an edit elsewhere in the
    document leaves the ids (and embeddings) of untouched sections alone.
    """
    if document.kind == "card":
        from knowledge.card_index import card_chunks  # the card module imports this one's helpers

        return card_chunks(document)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    prefix = id_prefix(document)
    for section in _sections(document.text):
        body = "\n".join(section.lines).strip()
        if not body:
            continue
        # The document title is the h1; the path below it names the section.
        below_title = [part for part in section.path[1:] if part] if section.path else []
        heading = below_title[-1] if below_title else ""
        slug = _slug(heading) if heading else "intro"
        title = " — ".join([document.title, *below_title])
        for piece in _pieces(body):
            index = seen.get(slug, 0)
            seen[slug] = index + 1
            metadata = dict(document.metadata)
            metadata.update(
                {
                    "kind": document.kind,
                    "doc_id": document.doc_id,
                    "doc_title": document.title,
                    "section": heading,
                    "section_path": " — ".join(below_title),
                    "language": document.language,
                    "source_root": document.source_root,
                    "source_title": section.source_title or document.title,
                }
            )
            url = section.source_url or document.url
            metadata["url"] = url
            metadata["hash"] = content_hash(piece, metadata)
            chunks.append(
                Chunk(
                    id=f"{prefix}::{slug}::{index}",
                    doc_id=document.doc_id,
                    text=piece,
                    title=title,
                    url=url,
                    metadata=metadata,
                )
            )
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What the embedder sees: the heading path gives a short section its context."""
    if chunk.metadata.get("kind") in ("card_question",):
        return chunk.text
    return f"{chunk.title}\n{chunk.text}"
