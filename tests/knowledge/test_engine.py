"""The knowledge engine end to end on the shipped knowledge base (extractive path)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from knowledge.crosslingual import SUPPORTED_LANGUAGES
from knowledge.documents import SourceDocument
from knowledge.engine import KnowledgeEngine
from knowledge.events import event_document, event_from_mapping
from knowledge.models import SearchFilters
from knowledge.spelling import is_common_word
from tests.conftest import LINKS, Clock


def _cited_docs(answer) -> set[str]:  # type: ignore[no-untyped-def]
    return {citation.doc_id for citation in answer.citations}


async def test_answer_cites_only_retrieved_passages(knowledge: KnowledgeEngine) -> None:
    answer = await knowledge.answer("Did the Mannheim social economy summit happen in 2020?")
    assert answer.grounded and answer.citations
    retrieved_urls = {p.chunk.url for p in answer.passages}
    assert {c.url for c in answer.citations} <= retrieved_urls
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)} == {c.n for c in answer.citations}
    assert "May 2021" in answer.text  # the trap: it was postponed from November 2020
    assert set(answer.timing_ms) == {"retrieve", "answer", "total"}


async def test_membership_trap(knowledge: KnowledgeEngine) -> None:
    answer = await knowledge.answer("Can a cooperative become a member of ESER?")
    assert "public authorities" in answer.text
    assert _cited_docs(answer) & {"resources/eser-who-can-join.md", "resources/eser-how-to-join.md"}


async def test_spanish_capital_is_not_european(knowledge: KnowledgeEngine) -> None:
    answer = await knowledge.answer("Was San Sebastián the European Capital of Social Economy in 2023?")
    assert "Spanish" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What is the best pizza topping in Naples?",
        "Who won the Champions League final this year?",
        "Quel temps fera-t-il à Liège ce week-end ?",
        "Write me a poem about cooperatives.",
    ],
)
async def test_unrelated_questions_are_not_grounded(knowledge: KnowledgeEngine, question: str) -> None:
    answer = await knowledge.answer(question)
    assert not answer.grounded and not answer.citations and answer.decline == "out_of_scope"


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        (
            "Notre coopérative peut-elle adhérer directement au réseau ESER ?",
            "fr",
            "resources/eser-who-can-join.md",
        ),
        (
            "Zahlt die Kommission Zuschüsse für eine ESER-Veranstaltung in unserer Stadt?",
            "de",
            "resources/eser-no-funding-for-events.md",
        ),
        (
            "¿Fue Murcia capital europea de la economía social en 2025?",
            "es",
            "resources/spanish-capitals-of-social-economy.md",
        ),
        (
            "Una cooperativa sociale può chiedere un prestito garantito da InvestEU?",
            "it",
            "funding/investeu.yaml",
        ),
        ("Jaki jest budżet programu Erasmus+ na lata 2021–2027?", "pl", "funding/erasmus-plus.yaml"),
    ],
)
async def test_questions_in_other_languages_find_english_passages(
    knowledge: KnowledgeEngine, question: str, language: str, expected: str
) -> None:
    answer = await knowledge.answer(question)
    assert answer.language == language
    assert expected in [p.chunk.doc_id for p in answer.passages[:5]]
    assert answer.grounded


async def test_default_language_applies_when_detection_is_unsure(knowledge: KnowledgeEngine) -> None:
    answer = await knowledge.answer("Interreg?", default_language="pl")
    assert answer.language == "pl"


async def test_upcoming_events_question_only_lists_future_events(
    knowledge: KnowledgeEngine, clock: Clock
) -> None:
    answer = await knowledge.answer("What events are coming up?")
    assert answer.grounded
    assert all(float(p.chunk.metadata["start_ts"]) >= clock.now.timestamp() for p in answer.passages)
    assert answer.actions and answer.actions[0].url.startswith("https://events.example.org/")
    clock.advance(days=3650)
    later = await knowledge.answer("What events are coming up?")
    assert not later.grounded and "upcoming" in later.text


async def test_follow_up_uses_the_thread(knowledge: KnowledgeEngine) -> None:
    answer = await knowledge.answer("And how big is its budget?", history=["What is ESF Social Innovation+?"])
    assert any("esf-social-innovation" in doc for doc in _cited_docs(answer))
    assert "197" in answer.text


async def test_a_translated_off_topic_question_is_declined(knowledge: KnowledgeEngine) -> None:
    # "Liège" is translated and matches the Liège Roadmap; the weather words are not in any passage.
    answer = await knowledge.answer("Quel temps fera-t-il à Liège ce week-end ?")
    assert not answer.grounded and answer.language == "fr"


# --- documents from elsewhere (the database's events) -------------------------------------------
def _event_doc(title: str, start: str) -> SourceDocument:
    event = event_from_mapping(
        {"title": title, "start": start, "timezone": "Europe/Rome", "region": "IT"}, default_id=title
    )
    return event_document(event, doc_id=f"event:{title}", fallback_url=LINKS.gateway)


async def test_sync_upsert_and_remove_documents_under_their_own_root(
    fresh_engine: Callable[[], KnowledgeEngine],
) -> None:
    engine = fresh_engine()
    report = await engine.sync_documents(
        [_event_doc("Rome forum", "2027-02-01T10:00")], source_root="db:events"
    )
    assert report.added == ["event:Rome forum"] and len(engine.index) == 1
    again = await engine.upsert_documents(
        [_event_doc("Rome forum", "2027-02-01T10:00")], source_root="db:events"
    )
    assert again.unchanged == ["event:Rome forum"] and again.chunks_embedded == 0
    forced = await engine.upsert_documents(
        [_event_doc("Rome forum", "2027-02-01T10:00")], source_root="db:events", force=True
    )
    assert forced.unchanged == ["event:Rome forum"] and forced.chunks_embedded == 1  # embedded again
    await engine.upsert_documents([_event_doc("Milan forum", "2027-03-01T10:00")], source_root="db:events")
    assert [e.title for e in engine.indexed_events()] == ["Rome forum", "Milan forum"]
    assert [e.title for e in engine.indexed_events(starts_after=datetime(2027, 2, 15, tzinfo=UTC))] == [
        "Milan forum"
    ]
    assert engine.indexed_events(exclude_root="db:events") == []
    assert [e.id for e in engine.indexed_events(event_id="event:Milan forum")] == ["Milan forum"]
    assert await engine.remove_documents(["event:Milan forum"]) == 1 and len(engine.index) == 1
    synced = await engine.sync_documents([], source_root="db:events")
    assert synced.removed == ["event:Rome forum"] and len(engine.index) == 0


async def test_an_upcoming_events_question_is_answered_with_a_dated_listing(
    knowledge: KnowledgeEngine,
) -> None:
    answer = await knowledge.answer("What events are coming up in Poland?", timezone="Europe/Lisbon")
    assert answer.text.splitlines()[0] == "Upcoming events I know of:"
    assert "Social economy funding webinar" in answer.text and "1:00\u202fPM" in answer.text  # 14:00 Warsaw
    assert "(Europe/Lisbon)" in answer.text and "network meeting" not in answer.text  # Belgium: left out


async def test_a_country_asked_about_wins_over_the_members_region(knowledge: KnowledgeEngine) -> None:
    belgian_member = SearchFilters(regions=("BE",))
    answer = await knowledge.answer("What events are coming up in Poland?", filters=belgian_member)
    _, listed = await knowledge.upcoming_events("Poland", filters=belgian_member)
    assert "Social economy funding webinar" in answer.text and "network meeting" not in answer.text
    assert [event.region for event in listed] == ["PL"]
    _, near_home = await knowledge.upcoming_events("", filters=belgian_member)
    assert [event.region for event in near_home] == ["BE"]  # no country asked: the member's


async def test_after_the_warm_up_a_first_question_in_any_language_loads_no_word_list(
    empty_knowledge: KnowledgeEngine,
) -> None:
    # A list loads in about half a second on first use, holding the GIL: a member's first question
    # in a language would stall every answer in flight if the warm-up had not loaded them all.
    from wordfreq import get_frequency_dict, get_frequency_list

    get_frequency_list.cache_clear()
    get_frequency_dict.cache_clear()
    await empty_knowledge.warm_up()

    started = time.thread_time()
    for code in SUPPORTED_LANGUAGES:
        is_common_word("spółdzielniach", code)
    assert time.thread_time() - started < 0.1
