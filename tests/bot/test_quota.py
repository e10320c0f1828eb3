"""The sliding-window question quota."""

from __future__ import annotations

from datetime import timedelta

from bot.quota import QuestionQuota, minutes_to_wait
from tests.conftest import Clock


def test_window_slides(clock: Clock) -> None:
    quota = QuestionQuota(3, timedelta(minutes=10), clock)
    assert [quota.try_take("a") for _ in range(3)] == [None, None, None]
    clock.advance(minutes=4)
    wait = quota.try_take("a")
    assert wait == 6 * 60
    assert quota.try_take("b") is None  # per member
    clock.advance(minutes=6)
    assert quota.try_take("a") is None


def test_forget_resets_a_member(clock: Clock) -> None:
    quota = QuestionQuota(1, timedelta(minutes=10), clock)
    quota.try_take("a")
    assert quota.try_take("a") is not None
    quota.forget("a")
    assert quota.try_take("a") is None


def test_minutes_to_wait_rounds_up() -> None:
    assert minutes_to_wait(1) == 1 and minutes_to_wait(61) == 2 and minutes_to_wait(0) == 1
