"""How the Slack Web API client retries: rate limits after ``Retry-After``, server errors and
dropped connections with exponential backoff. slack_sdk runs these handlers inside every call,
so each answer is delivered late rather than lost.

Server errors and connections use slack_sdk's own handlers. The rate-limit handler is ours, because
slack_sdk's waits out any ``Retry-After`` however long (and reads whole seconds only): a long one
must surface as ``RateLimited``, so that the broadcast pacer holds the channel and the outbox
reschedules the message instead of a worker sleeping on it.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from aiohttp import ClientConnectionError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState


@dataclass(frozen=True)
class RetryPolicy:
    """Retry limits for Web API calls.

    Attributes:
        attempts: Retries after the first try, for server and connection errors.
        rate_limit_attempts: Retries after a 429.
        backoff_seconds: First backoff for server and connection errors (doubles each time).
        max_retry_after_seconds: Longest ``Retry-After`` the client waits out itself; a longer one
            surfaces as an error (the broadcast outbox then reschedules instead of blocking).
    """

    attempts: int = 3
    rate_limit_attempts: int = 5
    backoff_seconds: float = 0.5
    max_retry_after_seconds: float = 60.0


def retry_after_seconds(response: HttpResponse | None) -> float | None:
    """The ``Retry-After`` header of ``response`` in seconds, if it has a usable one."""
    if response is None:
        return None
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            value = values[0] if isinstance(values, list) else values
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


class SmallJitter(Jitter):
    """Up to 25% extra, so retries of many answers spread out without doubling a short backoff."""

    def recalculate(self, duration: float) -> float:
        """``duration`` plus a random 0-25%."""
        return duration * (1 + random.random() / 4)


class RateLimitRetryHandler(AsyncRetryHandler):
    """Retries a 429 after the ``Retry-After`` the server asked for (fractions honoured)."""

    def __init__(self, max_retry_count: int, max_wait: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after_seconds(response)
        return wait is None or wait <= self.max_wait

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Sleep for ``Retry-After`` (one second when the header is missing), then try again."""
        wait = retry_after_seconds(response)
        state.next_attempt_requested = True
        await asyncio.sleep(1.0 if wait is None else wait)
        state.increment_current_attempt()


class AnyServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """slack_sdk's server-error handler, for every 5xx: it retries only 500 and 503, and a 502 or 504
    from Slack's gateways is just as passing."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code <= 599


def retry_handlers(policy: RetryPolicy) -> list[AsyncRetryHandler]:
    """The handlers for ``AsyncWebClient(retry_handlers=...)`` under ``policy``."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=policy.backoff_seconds, jitter=SmallJitter())
    return [
        RateLimitRetryHandler(policy.rate_limit_attempts, policy.max_retry_after_seconds),
        AnyServerErrorRetryHandler(max_retry_count=policy.attempts, interval_calculator=backoff),
        # Every dropped, refused or reset connection (the default list misses some aiohttp raises).
        AsyncConnectionErrorRetryHandler(
            max_retry_count=policy.attempts, interval_calculator=backoff, error_types=[ClientConnectionError]
        ),
    ]
