"""The gaps store on SQLite and PostgreSQL: the week's vote balance for the organisers' digest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.answers import AnswerStore
from bot.store.gaps import GapStore
from knowledge.models import Answer
from tests.conftest import FIXED_NOW


async def test_the_vote_balance_counts_the_weeks_votes_up_and_down(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    answers = AnswerStore(sessions)
    answer_id = await answers.record_answer(
        platform="telegram",
        user_id="1",
        chat_id="1",
        thread="t",
        answer=Answer(question="What is ESF+?", text="A fund [1]."),
        now=FIXED_NOW,
    )
    votes = {"a": 1, "b": 1, "c": 1, "d": -1, "e": -1}
    for user, vote in votes.items():
        await answers.vote(answer_id=answer_id, platform="telegram", user_id=user, vote=vote, now=FIXED_NOW)
    await answers.vote(  # last week's: not counted
        answer_id=answer_id, platform="slack", user_id="f", vote=1, now=FIXED_NOW - timedelta(days=8)
    )
    store = GapStore(sessions)
    week_start = FIXED_NOW - timedelta(days=7)
    assert await store.vote_balance(week_start, FIXED_NOW + timedelta(seconds=1)) == (3, 2)
    assert await store.vote_balance(FIXED_NOW + timedelta(days=1), FIXED_NOW + timedelta(days=2)) == (0, 0)
