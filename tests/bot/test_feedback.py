"""Members' feedback (``bot.feedback``), driven through the core ``App``: votes, the offer of an
organiser after a 👎, and written ``/feedback`` with its limits."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from bot.store.answers import AnswerRow, FeedbackRow, VoteRow
from tests.bot.test_questions import feedback_row, message
from tests.conftest import Clock


async def test_vote_is_stored_with_the_answer(app: App) -> None:
    [reply] = await app.handle(message("What is the Social Economy Action Plan?"))
    up, _ = feedback_row(reply)
    [thanks] = await app.handle(message(callback=up))
    assert thanks.ephemeral
    async with app.services.sessions() as session:
        vote = (await session.scalars(select(VoteRow))).one()
        answer = await session.get(AnswerRow, vote.answer_id)
    assert vote.vote == 1
    assert answer is not None and "Action Plan" in answer.question and "[1]" in answer.answer
    assert "http" in answer.sources


async def test_feedback_text_is_stored(app: App) -> None:
    [reply] = await app.handle(message(command="feedback", args="Please add Interreg examples"))
    async with app.services.sessions() as session:
        row = (await session.scalars(select(FeedbackRow))).one()
    assert row.text == "Please add Interreg examples" and row.user_id == "u1"
    assert reply.text


async def test_feedback_is_limited_per_member_and_hour(app: App, clock: Clock) -> None:
    limit = app.services.settings.feedback_per_hour
    for n in range(limit):
        [thanks] = await app.handle(message(f"/feedback idea {n}", command="feedback", args=f"idea {n}"))
        assert thanks.text == app.services.catalogue.text("feedback.text_thanks", "en")
    [later] = await app.handle(message("/feedback one more", command="feedback", args="one more"))
    assert later.text == app.services.catalogue.text("feedback.too_many", "en", limit=limit)
    [other] = await app.handle(message("/feedback hi", command="feedback", args="hi", user="u2"))
    assert other.text == app.services.catalogue.text("feedback.text_thanks", "en")
    clock.advance(hours=1, seconds=1)
    [again] = await app.handle(message("/feedback back", command="feedback", args="back"))
    assert again.text == app.services.catalogue.text("feedback.text_thanks", "en")
    async with app.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FeedbackRow)) == limit + 2


async def test_a_declined_answer_and_a_thumbs_down_offer_an_organiser(app: App) -> None:
    [declined] = await app.handle(message("What will the weather be like in Naples tomorrow?"))
    rows = [[button.callback_data or "" for button in row] for row in declined.buttons]
    assert rows[-1][0].startswith("fb:") and rows[-2][0].startswith("ho:ask:")
    [answered] = await app.handle(message("What is the Social Economy Action Plan?"))
    assert not [data for data in feedback_row(answered) if data.startswith("ho:")]
    _, down = feedback_row(answered)
    thanks, offer = await app.handle(message(callback=down))
    assert thanks.ephemeral and not offer.ephemeral  # a direct chat: the offer stays visible
    assert [button.callback_data for row in offer.buttons for button in row] == [
        f"ho:ask:{down.split(':')[1]}"
    ]


async def test_a_vote_on_an_answer_that_is_not_stored_is_told_so_and_stores_nothing(app: App) -> None:
    [reply] = await app.handle(message(callback="fb:no-such-answer:down"))
    assert reply.text == app.services.catalogue.text("feedback.unknown_answer", "en")
    assert reply.ephemeral  # and no offer of an organiser for an answer nobody can find
    async with app.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(VoteRow)) == 0


async def test_empty_or_overlong_written_feedback_is_refused_with_a_reason(app: App) -> None:
    [empty] = await app.handle(message("/feedback", command="feedback", args="  "))
    assert empty.text == app.services.catalogue.text("feedback.empty", "en").format(cmd="/")
    limit = app.services.settings.max_question_chars
    long = "x" * (limit + 1)
    [too_long] = await app.handle(message(f"/feedback {long}", command="feedback", args=long))
    assert too_long.text == app.services.catalogue.text("input.too_long", "en", length=limit + 1, limit=limit)
    async with app.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FeedbackRow)) == 0
