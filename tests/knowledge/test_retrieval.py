"""Hybrid retrieval over the shipped knowledge base: fusion, one chunk per document, filters, boosts."""

from __future__ import annotations

import itertools
from datetime import timedelta

from knowledge.engine import KnowledgeEngine
from knowledge.models import Chunk, SearchFilters
from knowledge.retrieval import matches, profile_matches
from tests.conftest import FIXED_NOW


def test_hybrid_finds_the_right_document_and_keeps_one_chunk_per_document(knowledge: KnowledgeEngine) -> None:
    passages = knowledge.search_sync("Can a cooperative become a member of ESER?", k=8)
    doc_ids = [p.chunk.doc_id for p in passages]
    assert doc_ids[0] in {"resources/eser-who-can-join.md", "resources/eser-how-to-join.md"}
    assert len(doc_ids) == len(set(doc_ids))
    assert all(earlier.score >= later.score for earlier, later in itertools.pairwise(passages))


def test_hybrid_uses_both_retrievers(knowledge: KnowledgeEngine) -> None:
    question = "What was the budget of SMP-COSME-2021-RESILIENCE-SEM?"
    hybrid = knowledge.search_sync(question, k=5)
    assert any(p.dense_score is not None and p.lexical_score is not None for p in hybrid)
    assert all(p.dense_score is None for p in knowledge.search_sync(question, k=5, mode="lexical"))
    assert all(p.lexical_score is None for p in knowledge.search_sync(question, k=5, mode="dense"))


def test_kind_filter(knowledge: KnowledgeEngine) -> None:
    passages = knowledge.search_sync("social economy", k=10, filters=SearchFilters(kinds=("funding",)))
    assert passages and all(p.chunk.metadata["kind"] == "funding" for p in passages)


def test_upcoming_never_includes_past_events(knowledge: KnowledgeEngine) -> None:
    filters = SearchFilters(kinds=("event",), starts_after=FIXED_NOW)
    passages = knowledge.search_sync("ESER conference summit meeting events", k=20, filters=filters)
    assert {p.chunk.doc_id.rsplit("/", 1)[-1] for p in passages} == {
        "test-eser-network-meeting-2027.yaml",
        "test-social-economy-webinar-2027.yaml",
    }
    assert all(float(p.chunk.metadata["start_ts"]) >= FIXED_NOW.timestamp() for p in passages)


def test_date_window(knowledge: KnowledgeEngine) -> None:
    filters = SearchFilters(
        kinds=("event",), starts_after=FIXED_NOW, starts_before=FIXED_NOW + timedelta(days=60)
    )
    passages = knowledge.search_sync("events", k=20, filters=filters)
    assert [p.chunk.metadata["event_id"] for p in passages] == ["test-social-economy-webinar-2027"]


def test_region_filter_keeps_the_region_and_eu_wide_documents(knowledge: KnowledgeEngine) -> None:
    question = "Spanish capital of social economy and events in Spain and Poland"
    unfiltered = knowledge.search_sync(question, k=30)
    passages = knowledge.search_sync(question, k=30, filters=SearchFilters(regions=("PL",)))
    region_sets = [set(str(p.chunk.metadata["regions"]).strip("|").split("|")) for p in passages]
    assert all(regions & {"PL", "EU"} for regions in region_sets)
    assert {"PL"} in region_sets  # the Toruń forum and the Polish webinar stay
    assert any(p.chunk.metadata["regions"] == "|ES|" for p in unfiltered)  # Spain-only pages went


def _chunk(**meta: str) -> Chunk:
    return Chunk(id="d::x::0", doc_id="d", text="t", title="t", url="https://x.eu", metadata=meta)


def test_audience_filter_and_profile_matches() -> None:
    for_authorities = _chunk(audience="|public-authority|", regions="|FR|")
    for_all = _chunk(audience="|all|", regions="|EU|")
    coop = SearchFilters(audiences=("social-enterprise",))
    assert not matches(for_authorities, coop) and matches(for_all, coop)
    boost = SearchFilters(boost_regions=("fr",), boost_audiences=("public-authority",))
    assert profile_matches(for_authorities, boost) == 2 and profile_matches(for_all, boost) == 0


def test_profile_boost_lifts_the_members_region(knowledge: KnowledgeEngine) -> None:
    question = "Which region received the European Social Economy Region 2019 label?"
    plain = {p.chunk.doc_id: p.score for p in knowledge.search_sync(question, k=10)}
    boosted = {
        p.chunk.doc_id: p.score
        for p in knowledge.search_sync(question, k=10, filters=SearchFilters(boost_regions=("PL",)))
    }
    polish = "events/torun-social-economy-forum-2019.yaml"
    assert polish in plain and polish in boosted
    assert boosted[polish] > plain[polish] * 1.1
    spanish_only = [doc for doc in plain if doc in boosted and "spanish" in doc]
    for doc in spanish_only:
        assert boosted[doc] == plain[doc]
