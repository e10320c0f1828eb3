"""``translate``: recorded Bot API update payloads -> ``IncomingMessage`` (pure, no network)."""

from __future__ import annotations

import itertools

import pytest
from telegram import Update

from adapters.telegram.translate import BotIdentity, translate
from tests.fakes.telegram_server import BOT_ID, BOT_USERNAME
from tests.fakes.telegram_updates import GROUP_ID, Payload, UpdateFactory, user

BOT = BotIdentity(id=BOT_ID, username=BOT_USERNAME)
BOT_USER: Payload = {"id": BOT_ID, "is_bot": True, "first_name": "ESER Assistant", "username": BOT_USERNAME}
GROUP = {"id": GROUP_ID, "type": "supergroup", "title": "ESER regions"}


@pytest.fixture
def updates() -> UpdateFactory:
    return UpdateFactory(BOT_USER, itertools.count(1))


def parse(payload: Payload) -> Update:
    update = Update.de_json(payload, None)
    assert update is not None
    return update


def test_private_message_is_a_direct_question(updates: UpdateFactory) -> None:
    payload = updates.private_message(42, "What is ESER?", language="fr")
    message = translate(parse(payload), BOT)
    assert message is not None
    assert message.is_direct and message.text == "What is ESER?" and message.command is None
    assert message.chat_id == "42" and message.user_id == "42" and message.thread_id is None
    assert message.language_hint == "fr"
    assert message.event_id == f"telegram:{BOT.id}:{payload['update_id']}"
    assert message.user_name == "Member 42"


def test_group_message_without_mention_is_not_for_the_bot(updates: UpdateFactory) -> None:
    message = translate(parse(updates.group_message(42, "What is ESER?")), BOT)
    assert message is not None and not message.is_direct and not message.mentioned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"@{BOT_USERNAME} What is ESER?", "What is ESER?"),
        (f"@{BOT_USERNAME}, what is ESER?", "what is ESER?"),
        (f"Hello @{BOT_USERNAME} what is ESER?", "Hello what is ESER?"),
        (f"What is ESER? @{BOT_USERNAME.lower()}", "What is ESER?"),
        (f"🇪🇺🤝 @{BOT_USERNAME} what is ESER?", "🇪🇺🤝 what is ESER?"),  # offsets count UTF-16 units
    ],
)
def test_group_mention_is_detected_and_removed(updates: UpdateFactory, text: str, expected: str) -> None:
    payload = updates.group_message(42, text)
    message = translate(parse(payload), BOT)
    assert message is not None and message.mentioned and message.text == expected
    # The answer goes as a reply to the member's message.
    assert message.thread_id == str(payload["message"]["message_id"])


def test_mention_of_someone_else_is_not_a_mention_of_the_bot(updates: UpdateFactory) -> None:
    message = translate(parse(updates.group_message(42, "@SomeoneElse what is ESER?")), BOT)
    assert message is not None and not message.mentioned
    assert message.text == "@SomeoneElse what is ESER?"


def test_text_mention_of_the_bot_counts(updates: UpdateFactory) -> None:
    entity = {"type": "text_mention", "offset": 0, "length": 9, "user": BOT_USER}
    payload = updates.message(GROUP, user(42), "Assistant what is ESER?", entities=[entity])
    message = translate(parse(payload), BOT)
    assert message is not None and message.mentioned and message.text == "what is ESER?"


def test_reply_to_a_bot_message_counts_as_mention(updates: UpdateFactory) -> None:
    earlier = updates.bot_message(GROUP, "ESER is a network of regions [1]")
    message = translate(parse(updates.group_message(42, "And who can join?", reply_to=earlier)), BOT)
    assert message is not None and message.mentioned and message.text == "And who can join?"


def test_reply_to_another_member_is_no_mention(updates: UpdateFactory) -> None:
    earlier = updates.group_message(43, "hello")["message"]
    message = translate(parse(updates.group_message(42, "And who can join?", reply_to=earlier)), BOT)
    assert message is not None and not message.mentioned


def test_forum_topic_root_is_no_reply_to_the_bot(updates: UpdateFactory) -> None:
    topic_root = updates.bot_message(GROUP, "")
    del topic_root["text"]
    topic_root["forum_topic_created"] = {"name": "Questions", "icon_color": 7322096}
    message = translate(parse(updates.group_message(42, "Who can join?", reply_to=topic_root)), BOT)
    assert message is not None and not message.mentioned


def test_command_addressed_to_the_bot_in_a_group(updates: UpdateFactory) -> None:
    message = translate(parse(updates.group_message(42, f"/ask@{BOT_USERNAME} Who can join ESER?")), BOT)
    assert message is not None
    assert message.command == "ask" and message.args == "Who can join ESER?" and message.mentioned
    assert message.text == "/ask Who can join ESER?"
    assert message.thread_id is not None


def test_command_for_another_bot_is_ignored(updates: UpdateFactory) -> None:
    assert translate(parse(updates.group_message(42, "/ask@OtherHelperBot who?")), BOT) is None


def test_plain_command_in_a_group_is_taken(updates: UpdateFactory) -> None:
    message = translate(parse(updates.group_message(42, "/help")), BOT)
    assert message is not None and message.command == "help" and message.args == "" and message.mentioned


def test_private_command_with_multiline_args(updates: UpdateFactory) -> None:
    message = translate(parse(updates.private_message(42, "/FEEDBACK Great bot.\nMore events please")), BOT)
    assert message is not None
    assert message.command == "feedback" and message.args == "Great bot.\nMore events please"


def test_slash_text_that_is_no_command_stays_text(updates: UpdateFactory) -> None:
    message = translate(parse(updates.private_message(42, "/path/to/file is what I mean")), BOT)
    assert message is not None and message.command is None and message.text == "/path/to/file is what I mean"


def test_caption_is_read_like_text(updates: UpdateFactory) -> None:
    payload = updates.private_message(42, "x")
    message_payload = payload["message"]
    message_payload["caption"] = message_payload.pop("text").replace("x", "What is this event?")
    message_payload["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    message = translate(parse(payload), BOT)
    assert message is not None and message.text == "What is this event?"


@pytest.mark.parametrize("key", ["edited_message", "channel_post"])
def test_edits_and_channel_posts_are_ignored(updates: UpdateFactory, key: str) -> None:
    chat = {"id": 42, "type": "private"}
    assert translate(parse(updates.message(chat, user(42), "What is ESER?", key=key)), BOT) is None


def test_messages_from_bots_are_ignored(updates: UpdateFactory) -> None:
    from_itself = updates.message(GROUP, BOT_USER, f"@{BOT_USERNAME} hi")
    other_bot = updates.message(GROUP, user(99, is_bot=True), f"@{BOT_USERNAME} what is ESER?")
    assert translate(parse(from_itself), BOT) is None
    assert translate(parse(other_bot), BOT) is None


def test_service_messages_are_ignored(updates: UpdateFactory) -> None:
    assert translate(parse(updates.service_message(GROUP, user(42))), BOT) is None


def test_callback_query_carries_its_data(updates: UpdateFactory) -> None:
    sent = updates.bot_message(GROUP, "An answer [1]")
    payload = updates.callback_query(42, "fb:abc123:up", message=sent, language="de")
    message = translate(parse(payload), BOT)
    assert message is not None
    assert message.callback_data == "fb:abc123:up" and message.mentioned and not message.is_direct
    assert message.chat_id == str(GROUP_ID) and message.user_id == "42" and message.language_hint == "de"
    assert message.event_id == f"telegram:{BOT.id}:{payload['update_id']}"
