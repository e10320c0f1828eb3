"""The Chroma + BM25 index: writes, deletes, and both kinds of search."""

from __future__ import annotations

from collections.abc import Callable

from knowledge.chunking import chunk_document
from knowledge.documents import SourceDocument
from knowledge.engine import KnowledgeEngine


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
