"""Answers given, votes on them and free-text feedback.

The ``answers`` rows double as the question log: they are kept for the configured retention
(``ESER_QUESTION_RETENTION_DAYS``) and give a thread's follow-ups their context.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime
from knowledge.models import Answer

MEMBER_KEYS = {"member_keys": ("platform", "user_id")}


class AnswerRow(Base):
    """One question a member asked and the answer they got, with its sources."""

    __tablename__ = "answers"
    __table_args__ = {"info": MEMBER_KEYS}  # noqa: RUF012 - SQLAlchemy reads it from the class

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_key: Mapped[str] = mapped_column(String(160), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text, default="[]")
    grounded: Mapped[bool] = mapped_column(default=True)
    # Why the bot declined (``knowledge.declines.DeclineKind``); None for an answer (migration 0009).
    decline: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class VoteRow(Base):
    """A 👍/👎 on an answer (one per member and answer; a second click changes the vote)."""

    __tablename__ = "answer_votes"
    __table_args__ = {"info": MEMBER_KEYS}  # noqa: RUF012

    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    vote: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedbackRow(Base):
    """Free-text feedback sent with ``/feedback``."""

    __tablename__ = "feedback"
    __table_args__ = {"info": MEMBER_KEYS}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def thread_key(platform: str, chat_id: str, thread_id: str | None) -> str:
    """Key of a conversation thread (the chat itself when there is no thread)."""
    return f"{platform}:{chat_id}:{thread_id or ''}"


class AnswerStore:
    """Reads and writes the tables above.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record_answer(
        self,
        *,
        platform: str,
        user_id: str,
        chat_id: str,
        thread: str,
        answer: Answer,
        now: datetime,
    ) -> str:
        """Store ``answer`` with its sources; returns the id feedback buttons refer to."""
        answer_id = uuid.uuid4().hex[:16]
        sources = [citation.model_dump() for citation in answer.citations]
        async with self._sessions.begin() as session:
            session.add(
                AnswerRow(
                    id=answer_id,
                    platform=platform,
                    user_id=user_id,
                    chat_id=chat_id,
                    thread_key=thread,
                    question=answer.question,
                    answer=answer.text,
                    sources=json.dumps(sources),
                    grounded=answer.grounded,
                    decline=answer.decline,
                    language=answer.language,
                    created_at=now,
                )
            )
        return answer_id

    async def thread_questions(self, thread: str, limit: int = 3) -> list[str]:
        """The last ``limit`` questions asked in ``thread``, oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(AnswerRow.question)
                .where(AnswerRow.thread_key == thread)
                .order_by(AnswerRow.created_at.desc())
                .limit(limit)
            )
            return list(reversed(rows.all()))

    async def get(self, answer_id: str) -> AnswerRow | None:
        """One stored answer (with its question), or None when it is gone."""
        async with self._sessions() as session:
            return await session.get(AnswerRow, answer_id)

    async def latest(self, platform: str, user_id: str, thread: str) -> AnswerRow | None:
        """The member's last question in ``thread`` with the answer it got, or None."""
        async with self._sessions() as session:
            return await session.scalar(
                select(AnswerRow)
                .where(
                    AnswerRow.platform == platform,
                    AnswerRow.user_id == user_id,
                    AnswerRow.thread_key == thread,
                )
                .order_by(AnswerRow.created_at.desc())
                .limit(1)
            )

    async def has_thread(self, thread: str) -> bool:
        """Whether the bot answered in ``thread`` before (a follow-up there needs no mention)."""
        async with self._sessions() as session:
            found = await session.scalar(select(AnswerRow.id).where(AnswerRow.thread_key == thread).limit(1))
            return found is not None

    async def vote(
        self, *, answer_id: str, platform: str, user_id: str, vote: int, now: datetime
    ) -> str | None:
        """Record (or change) a member's vote.

        Returns:
            The language of the answer voted on (the thanks go in that language), or None when the
            answer no longer exists.
        """
        async with self._sessions.begin() as session:
            answer = await session.get(AnswerRow, answer_id)
            if answer is None:
                return None
            existing = await session.get(VoteRow, (answer_id, platform, user_id))
            if existing is None:
                session.add(
                    VoteRow(
                        answer_id=answer_id, platform=platform, user_id=user_id, vote=vote, created_at=now
                    )
                )
            else:
                existing.vote = vote
                existing.created_at = now
            return answer.language

    async def add_feedback(self, *, platform: str, user_id: str, text: str, now: datetime) -> None:
        """Store free-text feedback."""
        async with self._sessions.begin() as session:
            session.add(FeedbackRow(platform=platform, user_id=user_id, text=text, created_at=now))

    async def feedback_since(self, *, platform: str, user_id: str, since: datetime) -> int:
        """How many feedback messages the member sent since ``since``."""
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(FeedbackRow)
                .where(
                    FeedbackRow.platform == platform,
                    FeedbackRow.user_id == user_id,
                    FeedbackRow.created_at >= since,
                )
            )
        return int(count or 0)

    async def votes_for(self, answer_id: str) -> list[tuple[str, str, int]]:
        """(platform, user id, vote) of every vote on an answer."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(VoteRow.platform, VoteRow.user_id, VoteRow.vote).where(VoteRow.answer_id == answer_id)
            )
            return [(row[0], row[1], row[2]) for row in rows.all()]

    async def purge(self, *, questions_before: datetime) -> int:
        """Delete answers (and their votes) and feedback older than ``questions_before``; returns how
        many answers went."""
        async with self._sessions.begin() as session:
            old = select(AnswerRow.id).where(AnswerRow.created_at < questions_before)
            await session.execute(delete(VoteRow).where(VoteRow.answer_id.in_(old)))
            result = await session.execute(delete(AnswerRow).where(AnswerRow.created_at < questions_before))
            await session.execute(delete(FeedbackRow).where(FeedbackRow.created_at < questions_before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
