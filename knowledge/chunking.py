"""Split documents along their headings into chunks that keep the document's metadata."""

from __future__ import annotations

import hashlib
import re

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from knowledge.documents import SourceDocument
from knowledge.models import Chunk

SOURCE_LINE = re.compile(r"^\s*Sources?:\s*(.+)$", re.IGNORECASE)
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
BARE_URL = re.compile(r"https?://\S+")
MAX_CHARS = 1200


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "section"


def _section_source(text: str) -> tuple[str, str | None, str | None]:
    """Remove ``Source:`` lines; return the cleaned text and the first source's title and URL."""
    kept: list[str] = []
    title: str | None = None
    url: str | None = None
    for line in text.splitlines():
        match = SOURCE_LINE.match(line)
        if match:
            if url is None:
                link = MARKDOWN_LINK.search(match.group(1))
                if link:
                    title, url = link.group(1), link.group(2)
                else:
                    bare = BARE_URL.search(match.group(1))
                    url = bare.group(0).rstrip(".,;)") if bare else None
            continue
        kept.append(line)
    return "\n".join(kept).strip(), title, url


def content_hash(text: str, metadata: dict[str, str | int | float | bool]) -> str:
    """Hash of what gets embedded and stored, so any change re-indexes the chunk."""
    payload = text + "\x00" + repr(sorted(metadata.items()))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def root_tag(source_root: str) -> str:
    """A short, stable tag of a content root, so that two roots holding the same relative path never
    share chunk ids ("" for documents without a root)."""
    return hashlib.sha256(source_root.encode("utf-8")).hexdigest()[:6] if source_root else ""


def chunk_document(document: SourceDocument) -> list[Chunk]:
    """Split ``document`` along ``#``/``##``/``###`` headings, then by size.

    Chunk ids are stable: ``<root tag>/<doc_id>::<section-slug>::<k>``; an edit elsewhere in the
    document leaves the ids (and embeddings) of untouched sections alone.
    """
    header_splitter = MarkdownHeaderTextSplitter(
        headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")], strip_headers=True
    )
    size_splitter = RecursiveCharacterTextSplitter(chunk_size=MAX_CHARS, chunk_overlap=120)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    tag = root_tag(document.source_root)
    id_prefix = f"{tag}/{document.doc_id}" if tag else document.doc_id
    for section in header_splitter.split_text(document.text):
        body, source_title, source_url = _section_source(section.page_content)
        if not body:
            continue
        heading = section.metadata.get("h3") or section.metadata.get("h2") or ""
        slug = _slug(heading) if heading else "intro"
        for piece in size_splitter.split_text(body):
            index = seen.get(slug, 0)
            seen[slug] = index + 1
            metadata = dict(document.metadata)
            metadata.update(
                {
                    "kind": document.kind,
                    "doc_id": document.doc_id,
                    "doc_title": document.title,
                    "section": heading,
                    "language": document.language,
                    "source_root": document.source_root,
                    "source_title": source_title or document.title,
                }
            )
            url = source_url or document.url
            metadata["url"] = url
            metadata["hash"] = content_hash(piece, metadata)
            chunks.append(
                Chunk(
                    id=f"{id_prefix}::{slug}::{index}",
                    doc_id=document.doc_id,
                    text=piece,
                    title=document.title if not heading else f"{document.title} — {heading}",
                    url=url,
                    metadata=metadata,
                )
            )
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What the embedder sees: the title path gives a short section its context."""
    return f"{chunk.title}\n{chunk.text}"
