"""What the events and funding commands list: the sections they retrieve, the listing
(``knowledge.listings``) made of them, and the honest decline when nothing is listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from knowledge.listings import event_listing, funding_listing
from knowledge.models import Answer, EventData, SearchFilters
from knowledge.question import QuestionReader
from knowledge.retrieval import HybridRetriever
from knowledge.search import Searcher
from knowledge.text import Texts
from knowledge.upcoming import upcoming_event_filters

# What a listing command without words looks for.
ANY_EVENT = "upcoming social economy events"
ANY_FUNDING = "EU funding programmes for the social economy"

NotGrounded = Callable[[str, str, str], Answer]


class ListingSearch:
    """Finds and lists upcoming events and funding entries (blocking).

    Args:
        reader: Question preparation (an events query's place and time window).
        retriever: Hybrid retrieval over the index.
        searcher: Question-to-sections search (funding entries).
        texts: Fixed phrases by language.
        not_grounded: The "not known" decline for ``(question, language, catalogue key)``.
        clock: Current UTC time ("upcoming" and a call's status depend on it).
    """

    def __init__(
        self,
        reader: QuestionReader,
        retriever: HybridRetriever,
        searcher: Searcher,
        texts: Texts,
        not_grounded: NotGrounded,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.reader = reader
        self.retriever = retriever
        self.searcher = searcher
        self.texts = texts
        self.not_grounded = not_grounded
        self.clock = clock

    def upcoming_events(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        language: str = "en",
        limit: int = 5,
        timezone: str | None = None,
    ) -> tuple[Answer, list[EventData]]:
        """Upcoming events matching ``query`` (a topic or a country, may be empty), soonest first.

        Args:
            query: The member's words after the command.
            filters: The member's filters; a country in ``query`` wins over their region.
            language: The reply's language.
            limit: How many events at most.
            timezone: The member's time zone for the dates (each event's own when None).

        Returns:
            A cited listing with sign-up actions and the events listed; when none is known, the
            not-grounded answer that says so and where to look.
        """
        now = self.clock()
        prepared = self.reader.prepare(query or ANY_EVENT, now=now, language=language)
        filters = upcoming_event_filters(filters or SearchFilters(), prepared.intent, now)
        passages = self.retriever.search(prepared.query, filters=filters, k=3 * limit)
        answer, events = event_listing(
            query, passages, texts=self.texts, language=language, limit=limit, timezone=timezone
        )
        if not events:
            return self.not_grounded(query, language, "answer.no_upcoming_events"), []
        return answer, events

    def funding(
        self, query: str, *, filters: SearchFilters | None = None, language: str = "en", limit: int = 5
    ) -> Answer:
        """Funding entries matching ``query``, open and rolling first, each with its status."""
        filters = (filters or SearchFilters()).model_copy(update={"kinds": ("funding",)})
        passages = self.searcher.search(query or ANY_FUNDING, filters=filters, k=limit * 2)
        answer = funding_listing(
            query, passages, texts=self.texts, language=language, today=self.clock().date(), limit=limit
        )
        return answer if answer.grounded else self.not_grounded(query, language, "answer.not_found")
