"""What every guided chat shares: the role check, buttons from earlier steps or finished runs, where
a run listens, bare command words, restarting, one organisers' dialogue at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from tests.bot.onboarding.member import Member


@pytest.fixture
async def organiser(app: App) -> Member:
    await app.services.organisers.store.grant("telegram", "org", granted_by="test", now=datetime.now(UTC))
    return Member(app, user="org")


async def test_a_button_of_an_earlier_step_shows_where_we_are(organiser: Member) -> None:
    [title] = await organiser.command("newevent")
    await organiser.say("Forum")
    [current] = await organiser.press(title, "!cancel")  # the title step's cancel, pressed late
    assert "earlier question" in current.text and "When does it start" in current.text


async def test_a_button_after_the_end_is_stale(organiser: Member) -> None:
    [title] = await organiser.command("newevent")
    await organiser.say("cancel")
    [stale] = await organiser.press(title, "!cancel")
    assert "already over" in stale.text


async def test_group_messages_belong_to_the_dialogue_only_when_addressed_in_its_chat(
    app: App, organiser: Member
) -> None:
    await organiser.command("newevent", direct=False)  # started in the group
    assert await organiser.app.handle(organiser.message("Forum", direct=False)) == []  # not addressed
    [start] = await organiser.app.handle(organiser.message("Forum", direct=False, mentioned=True))
    assert "When does it start" in start.text


async def test_a_command_word_typed_in_a_slack_dm_is_an_answer(app: App) -> None:
    await app.services.organisers.store.grant("slack", "UORG", granted_by="test", now=datetime.now(UTC))
    organiser = Member(app, platform="slack", user="UORG")
    await organiser.command("newevent")
    # Slack reads a DM that is exactly a command name as that command; here it is the event's title.
    [start] = await app.handle(organiser.message("events", command="events"))
    assert "When does it start" in start.text


async def test_restart_and_a_new_command_start_over(organiser: Member) -> None:
    await organiser.command("newevent")
    await organiser.say("Forum")
    [title] = await organiser.say("start over")
    assert "What is its title" in title.text
    await organiser.say("Forum")
    [title] = await organiser.command("newevent")
    assert "What is its title" in title.text


async def test_a_new_dialogue_replaces_the_open_one_but_not_onboarding(app: App, organiser: Member) -> None:
    await organiser.command("start")
    await organiser.command("newevent")
    [text] = await organiser.command("announce")
    assert "announcement" in text.text.lower()
    [event] = await organiser.say("Our network meets in Liège")  # the announcement's text, not a title
    assert "When does it start" not in event.text
    [cancelled] = await organiser.say("cancel")
    assert "Nothing was saved or sent" in cancelled.text
    # The newevent run is gone; onboarding is where it was, and takes the next message.
    [question] = await organiser.say("English")
    assert "organisation" in question.text.lower()


async def test_the_role_is_checked_at_every_step(app: App, organiser: Member) -> None:
    [title] = await organiser.command("newevent")
    await organiser.say("Forum")
    await app.services.organisers.store.revoke("telegram", "org")
    [refused] = await organiser.say("2026-12-03 10:00 Europe/Madrid")
    assert "Only ESER organisers" in refused.text
    [stale] = await organiser.press(title, "!cancel")  # the run ended with the refusal
    assert "Only ESER organisers" in stale.text


async def test_a_member_cannot_start_an_organisers_dialogue(app: App) -> None:
    member = Member(app, user="someone")
    [refused] = await member.command("announce")
    assert "Only ESER organisers" in refused.text
    assert (
        await member.say("Hello") != []
        and await app.services.guided_chats.active("telegram", "someone") == []
    )
