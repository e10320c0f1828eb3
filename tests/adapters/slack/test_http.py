"""The Slack endpoint in front of bolt: forged and malformed requests get 401 or 400 (never 500),
and nothing of them reaches the log."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest

from adapters.slack.app import SlackRunner
from tests.fakes.slack_server import FakeSlack, SlackDeliverer, event_envelope

FORGED = 'x\n2026-11-26 10:00:00 ERROR adapters.slack.app: FORGED LOG LINE {"token": "xoxb-stolen"}'


async def test_an_unsigned_request_is_refused_and_never_logged(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        wrong_secret = await slack.post(FORGED, "application/json", secret="not-the-signing-secret")
        assert wrong_secret.status == 401
        stale = {"X-Slack-Signature": "v0=" + "0" * 64, "X-Slack-Request-Timestamp": "12"}
        assert (await slack.post(FORGED, "application/json", headers=stale)).status == 401
        # No signature headers at all.
        async with (
            aiohttp.ClientSession() as session,
            session.post(runner.url, data=FORGED.encode(), headers={"Content-Type": "application/json"}) as r,
        ):
            assert r.status == 401
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "FORGED" not in logged and "xoxb-stolen" not in logged
    assert not fake_slack.messages()


@pytest.mark.parametrize("timestamp", ["soon", "1e9", "-5", "", "17800000000000000"])
async def test_a_malformed_timestamp_is_refused_with_401(
    runner: SlackRunner, slack: SlackDeliverer, timestamp: str
) -> None:
    body = json.dumps(event_envelope({"type": "app_mention"}, "EvT"))
    delivery = await slack.post(body, "application/json", headers={"X-Slack-Request-Timestamp": timestamp})
    assert delivery.status == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('"just a string"', "application/json"),
        ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        ("payload=%5B%5D", "application/x-www-form-urlencoded"),
    ],
)
async def test_a_signed_body_bolt_cannot_read_is_refused_with_400(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack, body: str, content_type: str
) -> None:
    delivery = await slack.post(body, content_type)
    assert delivery.status == 400
    await runner.wait_idle()
    assert not fake_slack.messages()


async def test_a_signed_event_still_gets_through(
    runner: SlackRunner, slack: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DU1",
        "user": "U1",
        "text": "help",
        "ts": "1.2",
    }
    assert (await slack.event(event)).status == 200
    await runner.wait_idle()
    assert fake_slack.messages()
