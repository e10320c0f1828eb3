"""Chart geometry: bars stacked to the right heights, axis maxima, lines skipping empty days, and
the table that is every chart's text alternative."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.web.charts import BOTTOM, HEIGHT, TOP, nice_ceiling, share_line, stacked_bars

DAYS = [date(2026, 11, 20) + timedelta(days=n) for n in range(3)]
PLOT = HEIGHT - TOP - BOTTOM


def label(day: date) -> str:
    return day.isoformat()


def test_axis_maxima_are_round() -> None:
    assert [nice_ceiling(value) for value in (0, 1, 3, 7, 11, 20, 21, 480)] == [1, 1, 5, 10, 20, 20, 50, 500]


def test_bars_stack_per_day_in_proportion() -> None:
    chart = stacked_bars(DAYS, {"en": [4, 0, 2], "fr": [4, 1, 0]}, day_column="Day", day_label=label)
    heights = [(bar.label, bar.height) for bar in chart.bars]
    # The tallest day has 8 questions, so the axis goes to 10.
    assert heights == [
        ("2026-11-20 en: 4", PLOT * 0.4),
        ("2026-11-20 fr: 4", PLOT * 0.4),
        ("2026-11-21 fr: 1", PLOT * 0.1),
        ("2026-11-22 en: 2", PLOT * 0.2),
    ]
    first, second = chart.bars[0], chart.bars[1]
    assert second.y + second.height == pytest.approx(first.y)  # the second series sits on the first
    assert chart.columns == ["Day", "en", "fr"]
    assert chart.rows == [["2026-11-20", "4", "4"], ["2026-11-21", "0", "1"], ["2026-11-22", "2", "0"]]
    assert [text for _, text in chart.y_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert not chart.empty


def test_small_counts_get_whole_steps() -> None:
    chart = stacked_bars(DAYS, {"en": [3, 0, 0]}, day_column="Day", day_label=label)
    assert [text for _, text in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    chart = stacked_bars(DAYS, {"en": [17, 0, 0]}, day_column="Day", day_label=label)
    assert [text for _, text in chart.y_ticks] == ["0", "5", "10", "15", "20"]


def test_a_chart_without_data_says_so() -> None:
    chart = stacked_bars(DAYS, {"en": [0, 0, 0]}, day_column="Day", day_label=label)
    assert chart.empty and chart.bars == []
    assert len(chart.rows) == 3


def test_the_share_line_skips_days_without_questions() -> None:
    chart = share_line(DAYS, [1.0, None, 0.5], day_column="Day", value_column="Share", day_label=label)
    assert len(chart.points.split()) == 2
    assert [dot.y for dot in chart.dots] == [TOP, TOP + PLOT / 2]
    assert chart.rows == [["2026-11-20", "100 %"], ["2026-11-21", "—"], ["2026-11-22", "50 %"]]
