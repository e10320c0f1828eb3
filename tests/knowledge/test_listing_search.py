"""The events and funding listings on the shipped knowledge base and the test fixtures."""

from __future__ import annotations

from collections.abc import Callable

from knowledge.engine import KnowledgeEngine
from tests.conftest import LINKS, Clock


async def test_upcoming_events_are_listed_soonest_first_up_to_the_limit(knowledge: KnowledgeEngine) -> None:
    answer, events = await knowledge.upcoming_events("")
    titles = [event.title for event in events]
    assert titles.index("Social economy funding webinar (test fixture)") < titles.index(
        "ESER network meeting 2027 (test fixture)"
    )
    assert answer.grounded and answer.actions
    _, first = await knowledge.upcoming_events("", limit=1)
    assert [event.title for event in first] == titles[:1]


async def test_no_upcoming_event_says_so_and_where_to_look(knowledge: KnowledgeEngine, clock: Clock) -> None:
    clock.advance(days=3650)
    answer, events = await knowledge.upcoming_events("Poland")
    assert events == [] and not answer.grounded and not answer.citations
    assert answer.decline == "unknown" and LINKS.gateway in answer.text


async def test_funding_listing_orders_open_calls_first(knowledge: KnowledgeEngine) -> None:
    answer = await knowledge.funding("social economy clusters twinning")
    statuses = [line.split(":", 1)[1] for line in answer.text.splitlines()[1:]]
    assert "open" in statuses[0].lower()
    assert answer.citations[0].doc_id.endswith("test-open-call-2027.yaml")


async def test_no_funding_entry_is_an_honest_not_found(
    fresh_engine: Callable[[], KnowledgeEngine],
) -> None:
    answer = await fresh_engine().funding("ESF+", language="fr")  # an empty index
    assert not answer.grounded and answer.decline == "unknown" and LINKS.gateway in answer.text
