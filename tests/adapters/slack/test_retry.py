"""Web API retries against the fake Slack: 429 after Retry-After, 5xx and refused connections with
backoff, and errors surfacing once the retries are spent."""

from __future__ import annotations

import socket
import time

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.retry import RetryPolicy, retry_after_seconds, retry_handlers
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack

POLICY = RetryPolicy(attempts=2, rate_limit_attempts=2, backoff_seconds=0.05, max_retry_after_seconds=2)


def client(base_url: str) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=base_url, retry_handlers=retry_handlers(POLICY))


async def test_rate_limit_waits_retry_after_then_succeeds(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=0.3)
    response = await client(fake_slack.base_url).chat_postMessage(channel="C1", text="hi")
    assert response["ok"]
    first, second = fake_slack.calls_of("chat.postMessage")
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.3


async def test_rate_limit_longer_than_the_cap_is_not_waited_out(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    with pytest.raises(SlackApiError) as raised:
        await client(fake_slack.base_url).chat_postMessage(channel="C1", text="hi")
    assert raised.value.response["error"] == "ratelimited"
    assert len(fake_slack.calls_of("chat.postMessage")) == 1


async def test_server_errors_are_retried_with_backoff(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", 2, status=500)
    started = time.monotonic()
    response = await client(fake_slack.base_url).chat_postMessage(channel="C1", text="hi")
    assert response["ok"]
    assert [call.status for call in fake_slack.calls_of("chat.postMessage")] == [500, 500, 200]
    assert time.monotonic() - started >= 0.05 + 0.1  # backoff 0.05 s, then doubled


async def test_a_gateway_error_is_retried_like_any_server_error(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=502)
    response = await client(fake_slack.base_url).chat_postMessage(channel="C1", text="hi")
    assert response["ok"]
    assert [call.status for call in fake_slack.calls_of("chat.postMessage")] == [502, 200]


async def test_server_errors_surface_when_retries_are_spent(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", 3, status=503)
    with pytest.raises(SlackApiError) as raised:
        await client(fake_slack.base_url).chat_postMessage(channel="C1", text="hi")
    assert raised.value.response.status_code == 503
    assert len(fake_slack.calls_of("chat.postMessage")) == 3


async def test_refused_connections_are_retried_then_raised() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(aiohttp.ClientConnectionError):
        await client(f"http://127.0.0.1:{port}/api/").auth_test()
    assert time.monotonic() - started >= 0.05 + 0.1


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "1"}, 1.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_header(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(HttpResponse(status_code=429, headers=dict(headers))) == expected
