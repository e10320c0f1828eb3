"""The overview's figures: questions per UTC day by language and platform, grounded answers, votes
and hand-offs, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.activity import ActivityStore
from bot.store.answers import AnswerStore
from bot.store.handoffs import HandoffRow
from knowledge.models import Answer

TODAY = date(2026, 12, 1)


def at(days_back: int, hour: int = 12) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, tzinfo=UTC) - timedelta(days=days_back)


async def test_questions_votes_and_hand_offs_are_counted_per_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    answers = AnswerStore(sessions)

    async def asked(when: datetime, platform: str, language: str, grounded: bool = True) -> str:
        answer = Answer(question="q", text="a", grounded=grounded, language=language)
        return await answers.record_answer(
            platform=platform, user_id="u", chat_id="c", thread="t", answer=answer, now=when
        )

    first = await asked(at(0), "telegram", "fr")
    await asked(at(0, 0), "slack", "fr", grounded=False)
    await asked(at(1), "telegram", "de")
    await asked(at(7), "telegram", "en")  # outside a 7-day window
    await answers.vote(answer_id=first, platform="telegram", user_id="u", vote=1, now=at(0))
    await answers.vote(answer_id=first, platform="slack", user_id="v", vote=-1, now=at(0))
    async with sessions.begin() as session:
        session.add(
            HandoffRow(
                id="h1",
                platform="telegram",
                user_id="u",
                chat_id="c",
                question="q",
                state="answered",
                assignees=json.dumps([]),
                created_at=at(1),
                updated_at=at(0),
                answered_at=at(0),
            )
        )
    days = await ActivityStore(sessions).daily(today=TODAY, days=7)
    assert [day.day for day in days] == [TODAY - timedelta(days=n) for n in range(6, -1, -1)]
    yesterday, today = days[-2], days[-1]
    assert dict(today.by_language) == {"fr": 2} and dict(today.by_platform) == {"telegram": 1, "slack": 1}
    assert (today.questions, today.grounded, today.votes_up, today.votes_down) == (2, 1, 1, 1)
    assert dict(yesterday.by_language) == {"de": 1}
    assert (yesterday.handoffs_asked, yesterday.handoffs_answered) == (1, 0)
    assert (today.handoffs_asked, today.handoffs_answered) == (0, 1)
    assert sum(day.questions for day in days) == 3
