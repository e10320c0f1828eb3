"""The answers store: question log, votes, feedback and the retention purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.store.answers import AnswerRow, FeedbackRow, VoteRow, thread_key
from knowledge.models import Answer, Citation
from tests.conftest import Clock


def _answer(question: str) -> Answer:
    return Answer(
        question=question,
        text="It is so [1].",
        citations=[Citation(n=1, title="T", url="https://x.eu", doc_id="d.md")],
    )


async def _count(app: App, table: type) -> int:
    async with app.services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_thread_history_and_votes(app: App, clock: Clock) -> None:
    store = app.services.answers
    thread = thread_key("slack", "C1", "171.1")
    first = await store.record_answer(
        platform="slack",
        user_id="U1",
        chat_id="C1",
        thread=thread,
        answer=_answer("What is ESF+?"),
        now=clock(),
    )
    clock.advance(seconds=5)
    await store.record_answer(
        platform="slack",
        user_id="U1",
        chat_id="C1",
        thread=thread,
        answer=_answer("And Erasmus+?"),
        now=clock(),
    )
    assert await store.thread_questions(thread) == ["What is ESF+?", "And Erasmus+?"]
    assert await store.has_thread(thread) and not await store.has_thread(thread_key("slack", "C1", "other"))

    assert await store.vote(answer_id=first, platform="slack", user_id="U2", vote=1, now=clock()) == "en"
    assert await store.vote(
        answer_id=first, platform="slack", user_id="U2", vote=-1, now=clock()
    )  # changed mind
    assert await store.votes_for(first) == [("slack", "U2", -1)]
    assert not await store.vote(answer_id="missing", platform="slack", user_id="U2", vote=1, now=clock())


async def test_retention_purge_with_a_fixed_clock(app: App, clock: Clock) -> None:
    store = app.services.answers
    old = await store.record_answer(
        platform="telegram", user_id="1", chat_id="1", thread="t", answer=_answer("old"), now=clock()
    )
    await store.vote(answer_id=old, platform="telegram", user_id="1", vote=1, now=clock())
    await store.add_feedback(platform="telegram", user_id="1", text="old feedback", now=clock())
    clock.advance(days=29)
    await store.record_answer(
        platform="telegram", user_id="1", chat_id="1", thread="t", answer=_answer("recent"), now=clock()
    )
    clock.advance(days=2)  # the first answer is now 31 days old, the second 2 days

    removed = await app.purge_expired()
    assert removed == 1
    assert await store.thread_questions("t") == ["recent"]
    assert await _count(app, VoteRow) == 0 and await _count(app, FeedbackRow) == 0
    assert await _count(app, AnswerRow) == 1
    clock.advance(days=27)  # the second answer is 29 days old: still kept
    assert await app.purge_expired() == 0
    clock.advance(days=2)
    assert await app.purge_expired() == 1


async def test_feedback_is_counted_per_member_since_a_time(app: App, clock: Clock) -> None:
    store = app.services.answers
    for _ in range(3):
        await store.add_feedback(platform="slack", user_id="U1", text="hi", now=clock())
        clock.advance(minutes=20)
    await store.add_feedback(platform="slack", user_id="U2", text="hi", now=clock())
    since = clock() - timedelta(minutes=45)
    assert await store.feedback_since(platform="slack", user_id="U1", since=since) == 2
    assert await store.feedback_since(platform="slack", user_id="U2", since=since) == 1
