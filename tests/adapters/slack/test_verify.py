"""The signature check the Slack endpoint runs before bolt reads anything."""

from __future__ import annotations

import time

import pytest
from slack_sdk.signature import SignatureVerifier

from adapters.slack.verify import signature_problem
from tests.fakes.slack_server import SIGNING_SECRET, signature_headers

VERIFIER = SignatureVerifier(SIGNING_SECRET)
BODY = '{"type": "event_callback"}'


def test_a_request_signed_now_passes() -> None:
    assert signature_problem(VERIFIER, BODY.encode(), signature_headers(BODY, SIGNING_SECRET)) is None


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({}, "not signed"),
        ({"X-Slack-Request-Timestamp": "123"}, "not signed"),
        ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + "a" * 64}, "malformed"),
        ({"X-Slack-Request-Timestamp": "123", "X-Slack-Signature": "v1=abc"}, "malformed"),
        (signature_headers(BODY, "another-secret"), "wrong or expired"),
        (signature_headers(BODY, SIGNING_SECRET, int(time.time()) - 600), "wrong or expired"),
    ],
)
def test_unsigned_forged_and_stale_requests_are_named(headers: dict[str, str], problem: str) -> None:
    found = signature_problem(VERIFIER, BODY.encode(), headers)
    assert found is not None and problem in found


def test_a_body_that_is_not_utf8_never_matches() -> None:
    body = b"\xff\xfe{}"
    headers = signature_headers(body.decode("latin-1"), SIGNING_SECRET)
    assert signature_problem(VERIFIER, body, headers) == "wrong or expired signature"
