"""The Slack Events API endpoint (``POST /slack/events``) in front of slack-bolt.

slack-bolt parses a body before it checks its signature, so a forged request with a body that is not
JSON (or a timestamp that is not a number) makes it answer 500, and it logs the raw body of every
request whose signature is wrong. This endpoint checks first (``adapters.slack.verify``): an
unsigned request gets 401, a signed one bolt cannot read gets 400, each with one log line that
carries nothing of the request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from adapters.slack.verify import signature_problem

log = logging.getLogger(__name__)

Endpoint = Callable[[web.Request], Awaitable[web.Response]]


def events_endpoint(bolt: AsyncApp, signing_secret: str, accepting: Callable[[], bool]) -> Endpoint:
    """The aiohttp handler of the endpoint.

    Args:
        bolt: Dispatches verified requests.
        signing_secret: ``SLACK_SIGNING_SECRET``.
        accepting: False while the runner stops (then Slack is told to retry later: 503).
    """
    verifier = SignatureVerifier(signing_secret)

    async def endpoint(request: web.Request) -> web.Response:
        if not accepting():
            # Slack retries later, reaching an instance that is up.
            return web.Response(status=503, text="shutting down")
        problem = signature_problem(verifier, await request.read(), request.headers)
        if problem is not None:
            log.warning("Slack endpoint: request refused (%s) from %s", problem, request.remote)
            return web.Response(status=401, text="invalid request")
        try:
            bolt_request = await to_bolt_request(request)
            readable = isinstance(bolt_request.body, dict)
        except Exception:  # invalid JSON or form data, a body that is not an object...
            readable = False
        if not readable:
            log.warning("Slack endpoint: signed request with an unreadable body refused")
            return web.Response(status=400, text="unreadable body")
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    return endpoint
