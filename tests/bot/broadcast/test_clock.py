"""The pacing clocks."""

from __future__ import annotations

import time

import pytest

from bot.broadcast.clock import ScaledClock, WallClock


async def test_a_scaled_clock_runs_faster_by_its_scale() -> None:
    clock = ScaledClock(50)
    wall = time.monotonic()
    start = clock.monotonic()
    await clock.sleep(5.0)  # 0.1 s of real time
    elapsed_real = time.monotonic() - wall
    assert 0.09 <= elapsed_real < 1.0
    assert clock.monotonic() - start >= 5.0 * 0.95


async def test_the_wall_clock_is_the_real_one() -> None:
    clock = WallClock()
    start = clock.monotonic()
    await clock.sleep(0.02)
    assert clock.monotonic() - start >= 0.02
    await clock.sleep(-1)  # a past deadline does not wait


def test_a_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)
