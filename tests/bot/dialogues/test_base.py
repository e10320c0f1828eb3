"""The dialogue machinery: buttons from earlier steps, chats, typed control words, callback sizes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.dialogues.base import callback
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


def test_callback_data_fits_telegram() -> None:
    assert callback("zone", "America/Argentina/Buenos_Aires") == "dlg:zone:America/Argentina/Buenos_Aires"
    with pytest.raises(ValueError, match="too long"):
        callback("zone", "x" * 60)
