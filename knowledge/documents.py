"""The loaded form of a knowledge-base file, before chunking."""

from __future__ import annotations

from pydantic import BaseModel, Field

from knowledge.models import ContentKind


class SourceDocument(BaseModel, frozen=True):
    """One document read from a file (or an organiser's event), ready to chunk.

    Attributes:
        doc_id: Stable id: the path relative to its content root (``resources/x.md``) or ``event:<id>``.
        kind: resource, funding or event.
        title: Document title.
        url: Source link a member can follow.
        text: Markdown body (headings drive chunking; ``Source: [t](url)`` lines set section links).
        language: ISO 639-1 code.
        metadata: Scalar metadata kept on every chunk (see ``knowledge.models.Chunk``).
        source_root: Where it came from, so a re-ingest of that root can remove deleted documents.
        source_urls: Further sources the file declares (a funding entry's ``sources``, an event's
            sign-up page); links to their sites may stay in the text.
    """

    doc_id: str
    kind: ContentKind
    title: str
    url: str
    text: str
    language: str = "en"
    metadata: dict[str, str | int | float | bool] = Field(default_factory=dict)
    source_root: str = ""
    source_urls: tuple[str, ...] = ()


class LoadError(BaseModel, frozen=True):
    """A file that could not be loaded, with where and why, for the ingest report."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class Finding(BaseModel, frozen=True):
    """Text held back from the index because members should never see it, for the ingest report.

    Attributes:
        path: The file.
        line: Where in the file, when the file shows it.
        reason: Why it was held back.
        excerpt: The start of what was held back.
    """

    path: str
    line: int | None = None
    reason: str
    excerpt: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}: “{self.excerpt}”" if self.excerpt else f"{where}: {self.reason}"


def pipe_join(values: object) -> str:
    """Store a list as ``|a|b|`` so a substring test filters on it (Chroma metadata is scalar)."""
    if values is None or values == "":
        return ""
    items = [values] if isinstance(values, str) else list(values)  # type: ignore[call-overload]
    cleaned = [str(item).strip() for item in items if str(item).strip()]
    return "|" + "|".join(cleaned) + "|" if cleaned else ""


def pipe_split(value: object) -> list[str]:
    """Inverse of ``pipe_join``."""
    if not isinstance(value, str) or not value:
        return []
    return [part for part in value.strip("|").split("|") if part]
