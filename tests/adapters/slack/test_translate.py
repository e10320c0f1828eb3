"""Slack payloads (as Slack documents and sends them) translated into ``IncomingMessage``s."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack.translate import (
    BotIdentity,
    is_from_bot,
    joined_user,
    plain_text,
    split_command,
    translate_action,
    translate_command,
    translate_event,
    welcome_message,
)

BOT = BotIdentity(user_id="UBOT", bot_id="BBOT", team_id="T1")
COMMANDS = frozenset({"ask", "events", "funding", "join", "help", "feedback", "start"})


def event(**fields: Any) -> dict[str, Any]:
    base = {"type": "message", "channel": "C1", "user": "U1", "text": "hello", "ts": "1700000000.000100"}
    base.update(fields)
    return base


def translate(payload: dict[str, Any]) -> Any:
    return translate_event(payload, event_id="Ev1", identity=BOT, known_commands=COMMANDS)


def test_mention_answers_in_a_new_thread_under_it_without_the_mention() -> None:
    message = translate(event(type="app_mention", text="<@UBOT> Can a cooperative join ESER?"))
    assert message.text == "Can a cooperative join ESER?"
    assert message.thread_id == "1700000000.000100"
    assert message.mentioned and not message.is_direct
    assert (message.chat_id, message.user_id, message.event_id, message.platform) == (
        "C1",
        "U1",
        "Ev1",
        "slack",
    )


def test_mention_inside_a_thread_keeps_that_thread() -> None:
    message = translate(event(type="app_mention", text="<@UBOT> and funding?", thread_ts="1699999999.000001"))
    assert message.thread_id == "1699999999.000001"


def test_direct_message_is_direct_and_unthreaded() -> None:
    message = translate(event(channel="D1", channel_type="im", text="What is ESER?"))
    assert message.is_direct and not message.mentioned
    assert message.thread_id is None and message.chat_id == "D1"


def test_direct_message_that_is_a_command_word_runs_the_command() -> None:
    message = translate(event(channel="D1", channel_type="im", text="Help"))
    assert message.command == "help"
    assert translate(event(channel="D1", channel_type="im", text="help with funding")).command is None


def test_channel_thread_message_is_passed_on_with_its_thread_unmentioned() -> None:
    message = translate(event(channel_type="channel", text="and in Spain?", thread_ts="1699999999.000001"))
    assert message.thread_id == "1699999999.000001"
    assert not message.mentioned and not message.is_direct


def test_channel_message_mentioning_the_bot_is_left_to_the_app_mention_event() -> None:
    assert translate(event(channel_type="channel", text="<@UBOT> hi", thread_ts="1.2")) is None
    assert translate(event(channel_type="channel", text="<@UOTHER> hi", thread_ts="1.2")) is not None


@pytest.mark.parametrize(
    "fields",
    [
        {"bot_id": "BOTHER", "text": "I am another bot"},
        {"bot_id": "BBOT"},
        {"subtype": "bot_message", "user": None, "username": "feed"},
        {"user": "UBOT"},
        {"bot_profile": {"id": "B9"}},
    ],
)
def test_messages_from_bots_including_itself_are_ignored(fields: dict[str, Any]) -> None:
    payload = event(channel_type="im", channel="D1", **fields)
    assert is_from_bot(payload, BOT)
    assert translate(payload) is None


@pytest.mark.parametrize("subtype", ["message_changed", "message_deleted", "channel_join", "channel_topic"])
def test_edits_deletions_and_system_messages_are_ignored(subtype: str) -> None:
    assert translate(event(channel_type="im", channel="D1", subtype=subtype)) is None


def test_file_share_and_thread_broadcast_are_people_writing() -> None:
    assert translate(event(channel_type="im", channel="D1", subtype="file_share")) is not None
    assert translate(event(channel_type="channel", subtype="thread_broadcast", thread_ts="1.2")) is not None


def test_other_event_types_are_not_messages() -> None:
    assert translate({"type": "reaction_added", "user": "U1", "item": {}}) is None


def test_plain_text_undoes_slack_markup() -> None:
    raw = (
        "<@UBOT> see <https://ec.europa.eu/social|the portal> &amp; <https://eser.eu> in <#C42|general>, "
        "ask <@U77> or <!here> about R&amp;D &lt;3"
    )
    assert plain_text(raw, "UBOT") == (
        "see the portal & https://eser.eu in #general, ask @U77 or @here about R&D <3"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("help", "")),
        ("events", ("events", "")),
        ("Events Spain", ("events", "Spain")),
        ("funding  social clusters ", ("funding", "social clusters")),
        ("feedback More Interreg please", ("feedback", "More Interreg please")),
        ("What is ESER?", ("ask", "What is ESER?")),
        ("eventsful day", ("ask", "eventsful day")),
    ],
)
def test_split_command(text: str, expected: tuple[str, str]) -> None:
    assert split_command(text, COMMANDS) == expected


def command_payload(text: str, channel: str = "D1") -> dict[str, str]:
    return {
        "command": "/eser",
        "text": text,
        "channel_id": channel,
        "user_id": "U1",
        "user_name": "ana",
        "trigger_id": "1337.42.abcd",
        "response_url": "https://hooks.slack.com/commands/T1/1/abc",
    }


def test_slash_command_with_a_known_first_word() -> None:
    message = translate_command(
        command_payload("funding social economy"), known_commands=COMMANDS, in_bot_dm=True
    )
    assert (message.command, message.args) == ("funding", "social economy")
    assert message.event_id == "1337.42.abcd"
    assert message.is_direct and message.mentioned and message.thread_id is None


def test_slash_command_with_a_question_asks_it() -> None:
    message = translate_command(
        command_payload("How do I join &amp; when?", "C9"), known_commands=COMMANDS, in_bot_dm=False
    )
    assert (message.command, message.args) == ("ask", "How do I join & when?")
    assert not message.is_direct and message.chat_id == "C9"


def block_actions(
    value: str | None, *, thread_ts: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    action: dict[str, Any] = {"action_id": "cb:3", "block_id": "b1", "type": "button", "action_ts": "1.5"}
    if value is not None:
        action["value"] = value
    message: dict[str, Any] = {"ts": "1700000001.000200", "text": "answer"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "username": "ana"},
        "channel": {"id": "C1"},
        "container": {"type": "message", "channel_id": "C1", "message_ts": "1700000001.000200"},
        "message": message,
        "trigger_id": "9.9.trigger",
        "actions": [action],
    }
    return payload, action


def test_feedback_click_carries_the_callback_data_in_its_thread() -> None:
    payload, action = block_actions("fb:abc123:up", thread_ts="1700000000.000100")
    message = translate_action(payload, action)
    assert message is not None
    assert message.callback_data == "fb:abc123:up"
    assert message.thread_id == "1700000000.000100"
    assert (message.chat_id, message.user_id, message.event_id) == ("C1", "U1", "9.9.trigger")


def test_link_button_click_is_not_a_message() -> None:
    payload, action = block_actions(None)
    assert translate_action(payload, action) is None


def test_team_join_welcomes_people_but_not_bots() -> None:
    assert joined_user({"type": "team_join", "user": {"id": "U5", "is_bot": False}}, BOT) == "U5"
    assert joined_user({"type": "team_join", "user": {"id": "B5", "is_bot": True}}, BOT) is None
    assert joined_user({"type": "team_join", "user": {"id": "U6", "deleted": True}}, BOT) is None


def test_member_joined_channel_welcomes_others_but_not_the_bot_itself() -> None:
    assert joined_user({"type": "member_joined_channel", "user": "U5", "channel": "C1"}, BOT) == "U5"
    assert joined_user({"type": "member_joined_channel", "user": "UBOT", "channel": "C1"}, BOT) is None
    assert joined_user({"type": "channel_created", "user": "U5"}, BOT) is None


def test_welcome_message_is_a_direct_start_command() -> None:
    message = welcome_message("U5", "DU5", "Ev9", "pl-PL")
    assert (message.command, message.is_direct, message.chat_id, message.user_id) == (
        "start",
        True,
        "DU5",
        "U5",
    )
    assert message.event_id == "Ev9" and message.language_hint == "pl-PL"
