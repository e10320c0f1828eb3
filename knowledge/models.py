"""Data models of the knowledge layer: documents, chunks, passages, filters and cited answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

ContentKind = Literal["resource", "funding", "event", "card"]
PASSAGE_KINDS: tuple[str, ...] = ("resource", "funding", "event")
# An answer card is indexed as its question phrasings and one chunk holding the card itself.
CARD_QUESTION = "card_question"  # a chunk holding one phrasing of an answer card
CARD_KINDS: tuple[str, ...] = ("card", CARD_QUESTION)


class Citation(BaseModel, frozen=True):
    """A numbered source drawn by the renderer; never text a model invents.

    Attributes:
        n: The number used by the ``[n]`` markers in the answer text.
        title: Human title of the source document.
        url: Link a member can follow.
        snippet: The passage text the answer rests on (shortened).
        doc_id: The knowledge-base document it comes from (for feedback records and evaluation).
    """

    n: int
    title: str
    url: str
    snippet: str = ""
    doc_id: str = ""


class Action(BaseModel, frozen=True):
    """A link button attached to an answer, such as an event sign-up."""

    label: str
    url: str
    kind: Literal["signup", "source", "calendar"] = "signup"


class Chunk(BaseModel, frozen=True):
    """One indexed piece of a document, with its document's metadata.

    ``metadata`` holds only scalar values (str, int, float, bool) so that it can be stored in Chroma;
    list-valued fields are stored joined with ``|`` and wrapped in ``|`` (e.g. ``|fr|be|``) so that a
    substring test can filter on them.
    """

    id: str
    doc_id: str
    text: str
    title: str
    url: str
    metadata: dict[str, str | int | float | bool] = Field(default_factory=dict)


class Passage(BaseModel, frozen=True):
    """A retrieved chunk with its fused relevance score (higher is better)."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


class SearchFilters(BaseModel, frozen=True):
    """Metadata filters applied to both dense and lexical retrieval.

    Attributes:
        kinds: Restrict to these content kinds.
        languages: Restrict to documents in these languages.
        regions: Keep documents concerning one of these regions (ISO alpha-2) or the whole EU.
        audiences: Keep documents for one of these audiences (or for ``all``).
        tags: Keep documents carrying one of these tags.
        starts_after: Keep only events starting at or after this instant ("upcoming").
        starts_before: Keep only events starting before this instant.
        boost_regions: Rank documents about these regions higher (a member's country), without
            excluding others.
        boost_audiences: Rank documents for these audiences higher (a member's organisation type).
    """

    kinds: tuple[ContentKind, ...] = ()
    languages: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    boost_regions: tuple[str, ...] = ()
    boost_audiences: tuple[str, ...] = ()


class Answer(BaseModel):
    """A composed answer: text with ``[n]`` markers and the citations they point at.

    Attributes:
        question: The member's question as asked.
        text: Answer text whose ``[n]`` markers refer to ``citations``.
        citations: Numbered sources, each one a retrieved passage.
        grounded: False when nothing relevant was found and the text says so.
        actions: Link buttons (event sign-up pages, calendar files).
        language: ISO 639-1 code of the answer's language.
        passages: The retrieved passages in rank order (for JSON output and feedback records).
        timing_ms: Time spent per stage.
        body_language: The language the answer's sentences are in, when it differs from ``language``
            (an English passage answer to a French question); None when they are in ``language``.
        decline: Why the bot declined (``unknown``, ``out_of_scope``, ``personal_data``,
            ``credentials``, ``act_on_behalf``); None for an answer.
        card_id: The answer card the answer comes from, if any.
    """

    question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    grounded: bool = True
    actions: list[Action] = Field(default_factory=list)
    language: str = "en"
    passages: list[Passage] = Field(default_factory=list)
    timing_ms: dict[str, float] = Field(default_factory=dict)
    body_language: str | None = None
    decline: str | None = None
    card_id: str | None = None


class EventData(BaseModel, frozen=True):
    """One event, as read from YAML/``.ics`` in the knowledge base or stored by an organiser.

    Attributes:
        id: Stable id (file slug, iCalendar UID or database id).
        title: Event title.
        start: Start, timezone-aware.
        end: End, timezone-aware (may equal start when unknown).
        timezone: IANA zone name of the event's local time.
        place: Venue text, or "Online".
        online_url: Link to join online, if any.
        description: Free text.
        signup_url: Registration page, if any.
        url: Source or info page.
        organiser: Who runs it.
        language: ISO 639-1 code.
        region: ISO alpha-2 country code or ``EU``.
        topics: Lower-case topics (same vocabulary as resource tags).
    """

    id: str
    title: str
    start: datetime
    end: datetime
    timezone: str = "Europe/Brussels"
    place: str = ""
    online_url: str = ""
    description: str = ""
    signup_url: str = ""
    url: str = ""
    organiser: str = ""
    language: str = "en"
    region: str = "EU"
    topics: tuple[str, ...] = ()
