"""Read-only figures for the organisers' overview: questions per day (by language and platform),
the grounded share and the votes, from the question log (``bot.store.answers``), and hand-offs asked
and answered (``bot.store.handoffs``).

Only counts leave this module: never a question, an answer or who asked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.answers import AnswerRow, VoteRow
from bot.store.handoffs import HandoffRow


@dataclass
class DayActivity:
    """What happened on one UTC day.

    Attributes:
        day: The day.
        by_language: Questions answered, by the answer's language.
        by_platform: Questions answered, by platform.
        grounded: Questions answered from the knowledge base (the rest were declined).
        votes_up: 👍 given that day.
        votes_down: 👎 given that day.
        handoffs_asked: Questions members handed to organisers that day.
        handoffs_answered: Hand-offs organisers answered that day.
    """

    day: date
    by_language: Counter[str] = field(default_factory=Counter)
    by_platform: Counter[str] = field(default_factory=Counter)
    grounded: int = 0
    votes_up: int = 0
    votes_down: int = 0
    handoffs_asked: int = 0
    handoffs_answered: int = 0

    @property
    def questions(self) -> int:
        """Questions answered that day."""
        return sum(self.by_platform.values())


class ActivityStore:
    """Counts for the overview.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def daily(self, *, today: date, days: int) -> list[DayActivity]:
        """One ``DayActivity`` per day of the ``days`` days ending with ``today``, oldest first.

        The days are counted here rather than in SQL: the log holds at most the retention period
        (30 days by default), and SQLite and PostgreSQL name their date functions differently.
        """
        first = today - timedelta(days=days - 1)
        since = datetime(first.year, first.month, first.day, tzinfo=UTC)
        result = {first + timedelta(days=n): DayActivity(first + timedelta(days=n)) for n in range(days)}
        async with self._sessions() as session:
            answers = await session.execute(
                select(
                    AnswerRow.created_at, AnswerRow.language, AnswerRow.platform, AnswerRow.grounded
                ).where(AnswerRow.created_at >= since)
            )
            for created_at, language, platform, grounded in answers.all():
                day = result.get(created_at.date())
                if day is None:
                    continue
                day.by_language[language] += 1
                day.by_platform[platform] += 1
                day.grounded += int(bool(grounded))
            votes = await session.execute(
                select(VoteRow.created_at, VoteRow.vote).where(VoteRow.created_at >= since)
            )
            for created_at, vote in votes.all():
                day = result.get(created_at.date())
                if day is None:
                    continue
                if vote > 0:
                    day.votes_up += 1
                else:
                    day.votes_down += 1
            handoffs = await session.execute(
                select(HandoffRow.created_at, HandoffRow.answered_at).where(
                    (HandoffRow.created_at >= since) | (HandoffRow.answered_at >= since)
                )
            )
            for created_at, answered_at in handoffs.all():
                if (asked := result.get(created_at.date())) is not None:
                    asked.handoffs_asked += 1
                if answered_at is not None and (answered := result.get(answered_at.date())) is not None:
                    answered.handoffs_answered += 1
        return list(result.values())
