"""Knowledge gaps: the questions the bot declined for want of knowledge, or whose answer a member
voted 👎, grouped by meaning across languages, most asked first.

This is the function other parts call (``eser-bot gaps``, the weekly digest, the organisers' web
page): ``await knowledge_gaps(services, since=…, until=…, limit=…)``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.gaps.clustering import cluster, medoid, threshold_for
from bot.services import Services
from bot.store.gaps import GapQuestion, GapStore
from knowledge.embeddings import effective_embeddings, embed_questions


@dataclass(frozen=True)
class Gap:
    """One gap: questions about the same thing the knowledge base did not answer well.

    Attributes:
        example: The group's most typical question (the one closest to all the others), as asked.
        count: How many questions the group holds.
        languages: The languages they were asked in, most frequent first (ties: alphabetical).
        first_seen: When the first of them was asked (UTC).
        last_seen: When the last of them was asked (UTC).
        question_ids: Their ``answers.id``, oldest first.
        declined: How many the bot declined (nothing in the knowledge base).
        voted_down: How many were answered but voted 👎.
    """

    example: str
    count: int
    languages: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    question_ids: tuple[str, ...]
    declined: int
    voted_down: int

    @property
    def label(self) -> str:
        """A name for the gap (its example question)."""
        return self.example


async def knowledge_gaps(
    services: Services, *, since: datetime, until: datetime, limit: int = 10
) -> list[Gap]:
    """The knowledge gaps of the questions asked in ``[since, until)``, biggest first.

    Questions are embedded with the knowledge service's own model (multilingual-e5 by default, so a
    French and a German question about the same thing fall in one gap) and grouped by
    ``bot.gaps.clustering.cluster`` at the threshold calibrated for that model.

    Args:
        services: The app's services (database and knowledge engine).
        since: Start of the period (included), timezone-aware.
        until: End of the period (excluded), timezone-aware.
        limit: At most this many gaps (the biggest; ties: the most recently seen first).

    Returns:
        The gaps, biggest first; empty when no question was declined or voted down.
    """
    questions = await GapStore(services.sessions).questions(since, until)
    if not questions or limit <= 0:
        return []
    embeddings = services.knowledge.index.embeddings
    texts = [question.question for question in questions]
    # Embedding is CPU work: off the event loop, so a running bot keeps answering meanwhile.
    vectors = await asyncio.to_thread(embed_questions, embeddings, texts)
    threshold = threshold_for(effective_embeddings(services.settings.embeddings))
    gaps = [
        _gap([questions[i] for i in group], questions[medoid(vectors, group)])
        for group in cluster(vectors, threshold)
    ]
    gaps.sort(key=lambda gap: (-gap.count, -gap.last_seen.timestamp()))
    return gaps[:limit]


def _gap(members: list[GapQuestion], typical: GapQuestion) -> Gap:
    counts: dict[str, int] = {}
    for question in members:
        counts[question.language] = counts.get(question.language, 0) + 1
    return Gap(
        example=typical.question,
        count=len(members),
        languages=tuple(sorted(counts, key=lambda language: (-counts[language], language))),
        first_seen=min(question.asked_at for question in members),
        last_seen=max(question.asked_at for question in members),
        question_ids=tuple(question.id for question in members),
        declined=sum(question.reason == "declined" for question in members),
        voted_down=sum(question.reason == "voted_down" for question in members),
    )
