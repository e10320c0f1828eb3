"""Stable chunk ids and content hashes (shared by the document chunker and the answer cards)."""

from __future__ import annotations

import hashlib

from knowledge.documents import SourceDocument


def content_hash(text: str, metadata: dict[str, str | int | float | bool]) -> str:
    """Hash of what gets embedded and stored, so any change re-indexes the chunk."""
    payload = text + "\x00" + repr(sorted(metadata.items()))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def root_tag(source_root: str) -> str:
    """A short, stable tag of a content root, so that two roots holding the same relative path never
    share chunk ids ("" for documents without a root)."""
    return hashlib.sha256(source_root.encode("utf-8")).hexdigest()[:6] if source_root else ""


def id_prefix(document: SourceDocument) -> str:
    """``<root tag>/<doc_id>``: the prefix of every chunk id of ``document``."""
    tag = root_tag(document.source_root)
    return f"{tag}/{document.doc_id}" if tag else document.doc_id
