"""``/newevent`` on the real app: the happy path, validation, back/cancel, refusals, persistence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App, build_app
from bot.settings import Settings
from knowledge.engine import KnowledgeEngine
from tests.bot.onboarding.member import Member, callbacks
from tests.conftest import Clock

SIGNUP = "https://events.example.org/valencia-forum/register"


@pytest.fixture
async def organiser(app: App) -> Member:
    await app.services.organisers.store.grant("telegram", "org", granted_by="test", now=datetime.now(UTC))
    return Member(app, user="org")


async def add_event(organiser: Member) -> list:  # type: ignore[type-arg]
    [question] = await organiser.command("newevent")
    assert "title" in question.text
    [question] = await organiser.say("Valencia social economy forum")
    [question] = await organiser.say("2026-12-03 10:00-17:00")  # no zone: asked next
    assert "Europe/Brussels" in callbacks(question)
    [question] = await organiser.say("europe/madrid")
    [question] = await organiser.say("Palau de Congressos, Valencia https://live.example.org/valencia")
    [question] = await organiser.say(SIGNUP)
    [question] = await organiser.press(question, "es")
    [question] = await organiser.say("Spain")
    [question] = await organiser.press(question, "events")
    [question] = await organiser.press(question, "funding")
    assert "✓" in question.text or any("✓" in b.label for row in question.buttons for b in row)
    [preview] = await organiser.press(question, "!done")
    return [preview]


async def test_an_organiser_adds_an_event_that_members_then_find(app: App, organiser: Member) -> None:
    [preview] = await add_event(organiser)
    assert "Valencia social economy forum" in preview.text and "(Europe/Madrid)" in preview.text
    assert "Palau de Congressos, Valencia, online" in preview.text and "Español" in preview.text
    assert "Spain" in preview.text and "EU funding" in preview.text
    assert SIGNUP in [b.url for row in preview.buttons for b in row]
    assert await app.services.events.list_stored() == []  # nothing saved before Save
    [saved] = await organiser.press(preview, "save")
    assert "Saved as ev-" in saved.text and saved.attachments[0].content.startswith(b"BEGIN:VCALENDAR")
    [event] = await app.services.events.list_stored()
    assert event.start == datetime(2026, 12, 3, 9, 0, tzinfo=UTC) and event.timezone == "Europe/Madrid"
    assert event.online_url == "https://live.example.org/valencia" and event.region == "ES"
    assert event.topics == ("events", "funding") and event.language == "es"
    assert event.signup_url == SIGNUP

    member = Member(app, user="someone")
    [answer] = await member.say("What's on in Spain next month?")
    assert "Valencia social economy forum" in answer.text
    assert SIGNUP in [b.url for row in answer.buttons for b in row]
    assert answer.attachments and b"Valencia social economy forum" in answer.attachments[0].content


async def test_save_pressed_twice_stores_one_event(app: App, organiser: Member) -> None:
    [preview] = await add_event(organiser)
    await organiser.press(preview, "save")
    [stale] = await organiser.press(preview, "save")
    assert "already over" in stale.text
    assert len(await app.services.events.list_stored()) == 1


async def test_bad_answers_are_asked_again_with_a_clear_message(organiser: Member) -> None:
    await organiser.command("newevent")
    await organiser.say("Forum")
    [again] = await organiser.say("next Tuesday")
    assert "is not a date and time I can read" in again.text and "2026-12-03 10:00" in again.text
    [again] = await organiser.say("2026-12-03 10:00 Mars/Olympus")
    assert "not a time zone I know" in again.text
    [again] = await organiser.say("2025-01-01 10:00 Europe/Madrid")
    assert "in the past" in again.text
    [where] = await organiser.say("2026-12-03 10:00 Europe/Madrid")  # the zone step is not asked
    assert "Where does it take place" in where.text
    await organiser.say("Online https://meet.example.org/x")
    [again] = await organiser.say("register.example.org")
    assert "is not a web link" in again.text and "https://" in again.text
    [language] = await organiser.press(again, "!skip")
    assert "language" in language.text
    await organiser.press(language, "!skip")
    [again] = await organiser.say("Atlantis")
    assert "not a country I know" in again.text
    [suggested] = await organiser.say("Spian")
    assert "Did you mean" in suggested.text and "ES" in callbacks(suggested)


async def test_back_and_cancel(app: App, organiser: Member) -> None:
    await organiser.command("newevent")
    [start] = await organiser.say("Forum")
    [title] = await organiser.press(start, "!back")
    assert "title" in title.text
    [first] = await organiser.say("back")
    assert "first question" in first.text
    [cancelled] = await organiser.say("cancel")
    assert "Nothing was saved" in cancelled.text
    assert await organiser.say("Forum") != []  # no dialogue any more: an ordinary question
    assert await app.services.events.list_stored(upcoming=False) == []


async def test_a_member_who_is_not_an_organiser_is_refused_at_every_step(app: App, organiser: Member) -> None:
    member = Member(app, user="member", hint="fr")
    [refused] = await member.command("newevent")
    assert "Seuls les organisateurs ESER" in refused.text
    [question] = await organiser.command("newevent")
    [other] = await member.press(question, "!cancel")  # someone else's button
    assert "Seuls les organisateurs ESER" in other.text
    await app.services.organisers.store.revoke("telegram", "org")
    [revoked] = await organiser.say("Forum")  # the role went away mid-dialogue
    assert "Only ESER organisers can add events" in revoked.text
    assert await app.services.events.list_stored(upcoming=False) == []


async def test_the_dialogue_survives_a_restart(
    app: App, organiser: Member, settings: Settings, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    await organiser.command("newevent")
    await organiser.say("Forum")
    restarted = await build_app(settings, knowledge=knowledge, clock=clock)
    try:
        [where] = await Member(restarted, user="org").say("2026-12-03 10:00 Europe/Rome")
        assert "Where does it take place" in where.text
    finally:
        await restarted.services.db.dispose()
