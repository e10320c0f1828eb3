"""Checking a Slack HTTP request before anything reads it: signed by Slack, and a body bolt can parse.

slack-bolt parses the body before it checks the signature, so a forged request with a body that is
not JSON (or a timestamp that is not a number) makes it fail with a 500, and it logs the raw body
of every request whose signature is wrong. The endpoint runs these checks first: an unsigned or
malformed request gets 401 or 400 and one log line without its content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from slack_sdk.signature import SignatureVerifier

TIMESTAMP = re.compile(r"^\d{1,12}$")
SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


def signature_problem(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> str | None:
    """Why the request is not a signed Slack request, or None when it is.

    Args:
        verifier: slack_sdk's verifier with the signing secret (it also refuses timestamps more than
            five minutes away, so a recorded request cannot be replayed later).
        body: The raw body.
        headers: The request headers (any case).
    """
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not timestamp or not signature:
        return "not signed"
    if not TIMESTAMP.match(timestamp) or not SIGNATURE.match(signature):
        return "malformed signature headers"
    # A body that is not UTF-8 cannot match a signature Slack made (its bodies are UTF-8).
    if not verifier.is_valid(body.decode("utf-8", errors="replace"), timestamp, signature):
        return "wrong or expired signature"
    return None
