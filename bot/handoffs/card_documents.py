"""What a published organiser card puts into the index: the card itself (in the cards collection)
and the small source document it cites — the organiser's link when they gave one, else
"ESER organisers, <date>" linked to the ESER page."""

from __future__ import annotations

from bot.handoffs.models import OrganiserCard
from knowledge.card_index import card_document
from knowledge.cards import AnswerCard, CardSource
from knowledge.documents import SourceDocument

SOURCE_ROOT = "db:organiser-cards"
CITED_AS = "ESER organisers, {date}"


def card_doc_id(card_id: str) -> str:
    """The index document id of a published organiser card."""
    return f"organiser-card:{card_id}"


def note_doc_id(card_id: str) -> str:
    """The index document id of the source an organiser card cites."""
    return f"organisers/{card_id}"


def indexed_documents(card: OrganiserCard, fallback_url: str) -> list[SourceDocument]:
    """The card and the source it cites, as documents to index."""
    date = (card.published_at or card.updated_at).date().isoformat()
    title = CITED_AS.format(date=date)
    # Each sentence of a card answer carries its [n]; an organiser's answer cites its one source.
    answers = {lang: f"{text.rstrip()} [1]" for lang, text in card.answers.items() if text.strip()}
    written_in = next(iter(card.answers), "en")
    answer_card = AnswerCard(
        id=card.id,
        questions=card.questions,
        answer=answers,
        sources=[CardSource(doc=note_doc_id(card.id))],
        last_checked=(card.published_at or card.updated_at).date(),
    )
    note = SourceDocument(
        doc_id=note_doc_id(card.id),
        kind="resource",
        title=title,
        url=card.source_url or fallback_url,
        text=f"# {title}\n\n{card.answers.get(written_in, '')}",
        language=written_in,
        metadata={"source_title": title},
        source_root=SOURCE_ROOT,
    )
    return [card_document(answer_card, doc_id=card_doc_id(card.id), source_root=SOURCE_ROOT), note]
