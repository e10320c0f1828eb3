"""Answer cards in the index: each card is a document whose chunks are its question phrasings (one
vector each, for matching) and one chunk carrying the card itself; the matcher reads them back.

Cards are ingested incrementally like every other file, into a Chroma collection beside the
passages' (``<collection>--cards``), so every replica sharing a Chroma server sees the same cards.
"""

from __future__ import annotations

import json

from knowledge.cards import AnswerCard
from knowledge.chunk_ids import content_hash, id_prefix
from knowledge.documents import SourceDocument, pipe_join
from knowledge.models import CARD_QUESTION, Chunk

CARD = "card"


def card_document(card: AnswerCard, *, doc_id: str, source_root: str = "") -> SourceDocument:
    """A card as an indexable document (its JSON is the text; chunking splits it by phrasing)."""
    return SourceDocument(
        doc_id=doc_id,
        kind="card",
        title=card.id,
        url="",
        text=card.model_dump_json(),
        language="en",
        metadata={
            "card_id": card.id,
            "audience": pipe_join(card.audience),
            "regions": pipe_join(card.countries),
            "status": card.status,
        },
        source_root=source_root,
    )


def card_chunks(document: SourceDocument) -> list[Chunk]:
    """One chunk per question phrasing (embedded as a question) and one holding the card."""
    card = AnswerCard.model_validate_json(document.text)
    prefix = id_prefix(document)
    base = {**document.metadata, "doc_id": document.doc_id, "source_root": document.source_root}
    chunks: list[Chunk] = []
    for language, phrasings in sorted(card.questions.items()):
        for n, phrasing in enumerate(phrasings):
            meta: dict[str, str | int | float | bool] = {**base, "kind": CARD_QUESTION, "language": language}
            meta["hash"] = content_hash(phrasing, meta)
            chunks.append(
                Chunk(
                    id=f"{prefix}::q::{language}::{n}",
                    doc_id=document.doc_id,
                    text=phrasing,
                    title=card.id,
                    url="",
                    metadata=meta,
                )
            )
    meta = {**base, "kind": CARD, "language": "en", "card": document.text}
    meta["hash"] = content_hash(card.answer.get("en", ""), meta)
    chunks.append(
        Chunk(
            id=f"{prefix}::card",
            doc_id=document.doc_id,
            text=card.answer.get("en") or next(iter(card.answer.values()), ""),
            title=card.id,
            url="",
            metadata=meta,
        )
    )
    return chunks


def cards_from_chunks(chunks: list[Chunk]) -> dict[str, AnswerCard]:
    """The cards held by indexed chunks, by id (a card stored twice keeps its last copy)."""
    cards: dict[str, AnswerCard] = {}
    for chunk in chunks:
        if chunk.metadata.get("kind") == CARD and chunk.metadata.get("card"):
            card = AnswerCard.model_validate(json.loads(str(chunk.metadata["card"])))
            cards[card.id] = card
    return cards
