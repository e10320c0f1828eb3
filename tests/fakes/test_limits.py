"""The rate-limit arithmetic of the fake servers, on a clock that moves only when told (exact)."""

from __future__ import annotations

import pytest

from tests.fakes.limits import ManualClock, SlidingWindow, Spacing, TokenBucket, whole_seconds


def test_bucket_allows_its_capacity_at_once_then_refuses() -> None:
    clock = ManualClock()
    bucket = TokenBucket(30, 30, clock)
    assert [bucket.take() for _ in range(30)] == [0.0] * 30
    assert bucket.take() == pytest.approx(1 / 30)
    assert bucket.take() == pytest.approx(1 / 30)  # a refusal takes nothing


def test_bucket_refills_at_its_rate() -> None:
    clock = ManualClock()
    bucket = TokenBucket(30, 30, clock)
    for _ in range(30):
        bucket.take()
    clock.advance(0.5)
    assert [bucket.take() for _ in range(15)] == [0.0] * 15
    assert bucket.take() > 0


def test_bucket_sustains_its_rate_but_not_more() -> None:
    clock = ManualClock()
    bucket = TokenBucket(30, 30, clock)
    for _ in range(30):
        bucket.take()
    refused = 0
    for _ in range(300):  # ten seconds at 30 a second on an empty bucket
        clock.advance(1 / 30)
        refused += bucket.take() > 0
    assert refused == 0
    clock.advance(1 / 60)  # then twice as fast
    assert bucket.take() == pytest.approx(1 / 60)


def test_bucket_never_holds_more_than_its_capacity() -> None:
    clock = ManualClock()
    bucket = TokenBucket(30, 30, clock)
    clock.advance(3600)
    assert sum(bucket.take() == 0 for _ in range(40)) == 30


def test_spacing_refuses_the_same_key_within_the_interval() -> None:
    clock = ManualClock()
    spacing = Spacing(1.0, clock)
    assert spacing.wait(7) == 0.0
    spacing.mark(7)
    clock.advance(0.25)
    assert spacing.wait(7) == pytest.approx(0.75)
    assert spacing.wait(8) == 0.0  # other keys are free
    clock.advance(0.75)
    assert spacing.wait(7) == 0.0


def test_sliding_window_allows_limit_events_in_any_window() -> None:
    clock = ManualClock()
    window = SlidingWindow(20, 60.0, clock)
    for _ in range(20):
        assert window.wait(-5) == 0.0
        window.mark(-5)
        clock.advance(1.5)  # 20 events in 30 s
    assert window.wait(-5) == pytest.approx(30.0)  # the first one leaves the window at 60 s
    assert window.wait(-6) == 0.0
    clock.advance(29.9)
    assert window.wait(-5) == pytest.approx(0.1)
    clock.advance(0.1)
    assert window.wait(-5) == 0.0
    window.mark(-5)
    assert window.wait(-5) == pytest.approx(1.5)  # the second one leaves next


def test_limits_stay_cheap_with_many_keys() -> None:
    clock = ManualClock()
    spacing, window = Spacing(1.0, clock), SlidingWindow(20, 60.0, clock)
    for key in range(20_000):
        assert spacing.wait(key) == 0.0 and window.wait(-key) == 0.0
        spacing.mark(key)
        window.mark(-key)
    clock.advance(1.0)
    assert all(spacing.wait(key) == 0.0 for key in range(20_000))


@pytest.mark.parametrize(("wait", "expected"), [(0.0001, 1), (1 / 30, 1), (1.0, 1), (1.2, 2), (29.5, 30)])
def test_retry_after_is_whole_seconds_rounded_up(wait: float, expected: int) -> None:
    assert whole_seconds(wait) == expected


async def test_manual_clock_moves_when_slept_on() -> None:
    clock = ManualClock(start=10.0)
    await clock.sleep(2.5)
    clock.advance(-1)  # never backwards
    assert clock.monotonic() == 12.5
