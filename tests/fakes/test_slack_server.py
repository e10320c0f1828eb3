"""The fake Slack's broadcast behaviour, driven through slack_sdk: one ``chat.postMessage`` per
second per channel (429 with a whole-second ``Retry-After``), archived, deleted and left channels,
and the per-channel delivery counts broadcast tests assert on.

Exact limit checks use a ``ManualClock``; checks of a steady pace use a ``ScaledClock`` with room
for scheduling jitter.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.retry import RetryPolicy, retry_handlers
from adapters.slack.sender import SlackSender
from bot.broadcast.clock import PacingClock, ScaledClock
from bot.delivery import DeliveryError, RateLimited, RecipientGone
from bot.i18n import Catalogue
from bot.models import Reply, Target
from tests.fakes.limits import ManualClock
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack, SlackLimits, running_fake_slack

# The broadcast sender surfaces every 429 (the outbox reschedules); the answer path waits them out.
NO_RETRY = RetryPolicy(attempts=0, rate_limit_attempts=0, backoff_seconds=0.01)
WAITS_RETRY_AFTER = RetryPolicy(attempts=0, rate_limit_attempts=2, max_retry_after_seconds=5)
CHANNELS = [f"C{n:05d}" for n in range(200)]


@asynccontextmanager
async def running(
    limits: SlackLimits | None = None, pacing: PacingClock | None = None, policy: RetryPolicy = NO_RETRY
) -> AsyncIterator[tuple[FakeSlack, AsyncWebClient]]:
    async with running_fake_slack(limits=limits, clock=pacing) as fake, aiohttp.ClientSession() as session:
        handlers = retry_handlers(policy)
        yield (
            fake,
            AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url, session=session, retry_handlers=handlers),
        )


async def post(client: AsyncWebClient, channel: str) -> SlackApiError | None:
    """The error a post to ``channel`` gets, or ``None`` when it is delivered."""
    try:
        await client.chat_postMessage(channel=channel, text="The ESER network meeting opens for sign-up")
    except SlackApiError as error:
        return error
    return None


async def post_all(client: AsyncWebClient, channels: Iterable[str]) -> list[SlackApiError | None]:
    return list(await asyncio.gather(*(post(client, channel) for channel in channels)))


def retry_after(error: SlackApiError | None) -> str:
    assert error is not None and error.response.status_code == 429
    assert error.response["error"] == "ratelimited" and error.response["ok"] is False
    return str(error.response.headers["Retry-After"])


async def test_limits_are_off_by_default() -> None:
    async with running() as (fake, client):
        assert await post_all(client, ["C1"] * 20) == [None] * 20
    assert fake.delivered == {"C1": 20} and fake.duplicates() == {"C1": 20}
    assert not fake.rate_limited


async def test_second_post_to_a_channel_within_a_second_gets_429_with_retry_after() -> None:
    pacing = ManualClock()
    async with running(SlackLimits(), pacing) as (fake, client):
        assert await post(client, "C1") is None
        pacing.advance(0.3)
        assert retry_after(await post(client, "C1")) == "1"  # 0.7 s, in whole seconds
        assert await post(client, "C2") is None  # other channels are not held up
        pacing.advance(0.7)
        assert await post(client, "C1") is None
    assert fake.delivered == {"C1": 2, "C2": 1} and fake.rate_limited == {"C1": 1}
    assert [call.status for call in fake.calls_of("chat.postMessage")] == [200, 429, 200, 200]


async def test_retry_after_rounds_up_a_longer_interval() -> None:
    pacing = ManualClock()
    async with running(SlackLimits(post_message_interval=2.5), pacing) as (fake, client):
        await post(client, "C1")
        assert retry_after(await post(client, "C1")) == "3"
    assert fake.delivered_total == 1


async def test_200_channels_twice_at_a_compliant_pace() -> None:
    pacing = ScaledClock(10)
    async with running(SlackLimits(), pacing) as (fake, client):
        assert await post_all(client, CHANNELS) == [None] * 200
        await pacing.sleep(1.2)  # every channel's previous post was accepted before this started
        assert await post_all(client, CHANNELS) == [None] * 200
        await pacing.sleep(1.2)
        assert await post(client, "C1") is None
        assert retry_after(await post(client, "C1")) == "1"  # straight after: refused
    assert fake.delivered_total == 401 and fake.duplicates(allowed=2) == {}
    assert fake.rate_limited == {"C1": 1}


async def test_retry_handler_waits_out_the_limit_and_delivers_once() -> None:
    pacing = ScaledClock(4)  # Retry-After "1" is one clock second; slack_sdk sleeps one real second
    async with running(SlackLimits(), pacing, WAITS_RETRY_AFTER) as (fake, client):
        assert await post(client, "C1") is None
        assert await post(client, "C1") is None
    assert fake.delivered == {"C1": 2} and fake.rate_limited == {"C1": 1}
    assert [call.status for call in fake.calls_of("chat.postMessage")] == [200, 429, 200]


async def send_through_sender(fake: FakeSlack, catalogue: Catalogue, channel: str) -> DeliveryError | None:
    """What ``SlackSender`` makes of one broadcast post to ``channel``."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url, retry_handlers=retry_handlers(NO_RETRY))
    try:
        await SlackSender(client, catalogue).send(
            Target(platform="slack", chat_id=channel), Reply(text="News")
        )
    except DeliveryError as error:
        return error
    return None


async def test_rate_limit_reaches_the_sender_with_its_retry_after(catalogue: Catalogue) -> None:
    pacing = ManualClock()
    async with running_fake_slack(limits=SlackLimits(), clock=pacing) as fake:
        assert await send_through_sender(fake, catalogue, "C1") is None
        error = await send_through_sender(fake, catalogue, "C1")
    assert isinstance(error, RateLimited) and error.retry_after == 1.0
    assert fake.delivered == {"C1": 1}


@pytest.mark.parametrize(
    ("mark", "code"),
    [("archive", "is_archived"), ("delete_channel", "channel_not_found"), ("leave", "not_in_channel")],
)
async def test_gone_channels_are_refused(catalogue: Catalogue, mark: str, code: str) -> None:
    async with running_fake_slack() as fake:
        getattr(fake, mark)("C1", "C9")
        for _ in range(2):
            error = await send_through_sender(fake, catalogue, "C1")
            assert isinstance(error, RecipientGone) and str(error) == code
        assert await send_through_sender(fake, catalogue, "C2") is None
        fake.restore_channel("C1")
        assert await send_through_sender(fake, catalogue, "C1") is None
    assert fake.delivered == {"C1": 1, "C2": 1}
    assert [call.response["error"] for call in fake.calls_of("chat.postMessage")[:2]] == [code, code]


async def test_gone_channel_does_not_use_up_the_rate_limit(catalogue: Catalogue) -> None:
    pacing = ManualClock()
    async with running_fake_slack(limits=SlackLimits(), clock=pacing) as fake:
        fake.archive("C1")
        assert isinstance(await send_through_sender(fake, catalogue, "C1"), RecipientGone)
        fake.restore_channel("C1")
        assert await send_through_sender(fake, catalogue, "C1") is None
    assert not fake.rate_limited


async def test_deliveries_are_counted_per_channel() -> None:
    async with running() as (fake, client):
        fake.archive("C3")
        waiting = asyncio.ensure_future(fake.wait_for_deliveries(4))
        results = await post_all(client, ["C1", "C2", "C3", "C4", "C4"])
        assert await waiting == 4
        assert results[2] is not None and results[2].response["error"] == "is_archived"
    assert fake.delivered == {"C1": 1, "C2": 1, "C4": 2} and fake.delivered_total == 4
    assert fake.duplicates() == {"C4": 2}
    assert [call.params["channel"] for call in fake.posts_to("C4")] == ["C4", "C4"]
    assert fake.posts_to("C3") == []


async def test_blocks_beyond_block_kits_limits_are_refused_with_invalid_blocks() -> None:
    async with running() as (fake, client):
        too_long = [{"type": "context", "elements": [{"type": "mrkdwn", "text": "x" * 3001}]}]
        with pytest.raises(SlackApiError) as refused:
            await client.chat_postMessage(channel="C1", text="t", blocks=too_long)
        assert refused.value.response["error"] == "invalid_blocks" and fake.block_errors
        fine = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}]
        assert (await client.chat_postMessage(channel="C1", text="t", blocks=fine))["ok"]
        many = [{"type": "divider"}] * 51
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C1", text="t", blocks=many)
