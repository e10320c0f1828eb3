"""The Chroma + BM25 index: writes, deletes, and both kinds of search."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.card_index import card_chunks, card_document
from knowledge.cards import AnswerCard
from knowledge.chroma_records import chroma_client
from knowledge.chunking import chunk_document, embedding_text
from knowledge.documents import SourceDocument
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from knowledge.models import SearchFilters
from knowledge.retrieval import chroma_where


def _chunks():  # type: ignore[no-untyped-def]
    doc = SourceDocument(
        doc_id="d.md",
        kind="resource",
        title="Doc",
        url="https://x.eu",
        text="## Alpha\nThe alpha section is about cooperatives.\n\n## Beta\nBeta covers funding.",
    )
    return chunk_document(doc)


def test_upsert_search_delete(fresh_engine: Callable[[], KnowledgeEngine]) -> None:
    index = fresh_engine().index
    assert len(index) == 0 and index.lexical("cooperatives", 5) == []
    index.upsert(_chunks())
    index.refresh_lexical()
    assert len(index) == 2
    [(top, score)] = index.lexical("cooperatives", 5)
    assert top.id == "d.md::alpha::0" and score > 0 and top.text.startswith("The alpha section")
    dense = index.dense(index.embed_query("money and grants"), 2, None)
    assert dense[0][0].id == "d.md::beta::0" and dense[0][1] > dense[1][1]
    assert index.dense(index.embed_query("x"), 2, {"kind": "event"}) == []
    index.delete(["d.md::alpha::0"])
    index.refresh_lexical()
    assert [c.id for c in index.chunks] == ["d.md::beta::0"]
    assert set(index.stored_hashes()) == {"d.md::beta::0"}


LANGUAGES = ("en", "fr", "de", "es", "it", "pl")


def _card_chunks():  # type: ignore[no-untyped-def]
    card = AnswerCard.model_validate(
        {
            "id": "grants",
            "questions": {
                lang: ["Does ESER give money and grants?"] for lang in ("en", "fr", "de", "es", "it", "pl")
            },
            "answer": {
                lang: "No: ESER gives support in kind, not money."
                for lang in ("en", "fr", "de", "es", "it", "pl")
            },
            "sources": [{"doc": "d.md", "section": "Beta"}],
        }
    )
    return card_chunks(card_document(card, doc_id="answers/grants.yaml"))


def test_cards_never_come_back_from_the_passage_search(fresh_engine: Callable[[], KnowledgeEngine]) -> None:
    index = fresh_engine().index
    index.upsert([*_chunks(), *_card_chunks()])
    index.refresh_lexical()
    assert len(index) == 2 and {c.metadata["kind"] for c in index.card_chunks} == {"card", "card_question"}
    hits = index.dense(index.embed_query("Does ESER give money and grants?"), 10, None)
    assert {chunk.id for chunk, _ in hits} == {"d.md::alpha::0", "d.md::beta::0"}
    [(phrasing, score)] = index.nearest_card_questions(index.embed_query("ESER money grants?"), 1)
    assert phrasing.doc_id == "answers/grants.yaml" and score > 0.5
    assert {i for i in index.stored_hashes() if i.startswith("answers/")} == {c.id for c in _card_chunks()}
    index.delete([c.id for c in _card_chunks()])
    index.refresh_lexical()
    assert index.card_chunks == [] and index.nearest_card_questions(index.embed_query("money"), 1) == []


def test_cards_of_an_older_index_move_to_their_collection_without_embedding(
    tmp_path: Path, embeddings
) -> None:  # type: ignore[no-untyped-def]
    client = chroma_client(tmp_path / "chroma")
    old = client.get_or_create_collection("old", metadata={"hnsw:space": "cosine"})
    chunks = [*_chunks(), *_card_chunks()]
    old.add(
        ids=[c.id for c in chunks],
        documents=[embedding_text(c) for c in chunks],
        metadatas=[dict(c.metadata) for c in chunks],
        embeddings=[embeddings.embed_query(c.text) for c in chunks],
    )
    index = VectorIndex(client, "old", embeddings)
    assert len(index) == 2 and len(index.card_chunks) == len(_card_chunks())
    assert old.count() == 2 and index.nearest_card_questions(index.embed_query("grants"), 1)


def test_an_unfiltered_search_asks_chroma_for_no_filter() -> None:
    assert chroma_where(SearchFilters()) is None
    assert chroma_where(SearchFilters(kinds=("event",))) == {"kind": {"$in": ["event"]}}


def _snapshot(index: VectorIndex) -> tuple[object, ...]:
    """What searches read: the passages and cards in order, and the cards' phrasings with vectors."""
    questions, matrix = index._card_matrix
    return (
        [(c.id, c.text, c.title, c.url, c.metadata) for c in index.chunks],
        [(c.id, c.text, c.title, c.metadata) for c in index.card_chunks],
        [c.id for c in questions],
        matrix.round(6).tolist(),
    )


def test_a_reload_after_changes_holds_what_a_first_load_reads(tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    client = chroma_client(tmp_path / "chroma")
    index = VectorIndex(client, "reload", embeddings)
    index.upsert([*_chunks(), *_card_chunks()])
    index.refresh_lexical()
    # A section rewritten, a phrasing gone, a new card: the reload keeps what did not change and
    # reads the rest, and must end exactly where a process loading the store afresh starts.
    alpha, _ = _chunks()
    rewritten = alpha.model_copy(update={"text": "The alpha section is about mutual societies now."})
    rewritten.metadata["hash"] = "changed"
    other_card = [
        chunk.model_copy(update={"id": chunk.id.replace("grants", "loans"), "doc_id": "answers/loans.yaml"})
        for chunk in _card_chunks()
    ]
    index.upsert([rewritten, *other_card])
    index.delete([_card_chunks()[1].id])
    index.refresh_lexical()
    afresh = VectorIndex(client, "reload", embeddings)
    assert _snapshot(index) == _snapshot(afresh)
    assert [c.text for c in index.chunks if c.id == alpha.id] == [
        "The alpha section is about mutual societies now."
    ]
    assert [c.id for c, _ in index.lexical("mutual societies", 2)] == [alpha.id]
