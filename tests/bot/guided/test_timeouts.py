"""Flows left unanswered are paused politely (through the platform's Sender) and resume later."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.delivery import RecipientGone, SentMessage
from bot.guided.timeouts import pause_idle_flows
from bot.models import Reply, Target
from knowledge.engine import KnowledgeEngine
from tests.bot.onboarding.member import Member, RecordingSender, callbacks
from tests.conftest import Clock, make_settings


class GoneSender:
    """A Sender whose recipient blocked the bot."""

    platform = "telegram"

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        raise RecipientGone("blocked")


async def started(app: App, **member: object) -> tuple[Member, Reply]:
    who = Member(app, **member)  # type: ignore[arg-type]
    *_, question = await who.command("start")
    [question] = await who.press(question, question.language)
    return who, question


async def test_idle_flow_is_paused_with_a_polite_message_and_resumes_where_it_stopped(
    app: App, clock: Clock
) -> None:
    sender = RecordingSender("telegram")
    app.services.senders["telegram"] = sender
    member, question = await started(app, hint="pl")
    [question] = await member.press(question, "ngo")  # now at the country question

    clock.advance(minutes=29)
    assert await pause_idle_flows(app.services) == 0 and sender.sent == []
    clock.advance(minutes=2)
    assert await pause_idle_flows(app.services) == 1
    [(target, notice)] = sender.sent
    assert target == Target(platform="telegram", chat_id="dm-u1")
    assert notice.language == "pl" and "/start" in notice.text and "wstrzyma" in notice.text
    assert await pause_idle_flows(app.services) == 0  # told once

    clock.advance(hours=5)
    [offer] = await member.say("hej")
    assert offer.language == "pl" and {"resume", "restart", "later"} <= set(callbacks(offer))
    assert "Kraj" in offer.text  # the step it stopped at
    [again] = await member.press(offer, "resume")
    assert "kraju" in again.text.lower() and "!back" in callbacks(again)
    [region] = await member.say("Polska")
    assert "regionie" in region.text  # on to the region question
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.country == "PL" and profile.organisation_type == "ngo"


async def test_a_question_asked_after_the_pause_is_answered_and_resuming_offered(
    app: App, clock: Clock
) -> None:
    app.services.senders["telegram"] = RecordingSender("telegram")
    member, _ = await started(app)
    clock.advance(minutes=31)
    await pause_idle_flows(app.services)
    answer, offer = await member.say("How can my region join ESER?")
    assert answer.citations and "resume" in callbacks(offer)
    # Offered once: the next question is just answered, /start still offers to continue.
    [next_answer] = await member.say("What funding exists for social enterprises?")
    assert next_answer.citations
    [offer] = await member.command("start")
    assert "resume" in callbacks(offer)


async def test_timeout_is_configurable(tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock) -> None:
    settings = make_settings(tmp_path, ESER_ONBOARDING_TIMEOUT_MINUTES="5")
    app = await build_app(settings, knowledge=knowledge, clock=clock)
    app.services.senders["telegram"] = RecordingSender("telegram")
    await started(app)
    clock.advance(minutes=4)
    assert await pause_idle_flows(app.services) == 0
    clock.advance(minutes=2)
    assert await pause_idle_flows(app.services) == 1
    await app.services.db.dispose()


@pytest.mark.parametrize("sender", [None, GoneSender()])
async def test_flow_is_paused_even_when_the_message_cannot_be_sent(
    app: App, clock: Clock, sender: GoneSender | None
) -> None:
    if sender is not None:
        app.services.senders["telegram"] = sender
    member, _ = await started(app)
    clock.advance(hours=1)
    assert await pause_idle_flows(app.services) == 1
    [offer] = await member.say("hello")
    assert "resume" in callbacks(offer)


async def test_finished_and_stopped_flows_are_not_swept(app: App, clock: Clock) -> None:
    sender = RecordingSender("telegram")
    app.services.senders["telegram"] = sender
    member, question = await started(app)
    await member.press(question, "!cancel")
    clock.advance(days=2)
    assert await pause_idle_flows(app.services) == 0 and sender.sent == []
