"""The Slack runner end to end: signed requests to the real bolt HTTP endpoint (and a Socket Mode
websocket), the core answering, and the fake Web API recording what the bot sent."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest
from sqlalchemy import select

from adapters.slack.app import SlackRunner
from adapters.slack.render import escape
from bot.app import App
from bot.callbacks import SEPARATOR
from bot.errors import ConfigError
from bot.store.answers import AnswerRow, FeedbackRow, VoteRow
from tests.adapters.slack.conftest import FAST_RETRY, slack_settings
from tests.fakes.slack_server import (
    APP_TOKEN,
    BOT_ID,
    BOT_USER_ID,
    ApiCall,
    FakeSlack,
    SlackDeliverer,
    block_actions_payload,
    dm_channel,
    event_envelope,
)

QUESTION = "Can a cooperative become a member of ESER?"


def dm_event(slack: SlackDeliverer, user: str, text: str, **fields: Any) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": dm_channel(user),
        "user": user,
        "text": text,
        "ts": slack.next_ts(),
    }
    event.update(fields)
    return event


def mention_event(
    slack: SlackDeliverer, user: str, text: str, channel: str = "CGENERAL", **fields: Any
) -> dict:
    event = {"type": "app_mention", "channel": channel, "user": user, "text": f"<@{BOT_USER_ID}> {text}"}
    event.update({"ts": slack.next_ts(), **fields})
    return event


def feedback_values(call: ApiCall) -> list[str]:
    return [
        element["value"]
        for block in call.params.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if str(element.get("value", "")).startswith("fb:")
    ]


def answers(fake: FakeSlack) -> list[ApiCall]:
    """Delivered answers: messages carrying the 👍/👎 buttons of a recorded answer."""
    return [call for call in fake.messages() if feedback_values(call)]


def source_links(call: ApiCall) -> list[str]:
    return [
        element["text"]
        for block in call.params["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
        if element["text"].startswith("<http")
    ]


def visible_text(call: ApiCall) -> str:
    return "\n".join(block["text"]["text"] for block in call.params["blocks"] if block["type"] == "section")


# --- the HTTP endpoint --------------------------------------------------------------------------


async def test_url_verification_challenge_is_answered(slack: SlackDeliverer) -> None:
    delivery = await slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert delivery.status == 200
    assert json.loads(delivery.body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_bad_signature_is_rejected_and_not_answered(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    delivery = await slack.event(dm_event(slack, "U1", QUESTION), secret="not-the-signing-secret")
    await runner.wait_idle()
    assert delivery.status == 401
    assert not fake_slack.messages()


async def test_stale_timestamp_is_rejected_and_not_answered(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    # A correctly signed request replayed six minutes later.
    delivery = await slack.event(dm_event(slack, "U1", QUESTION), timestamp=int(time.time()) - 6 * 60)
    await runner.wait_idle()
    assert delivery.status == 401
    assert not fake_slack.messages()


async def test_retried_event_gets_exactly_one_answer(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    event = mention_event(slack, "U1", QUESTION)
    first, retry = await asyncio.gather(
        slack.event(event, event_id="EvRETRY1"), slack.event(event, event_id="EvRETRY1", retry_num=1)
    )
    late_retry = await slack.event(event, event_id="EvRETRY1", retry_num=2)
    await runner.wait_idle()
    assert (first.status, retry.status, late_retry.status) == (200, 200, 200)
    assert len(answers(fake_slack)) == 1
    assert len(fake_slack.messages()) == 1


async def test_ack_returns_before_the_answer_is_computed(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    fake_slack.delays["users.info"] = 0.6  # the answer cannot be ready before this look-up returns
    delivery = await slack.event(dm_event(slack, "U1", QUESTION))
    [answer] = (await fake_slack.wait_for_messages(1))[:1]
    assert delivery.status == 200
    assert delivery.seconds < 0.5
    assert delivery.answered_at < answer.at
    assert answer.at - delivery.sent_at >= 0.6


async def test_rate_limited_answer_waits_and_is_delivered(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=0.3)
    await slack.event(mention_event(slack, "U1", QUESTION))
    await runner.wait_idle()
    limited, delivered = fake_slack.calls_of("chat.postMessage")
    assert limited.status == 429 and delivered.response["ok"]
    assert delivered.at - limited.at >= 0.3
    assert answers(fake_slack) == [delivered]


async def test_answer_lost_to_platform_errors_is_logged_with_the_event_id(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.fail_next("chat.postMessage", FAST_RETRY.attempts + 1, status=500)
    with caplog.at_level(logging.ERROR, logger="adapters.slack"):
        await slack.event(mention_event(slack, "U1", QUESTION), event_id="EvLOST42")
        await runner.wait_idle()
    assert len(fake_slack.calls_of("chat.postMessage")) == FAST_RETRY.attempts + 1
    assert any(
        "EvLOST42" in record.getMessage() and "not delivered" in record.getMessage()
        for record in caplog.records
    )


# --- who is answered where ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"bot_id": BOT_ID, "user": BOT_USER_ID},  # the bot's own answer echoed back
        {"user": BOT_USER_ID},
        {"bot_id": "BOTHERBOT", "user": "UOTHERBOT"},  # another bot
        {"subtype": "bot_message", "bot_id": "BFEED", "user": None},
    ],
)
async def test_messages_from_bots_are_ignored(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, fields: dict[str, Any]
) -> None:
    delivery = await slack.event(dm_event(slack, "U1", QUESTION) | fields)
    await runner.wait_idle()
    assert delivery.status == 200
    assert not fake_slack.messages()


async def test_mention_is_answered_in_its_thread(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    event = mention_event(slack, "U1", QUESTION)
    await slack.event(event)
    await runner.wait_idle()
    [answer] = fake_slack.messages()
    assert answer.params["channel"] == "CGENERAL" and answer.params["thread_ts"] == event["ts"]
    assert source_links(answer) and feedback_values(answer)


async def test_direct_message_is_answered_in_the_dm(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    await slack.event(dm_event(slack, "U1", QUESTION))
    await runner.wait_idle()
    [answer] = answers(fake_slack)
    assert answer.params["channel"] == dm_channel("U1") and "thread_ts" not in answer.params
    assert all(call.params["channel"] == dm_channel("U1") for call in fake_slack.messages())


async def test_follow_up_in_the_bots_thread_is_answered_with_its_context(
    runner: SlackRunner, app: App, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    mention = mention_event(slack, "U1", "When was ESER launched?")
    await slack.event(mention)
    await runner.wait_idle()
    follow_up = {
        "type": "message",
        "channel_type": "channel",
        "channel": "CGENERAL",
        "user": "U1",
        "text": "And what is it trying to achieve?",
        "ts": slack.next_ts(),
        "thread_ts": mention["ts"],
    }
    await slack.event(follow_up)
    await runner.wait_idle()
    _, second = answers(fake_slack)
    assert second.params["thread_ts"] == mention["ts"] and second.params["channel"] == "CGENERAL"
    assert source_links(second), visible_text(second)  # grounded thanks to the thread's first question
    history = await app.services.answers.thread_questions(f"slack:CGENERAL:{mention['ts']}")
    assert sorted(history) == ["And what is it trying to achieve?", "When was ESER launched?"]
    # Asked on its own, the same words are too vague to be answered from the sources.
    await slack.event(mention_event(slack, "U2", "And what is it trying to achieve?", channel="COTHER"))
    await runner.wait_idle()
    alone = answers(fake_slack)[-1]
    assert alone.params["channel"] == "COTHER" and not source_links(alone)


async def test_message_in_a_thread_the_bot_never_answered_is_ignored(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    thread = slack.next_ts()
    for text in (QUESTION, "Top-level chatter about ESER?"):
        fields = {"thread_ts": thread} if text == QUESTION else {}
        await slack.event(
            {"type": "message", "channel_type": "channel", "channel": "CGENERAL", "user": "U1", "text": text}
            | {"ts": slack.next_ts(), **fields}
        )
    await runner.wait_idle()
    assert not fake_slack.messages()


# --- slash command ------------------------------------------------------------------------------


async def test_slash_command_in_the_bots_dm_acks_then_answers_visibly(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    delivery = await slack.command("U1", dm_channel("U1"), "events")
    await runner.wait_idle()
    assert delivery.status == 200
    assert json.loads(delivery.body) == {"text": "Looking that up…", "response_type": "ephemeral"}
    [answer] = answers(fake_slack)
    assert answer.method == "chat.postMessage" and answer.params["channel"] == dm_channel("U1")
    assert delivery.answered_at < answer.at  # the ack went out before the answer
    buttons = [e for b in answer.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "https://events.example.org/eser-network-meeting-2027/register" in [b.get("url") for b in buttons]
    [complete] = fake_slack.calls_of("files.completeUploadExternal")
    assert complete.params["channel_id"] == dm_channel("U1")
    assert next(iter(fake_slack.uploads.values())).startswith(b"BEGIN:VCALENDAR")


async def test_slash_question_in_a_channel_is_answered_privately(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    await slack.command("U1", "CGENERAL", QUESTION)
    await runner.wait_idle()
    assert not fake_slack.calls_of("chat.postMessage")
    [answer] = fake_slack.messages()
    assert answer.method == "response_url" and answer.params["response_type"] == "ephemeral"
    assert source_links(answer) and feedback_values(answer)


async def test_bare_slash_command_shows_help_in_the_members_language(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, app: App
) -> None:
    fake_slack.add_user("UFR", locale="fr-FR")
    delivery = await slack.command("UFR", dm_channel("UFR"), "")
    await runner.wait_idle()
    assert delivery.body == ""  # nothing to look up: a plain ack
    [reply] = fake_slack.messages()
    assert visible_text(reply) == escape(app.services.catalogue.text("help.text", "fr", cmd="/eser "))
    assert "/eser events" in visible_text(reply)


async def test_slash_ack_speaks_the_members_language(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, app: App
) -> None:
    fake_slack.add_user("UDE", locale="de-DE")
    delivery = await slack.command("UDE", dm_channel("UDE"), "funding social economy clusters")
    await runner.wait_idle()
    assert json.loads(delivery.body)["text"] == app.services.catalogue.text("slack.looking_up", "de")
    [answer] = answers(fake_slack)
    assert source_links(answer)


async def test_slash_feedback_is_stored(runner: SlackRunner, slack: SlackDeliverer, app: App) -> None:
    await slack.command("U1", dm_channel("U1"), "feedback Please add Interreg examples")
    await runner.wait_idle()
    async with app.services.sessions() as session:
        row = (await session.scalars(select(FeedbackRow))).one()
    assert (row.platform, row.user_id, row.text) == ("slack", "U1", "Please add Interreg examples")


# --- App Home, buttons, newcomers ---------------------------------------------------------------


async def test_app_home_is_published_in_the_members_language(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, app: App
) -> None:
    fake_slack.add_user("UIT", locale="it-IT")
    await slack.event({"type": "app_home_opened", "user": "UIT", "channel": "DUIT", "tab": "home"})
    await slack.event({"type": "app_home_opened", "user": "UIT", "channel": "DUIT", "tab": "messages"})
    await runner.wait_idle()
    [publish] = fake_slack.calls_of("views.publish")
    view = publish.params["view"]
    assert publish.params["user_id"] == "UIT" and view["type"] == "home"
    assert view["blocks"][0]["text"]["text"] == app.services.catalogue.text("slack.home_title", "it")
    assert "/eser &lt;domanda&gt;" in json.dumps(view, ensure_ascii=False)


async def test_feedback_click_stores_the_vote_and_thanks_privately(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, app: App
) -> None:
    event = mention_event(slack, "U1", QUESTION)
    await slack.event(event)
    await runner.wait_idle()
    [answer] = answers(fake_slack)
    up = next(
        element
        for block in answer.params["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("value", "").rpartition(SEPARATOR)[0].endswith(":up")
    )
    message = {"ts": answer.response["ts"], "thread_ts": event["ts"], "text": answer.params["text"]}
    payload = block_actions_payload(
        user="U1",
        channel="CGENERAL",
        message=message,
        action=up,
        trigger_id=slack.next_id("trig"),
        response_url=fake_slack.response_url("click"),
    )
    delivery = await slack.action(payload)
    await runner.wait_idle()
    assert delivery.status == 200
    async with app.services.sessions() as session:
        vote = (await session.scalars(select(VoteRow))).one()
        stored = await session.get(AnswerRow, vote.answer_id)
    assert (vote.platform, vote.user_id, vote.vote) == ("slack", "U1", 1)
    assert stored is not None and stored.question == QUESTION
    [thanks] = fake_slack.calls_of("chat.postEphemeral")
    assert thanks.params["user"] == "U1" and thanks.params["thread_ts"] == event["ts"]
    assert visible_text(thanks) == app.services.catalogue.text("feedback.thanks_up", "en")


async def test_link_button_click_is_acknowledged_and_nothing_else(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    payload = block_actions_payload(
        user="U1",
        channel=dm_channel("U1"),
        message={"ts": "1.1"},
        action={"action_id": "link:0", "type": "button", "url": "https://a.eu"},
        trigger_id="trig-link",
        response_url=fake_slack.response_url("link"),
    )
    delivery = await slack.action(payload)
    await runner.wait_idle()
    assert delivery.status == 200 and not fake_slack.messages()


async def test_team_join_opens_a_dm_and_welcomes_there(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("UNEW", locale="es-ES")
    await slack.event({"type": "team_join", "user": {"id": "UNEW", "name": "nueva", "is_bot": False}})
    await runner.wait_idle()
    [opened] = fake_slack.calls_of("conversations.open")
    assert opened.params["users"] == "UNEW"
    welcome = fake_slack.messages()
    assert welcome and all(call.params["channel"] == dm_channel("UNEW") for call in welcome)


async def test_channel_join_welcomes_people_but_not_bots_or_itself(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("UHUMAN")
    fake_slack.add_user("UROBOT", is_bot=True)
    for user in ("UHUMAN", "UROBOT", BOT_USER_ID):
        await slack.event({"type": "member_joined_channel", "user": user, "channel": "CGENERAL"})
    await runner.wait_idle()
    assert {call.params["channel"] for call in fake_slack.messages()} == {dm_channel("UHUMAN")}


# --- configuration, modes, lifecycle ------------------------------------------------------------


async def test_runner_registers_its_sender(runner: SlackRunner, app: App) -> None:
    assert app.services.senders["slack"] is runner.registered_sender
    assert runner.mode == "http" and runner.port > 0


async def test_token_rejected_by_auth_test_is_a_config_error(
    app: App, fake_slack: FakeSlack, tmp_path: Any
) -> None:
    settings = slack_settings(tmp_path, fake_slack, SLACK_BOT_TOKEN="xoxb-revoked-token")
    runner = SlackRunner(app, settings, retry=FAST_RETRY)
    with pytest.raises(ConfigError) as raised:
        await runner.start()
    assert raised.value.setting == "SLACK_BOT_TOKEN" and "invalid_auth" in str(raised.value)
    with pytest.raises(RuntimeError):
        _ = runner.port  # nothing is listening


async def test_malformed_token_fails_before_any_network_call(
    app: App, fake_slack: FakeSlack, tmp_path: Any
) -> None:
    with pytest.raises(ConfigError) as raised:
        SlackRunner(app, slack_settings(tmp_path, fake_slack, SLACK_BOT_TOKEN="xoxp-user-token"))
    assert raised.value.setting == "SLACK_BOT_TOKEN"
    assert not fake_slack.calls


async def test_socket_mode_takes_events_over_the_websocket(
    app: App, fake_slack: FakeSlack, tmp_path: Any
) -> None:
    settings = slack_settings(tmp_path, fake_slack, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
    runner = SlackRunner(app, settings, retry=FAST_RETRY)
    assert runner.mode == "socket"
    await runner.start()
    try:
        [opened] = fake_slack.calls_of("apps.connections.open")
        assert opened.token == APP_TOKEN
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": dm_channel("U1"),
            "user": "U1",
            "text": QUESTION,
            "ts": "1780000000.000300",
        }
        await fake_slack.send_envelope("events_api", event_envelope(event, "EvSOCKET1"), "env-1")
        await fake_slack.wait_for(
            lambda fake: any(ack.get("envelope_id") == "env-1" for ack in fake.socket_acks)
        )
        [answer] = [call for call in await fake_slack.wait_for_messages(1) if feedback_values(call)]
        assert answer.params["channel"] == dm_channel("U1")
    finally:
        await runner.stop()
    assert len(fake_slack.calls_of("apps.connections.open")) == 1  # the URL issued at start was used


async def test_socket_mode_with_a_rejected_app_token_is_a_config_error(
    app: App, fake_slack: FakeSlack, tmp_path: Any
) -> None:
    fake_slack.valid_tokens.discard(APP_TOKEN)
    settings = slack_settings(tmp_path, fake_slack, SLACK_APP_TOKEN=APP_TOKEN)
    with pytest.raises(ConfigError) as raised:
        await SlackRunner(app, settings, retry=FAST_RETRY).start()
    assert raised.value.setting == "SLACK_APP_TOKEN"


async def test_stop_finishes_answers_in_flight_then_refuses_events(
    app: App, settings: Any, fake_slack: FakeSlack
) -> None:
    runner = SlackRunner(app, settings, retry=FAST_RETRY)
    await runner.start()
    slack = SlackDeliverer(runner.url, fake_slack)
    try:
        fake_slack.delays["users.info"] = 0.4
        delivery = await slack.event(dm_event(slack, "U1", QUESTION))
        assert delivery.status == 200 and not fake_slack.messages()
        await runner.stop()
        assert answers(fake_slack), "the answer in flight was delivered before stop() returned"
        with pytest.raises(OSError):
            await slack.event(dm_event(slack, "U1", QUESTION))
    finally:
        await slack.close()
