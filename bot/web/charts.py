"""Charts drawn on the server as plain shapes for an inline SVG (no script, no chart library in the
browser), each with the table of its numbers as its text alternative.

The functions here only compute geometry; ``templates/chart.html`` draws it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# Colour-blind-safe (Okabe-Ito), dark enough on white for the 3:1 contrast of graphics.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#555555")
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 28


@dataclass(frozen=True)
class Shape:
    """A bar (``x, y, width, height``) and what hovering it says."""

    x: float
    y: float
    width: float
    height: float
    color: str
    label: str


@dataclass
class Chart:
    """Everything the SVG template draws.

    Attributes:
        bars: Rectangles (stacked bars).
        points: A polyline's points (``x,y x,y``) and its dots, for a line chart.
        y_ticks: Horizontal grid lines: (y, label).
        x_labels: Day labels under the axis: (x, label).
        legend: (colour, series name).
        columns: The table's header (first column: the day).
        rows: The table's rows, the same numbers as the drawing.
    """

    bars: list[Shape] = field(default_factory=list)
    points: str = ""
    dots: list[Shape] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def empty(self) -> bool:
        """Nothing to draw (no bar of any height, no point)."""
        return not any(bar.height > 0 for bar in self.bars) and not self.dots


def nice_ceiling(value: float) -> float:
    """The axis maximum: 1, 2 or 5 times a power of ten, at least ``value`` (1 for nothing)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


DayLabel = Callable[[date], str]


def _x_labels(days: Sequence[date], slot: float, label: DayLabel) -> list[tuple[float, str]]:
    # At most about eight labels fit under the axis; the table has every day.
    every = max(1, math.ceil(len(days) / 8))
    return [(LEFT + slot * (n + 0.5), label(day)) for n, day in enumerate(days) if n % every == 0]


def _ticks(top: float, fmt: str, parts: int | None = None) -> list[tuple[float, str]]:
    # Whole steps: 4 parts for 4 and 20, 200…; 5 parts for 5, 10, 50, 100… (0, 2, 4, 6, 8, 10).
    if parts is None:
        parts = 4 if top == 4 or f"{top:g}".startswith("2") else 5
    plot = HEIGHT - TOP - BOTTOM
    return [(TOP + plot * (1 - part / parts), fmt.format(top * part / parts)) for part in range(parts + 1)]


def stacked_bars(
    days: Sequence[date],
    series: Mapping[str, Sequence[int]],
    *,
    day_column: str,
    day_label: DayLabel,
) -> Chart:
    """One stacked bar per day, one colour per series (e.g. per language).

    Args:
        days: The days, oldest first.
        series: Series name -> one count per day.
        day_column: The table's first column header.
        day_label: Writes a day under the axis (short, in the page's language).
    """
    names = list(series)
    totals = [sum(series[name][n] for name in names) for n in range(len(days))]
    # Up to 4 the axis goes to 4, so that its steps are whole questions.
    most = max(totals, default=0)
    top: float = 4.0 if most <= 4 else nice_ceiling(most)
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    plot = HEIGHT - TOP - BOTTOM
    chart = Chart(
        y_ticks=_ticks(top, "{:g}"),
        x_labels=_x_labels(days, slot, day_label),
        legend=[(PALETTE[n % len(PALETTE)], name) for n, name in enumerate(names)],
        columns=[day_column, *names],
    )
    for n, day in enumerate(days):
        base: float = TOP + plot
        for k, name in enumerate(names):
            count = series[name][n]
            if count <= 0:
                continue
            height = plot * count / top
            base -= height
            chart.bars.append(
                Shape(
                    x=round(LEFT + slot * n + slot * 0.15, 2),
                    y=round(base, 2),
                    width=round(slot * 0.7, 2),
                    height=round(height, 2),
                    color=PALETTE[k % len(PALETTE)],
                    label=f"{day.isoformat()} {name}: {count}",
                )
            )
        chart.rows.append([day.isoformat(), *(str(series[name][n]) for name in names)])
    return chart


def share_line(
    days: Sequence[date],
    shares: Sequence[float | None],
    *,
    day_column: str,
    value_column: str,
    day_label: DayLabel,
) -> Chart:
    """A line of percentages per day (e.g. the grounded share); days without data are skipped.

    Args:
        days: The days, oldest first.
        shares: A fraction (0..1) per day, or None when there was nothing to count.
        day_column: The table's first column header.
        value_column: The table's second column header.
        day_label: Writes a day under the axis.
    """
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    plot = HEIGHT - TOP - BOTTOM
    chart = Chart(
        y_ticks=_ticks(100, "{:.0f} %", parts=4),
        x_labels=_x_labels(days, slot, day_label),
        legend=[(PALETTE[2], value_column)],
        columns=[day_column, value_column],
    )
    points = []
    for n, (day, share) in enumerate(zip(days, shares, strict=True)):
        chart.rows.append([day.isoformat(), "—" if share is None else f"{share * 100:.0f} %"])
        if share is None:
            continue
        x, y = round(LEFT + slot * (n + 0.5), 2), round(TOP + plot * (1 - share), 2)
        points.append(f"{x},{y}")
        chart.dots.append(Shape(x, y, 3.5, 3.5, PALETTE[2], f"{day.isoformat()}: {share * 100:.0f} %"))
    chart.points = " ".join(points)
    return chart
