"""Questions in the answers table as the bot records them (declined, answered, voted on)."""

from __future__ import annotations

from datetime import datetime

from bot.app import App
from bot.store.answers import thread_key
from knowledge.models import Answer


async def record(
    app: App,
    question: str,
    *,
    at: datetime,
    language: str = "en",
    decline: str | None = None,
    vote: int | None = None,
    user: str = "u1",
) -> str:
    """Store one answer as ``QuestionHandler`` does (declined when ``decline`` is given), with a
    member's vote on it when ``vote`` is given; returns its id."""
    answer = Answer(
        question=question,
        text="I could not find that." if decline else "Here is what I found [1].",
        grounded=decline is None,
        decline=decline,
        language=language,
    )
    answers = app.services.answers
    answer_id = await answers.record_answer(
        platform="telegram",
        user_id=user,
        chat_id=user,
        thread=thread_key("telegram", user, None),
        answer=answer,
        now=at,
    )
    if vote is not None:
        await answers.vote(answer_id=answer_id, platform="telegram", user_id=user, vote=vote, now=at)
    return answer_id
