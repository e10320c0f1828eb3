"""The Slack sender against the fake Web API: posting, ephemeral and response_url answers, file
uploads (v2 flow), and Slack errors mapped onto the core's DeliveryError family."""

from __future__ import annotations

import socket

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.retry import RetryPolicy, retry_handlers
from adapters.slack.sender import Origin, SlackSender
from bot.delivery import (
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    RecipientGone,
    TransientDeliveryError,
)
from bot.i18n import Catalogue
from bot.models import Attachment, Button, Reply, Target
from knowledge.models import Citation
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack

POLICY = RetryPolicy(attempts=1, rate_limit_attempts=2, backoff_seconds=0.02, max_retry_after_seconds=1)
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def sender(base_url: str, catalogue: Catalogue) -> SlackSender:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=base_url, retry_handlers=retry_handlers(POLICY))
    return SlackSender(client, catalogue)


def answer(**fields: object) -> Reply:
    values: dict[str, object] = {
        "text": "ESER is a network of regions [1].",
        "citations": [Citation(n=1, title="ESER overview", url="https://ec.europa.eu/eser")],
        "buttons": [[Button(label="👍", callback_data="fb:x:up")]],
        "language": "fr",
    }
    values.update(fields)
    return Reply(**values)


async def test_send_posts_and_returns_the_ts(fake_slack: FakeSlack, catalogue: Catalogue) -> None:
    sent = await sender(fake_slack.base_url, catalogue).send(Target(platform="slack", chat_id="C1"), answer())
    [call] = fake_slack.calls_of("chat.postMessage")
    assert sent.message_id == call.response["ts"] and sent.target.chat_id == "C1"
    assert call.params["channel"] == "C1" and "thread_ts" not in call.params
    assert (
        call.params["blocks"][1]["elements"][0]["text"] == "*Sources*"
    )  # French catalogue says "Sources" too
    assert call.params["text"] == "ESER is a network of regions [1]."
    assert call.token == BOT_TOKEN


async def test_send_in_a_thread_with_a_calendar_file(fake_slack: FakeSlack, catalogue: Catalogue) -> None:
    reply = answer(
        thread_id="1700.01",
        attachments=[Attachment(filename="eser.ics", content=ICS, mime_type="text/calendar")],
    )
    await sender(fake_slack.base_url, catalogue).send(Target(platform="slack", chat_id="C1"), reply)
    [post] = fake_slack.calls_of("chat.postMessage")
    assert post.params["thread_ts"] == "1700.01"
    [url] = fake_slack.calls_of("files.getUploadURLExternal")
    assert url.params["filename"] == "eser.ics" and int(url.params["length"]) == len(ICS)
    [file_id] = fake_slack.uploads
    assert fake_slack.uploads[file_id] == ICS
    [complete] = fake_slack.calls_of("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C1" and complete.params["thread_ts"] == "1700.01"
    assert complete.params["files"] == [{"id": file_id, "title": "eser.ics"}]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"error": "channel_not_found"}, RecipientGone),
        ({"error": "is_archived"}, RecipientGone),
        ({"error": "not_in_channel"}, RecipientGone),
        ({"error": "account_inactive"}, RecipientGone),
        ({"error": "user_not_found"}, RecipientGone),
        ({"error": "invalid_blocks", "times": 3}, PermanentDeliveryError),
        ({"error": "msg_too_long"}, PermanentDeliveryError),
        ({"status": 500, "times": 2}, TransientDeliveryError),
        ({"status": 502, "times": 2}, TransientDeliveryError),
    ],
)
async def test_slack_errors_become_delivery_errors(
    fake_slack: FakeSlack, catalogue: Catalogue, fault: dict[str, object], expected: type[DeliveryError]
) -> None:
    times = int(fault.pop("times", 1))  # type: ignore[call-overload]
    fake_slack.fail_next("chat.postMessage", times, **fault)  # type: ignore[arg-type]
    with pytest.raises(expected):
        await sender(fake_slack.base_url, catalogue).send(Target(platform="slack", chat_id="C1"), answer())


async def test_rate_limit_within_the_cap_is_waited_out(fake_slack: FakeSlack, catalogue: Catalogue) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=0.2)
    sent = await sender(fake_slack.base_url, catalogue).send(Target(platform="slack", chat_id="C1"), answer())
    first, second = fake_slack.calls_of("chat.postMessage")
    assert sent.message_id == second.response["ts"]
    assert second.at - first.at >= 0.2


async def test_long_rate_limit_is_handed_to_the_caller(fake_slack: FakeSlack, catalogue: Catalogue) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(RateLimited) as raised:
        await sender(fake_slack.base_url, catalogue).send(Target(platform="slack", chat_id="C1"), answer())
    assert raised.value.retry_after == 7


async def test_unreachable_slack_is_transient(catalogue: Catalogue) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}/api/"
    with pytest.raises(TransientDeliveryError):
        await sender(refused, catalogue).send(Target(platform="slack", chat_id="C1"), answer())


async def test_ephemeral_reply_goes_to_the_member_in_the_thread(
    fake_slack: FakeSlack, catalogue: Catalogue
) -> None:
    reply = Reply(text="Thanks!", ephemeral=True, thread_id="1700.02")
    await sender(fake_slack.base_url, catalogue).reply(Origin(channel="C1", user="U1", event_id="t1"), reply)
    [call] = fake_slack.calls_of("chat.postEphemeral")
    assert (call.params["channel"], call.params["user"], call.params["thread_ts"]) == ("C1", "U1", "1700.02")
    assert not fake_slack.calls_of("chat.postMessage")


async def test_channel_the_bot_is_not_in_falls_back_to_response_url(
    fake_slack: FakeSlack, catalogue: Catalogue
) -> None:
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    origin = Origin(channel="C7", user="U1", event_id="t2", response_url=fake_slack.response_url("h1"))
    await sender(fake_slack.base_url, catalogue).reply(origin, answer())
    [call] = fake_slack.calls_of("response_url")
    assert call.params["hook"] == "h1" and call.params["response_type"] == "ephemeral"
    assert call.params["replace_original"] is False
    assert call.params["blocks"][0]["text"]["text"] == "ESER is a network of regions [1]."


async def test_private_answer_sends_its_file_to_the_dm_and_says_so(
    fake_slack: FakeSlack, catalogue: Catalogue
) -> None:
    origin = Origin(
        channel="C7",
        user="U1",
        event_id="t3",
        response_url=fake_slack.response_url("h2"),
        via_response_url=True,
        files_channel="DU1",
    )
    reply = answer(attachments=[Attachment(filename="eser.ics", content=ICS)], language="de")
    await sender(fake_slack.base_url, catalogue).reply(origin, reply)
    assert not fake_slack.calls_of("chat.postMessage")
    [call] = fake_slack.calls_of("response_url")
    notes = next(b for b in call.params["blocks"] if b["type"] == "context")["elements"]
    assert notes[0]["text"] == catalogue.text("slack.file_in_dm", "de", filename="eser.ics")
    [complete] = fake_slack.calls_of("files.completeUploadExternal")
    assert complete.params["channel_id"] == "DU1"


async def test_failed_response_url_is_a_delivery_error(fake_slack: FakeSlack, catalogue: Catalogue) -> None:
    fake_slack.fail_next("response_url", status=404)
    origin = Origin(
        channel="C7",
        user="U1",
        event_id="t4",
        response_url=fake_slack.response_url("h3"),
        via_response_url=True,
    )
    with pytest.raises(PermanentDeliveryError):
        await sender(fake_slack.base_url, catalogue).reply(origin, answer())


async def test_home_is_published(fake_slack: FakeSlack, catalogue: Catalogue) -> None:
    view = {"type": "home", "blocks": [{"type": "divider"}]}
    await sender(fake_slack.base_url, catalogue).publish_home("U1", view)
    [call] = fake_slack.calls_of("views.publish")
    assert call.params["user_id"] == "U1" and call.params["view"] == view


async def test_a_message_slack_refuses_for_its_blocks_goes_again_as_plain_text(
    fake_slack: FakeSlack, catalogue: Catalogue
) -> None:
    fake_slack.fail_next("chat.postMessage", error="invalid_blocks")
    reply = answer(buttons=[[Button(label="Sign up", url="https://events.example.org/r")]])
    await sender(fake_slack.base_url, catalogue).send(Target(platform="slack", chat_id="C1"), reply)
    refused, delivered = fake_slack.calls_of("chat.postMessage")
    assert refused.response["error"] == "invalid_blocks" and delivered.response["ok"]
    assert "<https://ec.europa.eu/eser|[1] ESER overview>" in delivered.params["text"]
    assert "<https://events.example.org/r|Sign up>" in delivered.params["text"]
    assert "blocks" not in delivered.params  # no callback buttons to keep


async def test_a_source_with_a_very_long_title_is_delivered_with_its_blocks(
    fake_slack: FakeSlack, catalogue: Catalogue
) -> None:
    long_title = "Social economy action plan and its implementation " * 80  # 4,000 characters
    reply = answer(citations=[Citation(n=1, title=long_title, url="https://ec.europa.eu/eser")])
    await sender(fake_slack.base_url, catalogue).send(Target(platform="slack", chat_id="C1"), reply)
    [delivered] = fake_slack.calls_of("chat.postMessage")
    assert delivered.response["ok"] and delivered.params["blocks"] and fake_slack.block_errors == []
