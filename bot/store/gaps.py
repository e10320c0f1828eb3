"""What the knowledge-gaps report reads (declined and 👎-voted questions, the vote balance) and the
record of weekly digests already sent (one per organiser and week)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import String, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.answers import AnswerRow, VoteRow
from bot.store.base import Base, UTCDateTime

# The declines that mean "the knowledge base has nothing on it". The others (passwords, personal
# data, acting for the member, small talk) are refused on purpose: no document would change that.
GAP_DECLINES = ("unknown",)


class DigestRow(Base):
    """A weekly knowledge-gaps digest sent to one organiser (claimed before sending)."""

    __tablename__ = "gap_digests"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    week: Mapped[str] = mapped_column(String(10), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class GapQuestion:
    """One question that shows a gap.

    Attributes:
        id: The answer's id (``answers.id``).
        question: What the member asked.
        language: The language it was answered in.
        asked_at: When.
        reason: ``declined`` (nothing in the knowledge base) or ``voted_down`` (answered, 👎).
    """

    id: str
    question: str
    language: str
    asked_at: datetime
    reason: Literal["declined", "voted_down"]


class GapStore:
    """Reads gap questions and votes; records digests.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def questions(self, since: datetime, until: datetime) -> list[GapQuestion]:
        """Questions asked in ``[since, until)`` that the bot declined for want of knowledge (or
        answered ungrounded) or that a member voted 👎 — oldest first."""
        voted_down = select(VoteRow.answer_id).where(VoteRow.vote < 0)
        declined = or_(
            AnswerRow.decline.in_(GAP_DECLINES),
            # Rows written before migration 0009 have no decline kind: ungrounded meant "unknown".
            (AnswerRow.decline.is_(None)) & (AnswerRow.grounded.is_(False)),
        )
        async with self._sessions() as session:
            rows = await session.execute(
                select(
                    AnswerRow.id,
                    AnswerRow.question,
                    AnswerRow.language,
                    AnswerRow.created_at,
                    declined.label("declined"),
                )
                .where(AnswerRow.created_at >= since, AnswerRow.created_at < until)
                .where(or_(declined, AnswerRow.id.in_(voted_down)))
                .order_by(AnswerRow.created_at, AnswerRow.id)
            )
            return [
                GapQuestion(
                    id=row.id,
                    question=row.question,
                    language=row.language,
                    asked_at=row.created_at,
                    reason="declined" if row.declined else "voted_down",
                )
                for row in rows
            ]

    async def vote_balance(self, since: datetime, until: datetime) -> tuple[int, int]:
        """(👍, 👎) votes cast in ``[since, until)``."""
        async with self._sessions() as session:
            # Grouped by the vote itself: PostgreSQL refuses ``GROUP BY vote > $4`` beside a selected
            # ``vote > $1`` (two parameters, so not the same expression to it).
            rows = await session.execute(
                select(VoteRow.vote, func.count())
                .where(VoteRow.created_at >= since, VoteRow.created_at < until)
                .group_by(VoteRow.vote)
            )
            counts = [(int(vote), int(count)) for vote, count in rows]
        return sum(n for vote, n in counts if vote > 0), sum(n for vote, n in counts if vote <= 0)

    async def claim_digest(self, week: str, platform: str, user_id: str, now: datetime) -> bool:
        """Record that ``week``'s digest goes to this organiser; False when it was already sent (by
        this process before a restart, or by another replica)."""
        try:
            async with self._sessions.begin() as session:
                session.add(DigestRow(week=week, platform=platform, user_id=user_id, sent_at=now))
        except IntegrityError:
            return False
        return True

    async def release_digest(self, week: str, platform: str, user_id: str) -> None:
        """Forget a claim whose sending failed, so that the next run tries again."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(DigestRow).where(
                    DigestRow.week == week, DigestRow.platform == platform, DigestRow.user_id == user_id
                )
            )
