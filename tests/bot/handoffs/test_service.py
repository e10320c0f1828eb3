"""Hand-offs through the real app on SQLite: routing by region, rate limits, answering (defanged),
passing on, closing, withdrawing, reminders and escalation on a fixed clock, /forget and retention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import App, build_app
from bot.handoffs.models import HandoffError
from bot.models import Target
from bot.store.erasure import count_member_rows, erase_member
from knowledge.engine import KnowledgeEngine
from tests.bot.onboarding.member import RecordingSender
from tests.conftest import Clock, make_settings

OLGA = "telegram:100"  # covers Belgium
PIERRE = "telegram:200"  # covers France
SARA = "slack:U300"  # covers everything


@pytest_asyncio.fixture
async def app(tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock) -> AsyncIterator[App]:
    settings = make_settings(tmp_path, ESER_ORGANISERS=f"{OLGA},{PIERRE}", ESER_HANDOFF_MAX_OPEN="2")
    built = await build_app(settings, knowledge=knowledge, clock=clock)
    for platform in ("telegram", "slack"):
        built.services.senders[platform] = RecordingSender(platform)
    await built.services.organisers.store.grant("slack", "U300", granted_by="test", now=clock())
    await built.services.handoffs.set_regions(OLGA, ["be"])
    await built.services.handoffs.set_regions(PIERRE, ["FR"])
    yield built
    await built.close()


def sent(app: App) -> list[tuple[Target, str, list[str]]]:
    """Everything sent on the bot's own initiative: (target, text, callback payloads)."""
    found = []
    for sender in app.services.senders.values():
        assert isinstance(sender, RecordingSender)
        for target, reply in sender.sent:
            buttons = [b.callback_data or "" for row in reply.buttons for b in row]
            found.append((target, reply.text, buttons))
        sender.sent.clear()
    return found


async def ask(app: App, user: str = "m1", country: str = "BE", question: str = "Who funds our pilot?") -> str:
    handoff = await app.services.handoffs.ask(
        platform="telegram",
        user_id=user,
        chat_id=f"chat-{user}",
        thread_id="77",
        question=question,
        language="fr",
        organisation_type="social-enterprise",
        country=country,
        bot_answer="I do not know.",
    )
    return handoff.id


async def test_a_question_goes_to_the_organisers_covering_the_members_country(app: App) -> None:
    handoff_id = await ask(app, country="BE")
    messages = sent(app)
    assert sorted(str(target) for target, _, _ in messages) == ["slack:U300", "telegram:100"]
    _, text, buttons = next(m for m in messages if str(m[0]) == "telegram:100")
    assert "Who funds our pilot?" in text and "Français" in text and "BE" in text
    assert "Social enterprise or cooperative" in text and "I do not know." in text
    assert buttons == [f"ho:answer:{handoff_id}", f"ho:pass:{handoff_id}", f"ho:close:{handoff_id}"]


async def test_not_for_us_passes_it_to_the_other_organisers(app: App) -> None:
    handoff_id = await ask(app, country="BE")
    sent(app)
    handoff = await app.services.handoffs.pass_on(handoff_id, organiser=OLGA)
    assert handoff.passed_by == (OLGA,) and handoff.state == "open"
    # Sara covers everything; Pierre covers France only, so he is not asked.
    assert [str(target) for target, _, _ in sent(app)] == ["slack:U300"]
    await app.services.handoffs.pass_on(handoff_id, organiser=SARA)
    # Nobody left covers Belgium: every organiser not yet asked gets it.
    assert [str(target) for target, _, _ in sent(app)] == ["telegram:200"]
    with pytest.raises(HandoffError) as refused:
        await app.services.handoffs.pass_on(handoff_id, organiser=PIERRE)
    assert refused.value.key == "handoff.error.no_organisers"


async def test_an_answer_reaches_the_member_in_their_thread_defanged(app: App) -> None:
    handoff_id = await ask(app)
    sent(app)
    hostile = "Write to @channel and <!everyone> now [1]\x00 please"
    handoff = await app.services.handoffs.answer(handoff_id, organiser=OLGA, text=hostile, language="en")
    assert handoff.state == "answered" and handoff.answered_by == OLGA
    [(target, text, buttons)] = [m for m in sent(app) if m[0].chat_id == "chat-m1"]
    assert target == Target(platform="telegram", chat_id="chat-m1")
    reply = app.services.senders["telegram"]
    assert isinstance(reply, RecordingSender)
    assert "An ESER organiser answered" not in text  # the member's language is French
    assert "Un organisateur ESER a répondu" in text
    assert "@\u200dchannel" in text and "@channel" not in text and "(1)" in text and "\x00" not in text
    assert [b.split(":")[0] for b in buttons] == ["fb", "fb"]
    with pytest.raises(HandoffError) as twice:
        await app.services.handoffs.answer(handoff_id, organiser=PIERRE, text="Another", language="en")
    assert twice.value.key == "handoff.error.not_open" and twice.value.params == {"state": "answered"}


async def test_the_colleagues_who_also_got_it_are_told_it_is_answered(app: App) -> None:
    # Olga (Belgium) and Sara (everywhere) both got it; Sara writes French, Olga answers.
    await app.services.profiles.update(
        "slack", "U300", chat_id="D300", now=app.services.clock(), language="fr"
    )
    handoff_id = await ask(app, country="BE")
    sent(app)
    await app.services.handoffs.answer(
        handoff_id, organiser=OLGA, text="Ask the ESF+ authority.", language="en"
    )
    told = [m for m in sent(app) if m[0] != Target(platform="telegram", chat_id="chat-m1")]
    [(target, text, buttons)] = told  # Sara only: not Olga, not Pierre (France), not the member twice
    assert target == Target(platform="slack", chat_id="U300")
    assert "Un ou une collègue a répondu à cette question" in text and "Ask the ESF+ authority." in text
    assert buttons == []  # nothing left to press


async def test_the_answer_goes_to_the_thread_it_was_asked_in(app: App) -> None:
    handoff_id = await ask(app)
    sender = app.services.senders["telegram"]
    assert isinstance(sender, RecordingSender)
    sender.sent.clear()
    await app.services.handoffs.answer(
        handoff_id, organiser=OLGA, text="Ask the ESF+ managing authority.", language="en"
    )
    [(_, reply)] = [(t, r) for t, r in sender.sent if t.chat_id == "chat-m1"]
    assert reply.thread_id == "77"


async def test_only_organisers_act_on_hand_offs(app: App) -> None:
    handoff_id = await ask(app)
    with pytest.raises(HandoffError) as refused:
        await app.services.handoffs.answer(handoff_id, organiser="telegram:999", text="x", language="en")
    assert refused.value.key == "handoff.error.not_organiser"


async def test_members_are_rate_limited(app: App, clock: Clock) -> None:
    await ask(app)
    await ask(app)
    with pytest.raises(HandoffError) as too_many:
        await ask(app)
    assert too_many.value.key == "handoff.error.too_many_open" and too_many.value.params == {"limit": 2}
    # Closing them frees the open slots, but the day's limit (5) still counts them.
    for handoff in await app.services.handoffs.of_member("telegram", "m1"):
        await app.services.handoffs.close(handoff.id, organiser=OLGA)
    for _ in range(3):
        handoff_id = await ask(app)
        await app.services.handoffs.withdraw(handoff_id, platform="telegram", user_id="m1")
    with pytest.raises(HandoffError) as today:
        await ask(app)
    assert today.value.key == "handoff.error.too_many_today"
    clock.advance(hours=25)
    await ask(app)


async def test_a_member_withdraws_only_their_own_open_question(app: App) -> None:
    handoff_id = await ask(app)
    with pytest.raises(HandoffError) as stranger:
        await app.services.handoffs.withdraw(handoff_id, platform="telegram", user_id="someone")
    assert stranger.value.key == "handoff.error.not_found"
    handoff = await app.services.handoffs.withdraw(handoff_id, platform="telegram", user_id="m1")
    assert handoff.state == "withdrawn"
    with pytest.raises(HandoffError) as late:
        await app.services.handoffs.answer(handoff_id, organiser=OLGA, text="Too late", language="en")
    assert late.value.params == {"state": "withdrawn"}


async def test_closing_an_open_question_tells_the_member(app: App) -> None:
    handoff_id = await ask(app)
    sent(app)
    handoff = await app.services.handoffs.close(handoff_id, organiser=PIERRE)
    assert handoff.state == "closed"
    [(target, text, _)] = sent(app)
    assert target.chat_id == "chat-m1" and "sans réponse" in text


async def test_unanswered_questions_are_reminded_then_escalated(app: App, clock: Clock) -> None:
    handoff_id = await ask(app, country="FR")
    sent(app)
    service = app.services.handoffs
    clock.advance(hours=23)
    assert (await service.send_reminders()).reminded == 0
    clock.advance(hours=1)
    report = await service.send_reminders()
    assert (report.reminded, report.escalated) == (1, 0)
    messages = sent(app)
    assert sorted(str(t) for t, _, _ in messages) == ["slack:U300", "telegram:200"]
    assert all("Reminder" in text for _, text, _ in messages)
    assert (await service.send_reminders()).reminded == 0 and sent(app) == []  # once
    clock.advance(hours=24)
    report = await service.send_reminders()
    assert (report.reminded, report.escalated) == (0, 1)
    messages = sent(app)
    assert sorted(str(t) for t, _, _ in messages) == ["slack:U300", "telegram:100", "telegram:200"]
    assert (await service.get(handoff_id)).escalated_at == clock()  # type: ignore[union-attr]
    clock.advance(hours=48)
    assert await service.send_reminders() == type(report)(0, 0)


async def test_forget_erases_the_members_hand_offs_and_retention_purges_old_ones(
    app: App, clock: Clock
) -> None:
    await ask(app, user="m1")
    await ask(app, user="m2")
    sessions = app.services.sessions
    assert (await count_member_rows(sessions, "telegram", "m1"))["handoffs"] == 1
    await erase_member(sessions, "telegram", "m1")
    assert await app.services.handoffs.of_member("telegram", "m1") == []
    assert len(await app.services.handoffs.of_member("telegram", "m2")) == 1
    clock.advance(days=app.services.settings.question_retention_days + 1)
    await app.purge_expired()
    assert await app.services.handoffs.listed(("open", "answered", "closed", "withdrawn")) == []


async def test_reminder_hours_are_validated_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ESER_HANDOFF_REMINDER_HOURS"):
        make_settings(tmp_path, ESER_HANDOFF_REMINDER_HOURS="0")
    assert make_settings(tmp_path).handoff_reminder_hours == 24
    assert timedelta(hours=make_settings(tmp_path, ESER_HANDOFF_REMINDER_HOURS="2").handoff_reminder_hours)


async def test_the_members_text_is_defanged_for_the_organisers(app: App) -> None:
    await ask(app, question="Ping @here and @everyone about our pilot")
    texts = [text for _, text, _ in sent(app)]
    assert texts and all("@\u200dhere" in text and "@here" not in text for text in texts)
