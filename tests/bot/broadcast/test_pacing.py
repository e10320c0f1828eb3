"""The pacer spaces sends within each limit and honours pauses.

Slots are checked on a manual clock (it moves exactly by what the pacer sleeps, so the figures do not
depend on the machine's load); one test checks the same on a scaled real clock with concurrent tasks.
"""

from __future__ import annotations

import asyncio
from itertools import pairwise

import pytest

from adapters.slack.capabilities import slack_capabilities
from adapters.telegram.capabilities import telegram_capabilities
from bot.broadcast.clock import ScaledClock
from bot.broadcast.pacing import SAFETY, Pacer
from bot.platforms import PlatformCapabilities, PlatformLimits
from tests.fakes.limits import ManualClock


async def _sequential(pacer: Pacer, chats: list[str]) -> list[float]:
    times = []
    for chat in chats:
        await pacer.acquire(chat)
        times.append(pacer.clock.monotonic())
    return times


def _most_in_window(times: list[float], window: float) -> int:
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_overall_rate_is_the_limit_less_the_safety_margin() -> None:
    pacer = Pacer(telegram_capabilities(30), ManualClock())
    times = await _sequential(pacer, [str(n) for n in range(300)])
    assert _most_in_window(times, 1.0) <= 30
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert abs(rate - 30 * SAFETY) < 0.01


async def test_concurrent_senders_on_a_scaled_clock_pace_near_the_rate() -> None:
    # Real sleeps: wake-up jitter moves measured times a little either way, hence the loose bounds
    # (the exact slots are checked on the manual clock above).
    pacer = Pacer(telegram_capabilities(30), ScaledClock(2))
    times: list[float] = []

    async def one(chat: str) -> None:
        await pacer.acquire(chat)
        times.append(pacer.clock.monotonic())

    await asyncio.gather(*(one(str(n)) for n in range(60)))
    times.sort()
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert 30 * 0.75 <= rate <= 30 * 1.1


async def test_one_chat_gets_one_message_per_second_and_a_group_one_per_three() -> None:
    pacer = Pacer(telegram_capabilities(30), ManualClock())
    member = await _sequential(pacer, ["42"] * 4)
    assert min(b - a for a, b in pairwise(member)) >= 1.0
    group = await _sequential(pacer, ["-1001"] * 3)
    assert min(b - a for a, b in pairwise(group)) >= 3.0


async def test_a_waiting_chat_does_not_hold_up_the_others() -> None:
    clock = ManualClock()
    pacer = Pacer(slack_capabilities(), clock)
    start = clock.monotonic()
    await pacer.acquire("C1")
    await _sequential(pacer, [f"C{n}" for n in range(2, 50)])
    assert clock.monotonic() == start  # Slack has no overall limit: other channels go at once
    await pacer.acquire("C1")  # the channel that sent first waits out its own second, and only it
    assert clock.monotonic() - start >= 1.0


async def test_pause_holds_a_chat_or_everything() -> None:
    clock = ManualClock()
    unlimited = PlatformLimits(messages_per_second=None, chat_interval=0.0)
    pacer = Pacer(PlatformCapabilities(name="test", display_name="Test", limits=unlimited), clock)
    pacer.pause(2.0, "7")
    start = clock.monotonic()
    await pacer.acquire("8")
    assert clock.monotonic() == start
    await pacer.acquire("7")
    assert clock.monotonic() - start >= 2.0
    pacer.pause(1.5)
    start = clock.monotonic()
    await pacer.acquire("9")
    assert clock.monotonic() - start >= 1.5


async def test_a_429_holds_every_telegram_chat_but_only_the_slack_channel() -> None:
    clock = ManualClock()
    telegram = Pacer(telegram_capabilities(30), clock)
    telegram.rate_limited("7", 5.0)
    start = clock.monotonic()
    await telegram.acquire("8")  # Telegram's flood wait is per bot: another chat waits too
    assert clock.monotonic() - start >= 5.0
    slack = Pacer(slack_capabilities(), clock)
    slack.rate_limited("C7", 5.0)
    start = clock.monotonic()
    await slack.acquire("C8")
    assert clock.monotonic() == start
    await slack.acquire("C7")
    assert clock.monotonic() - start >= 5.0


def test_a_platform_without_limits_gets_no_pacer() -> None:
    console = PlatformCapabilities(name="console", display_name="console", limits=None)
    with pytest.raises(ValueError, match="console takes no broadcasts"):
        Pacer(console, ManualClock())
