"""Small inline SVG charts for the HTML report: no scripts, no fonts, no network.

Each function takes aggregates already computed in DuckDB and returns one `<svg>` element as a
string; every label is escaped. Charts scale to the page width through their viewBox.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape
from typing import Protocol

WIDTH = 960
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756", "#72b7b2")
AXIS = "#6b7280"
GRID = "#e5e7eb"
INK = "#111827"
# Days whose counts are not whole: a band behind the plot and a word above it.
DAY_MARKS = {"missing": ("#d1d5db", "no export"), "partial": ("#fde68a", "partial")}
LOG_TICKS = (
    (1, "1s"),
    (10, "10s"),
    (60, "1m"),
    (600, "10m"),
    (3_600, "1h"),
    (6 * 3_600, "6h"),
    (86_400, "1d"),
    (7 * 86_400, "1w"),
    (30 * 86_400, "30d"),
    (365 * 86_400, "1y"),
)
DURATION_STEPS = (
    60,
    300,
    900,
    1_800,
    3_600,
    2 * 3_600,
    6 * 3_600,
    12 * 3_600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    30 * 86_400,
    90 * 86_400,
)


class Spread(Protocol):
    """What a box plot needs of a statistic (report.Stat)."""

    count: int
    quantiles: tuple[float, ...] | None  # p10, p25, p50, p75, p90


def _svg(height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="{INK}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, color: str, width: float = 1) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{color}" stroke-width="{width}"/>'
    )


def _rect(x: float, y: float, w: float, h: float, color: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{color}"/>'
    )


def _legend(names: Sequence[str], y: float, x: float = 0) -> list[str]:
    parts = []
    for index, name in enumerate(names):
        parts.append(_rect(x, y - 10, 12, 12, PALETTE[index % len(PALETTE)]))
        parts.append(_text(x + 18, y, name))
        x += 40 + 7 * len(name)
    return parts


def _tick_label(seconds: int, step: int) -> str:
    """An axis tick in the largest unit dividing the step: 6h steps give 0, 6h ... 24h, 30h."""
    if seconds == 0:
        return "0"
    size, unit = next(
        (s, u) for s, u in ((86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")) if step % s == 0
    )
    return f"{seconds // size}{unit}"


def box_plot(
    rows: Sequence[tuple[str, Spread]], duration: Callable[[float], str], title: str
) -> str:
    """Horizontal box plots on a log time axis: whiskers p10-p90, box p25-p75, median line."""
    left, right, top, row_height = 230, 270, 10, 46
    plot_width = WIDTH - left - right
    values = [v for _, stat in rows if stat.quantiles for v in stat.quantiles]
    low = max([t for t, _ in LOG_TICKS if t <= max(min(values, default=60), 1)], default=1)
    high = min(
        [t for t, _ in LOG_TICKS if t >= max(values, default=86_400)], default=LOG_TICKS[-1][0]
    )
    high = max(high, low * 10)
    span = math.log10(high) - math.log10(low)

    def x(seconds: float) -> float:
        clamped = min(max(seconds, low), high)
        return left + plot_width * (math.log10(clamped) - math.log10(low)) / span

    height = top + row_height * len(rows) + 34
    axis_y = top + row_height * len(rows)
    body = []
    for seconds, label in LOG_TICKS:
        if low <= seconds <= high:
            body.append(_line(x(seconds), top, x(seconds), axis_y, GRID))
            body.append(_text(x(seconds), axis_y + 16, label, "middle", fill=AXIS))
    body.append(_line(left, axis_y, left + plot_width, axis_y, AXIS))
    body.append(
        _text(left + plot_width / 2, axis_y + 31, "time in status (log scale)", "middle", fill=AXIS)
    )
    for index, (label, stat) in enumerate(rows):
        middle = top + row_height * index + row_height / 2
        color = PALETTE[index % len(PALETTE)]
        body.append(_text(left - 10, middle + 4, label, "end"))
        if not stat.quantiles:
            body.append(_text(left + 6, middle + 4, "no tickets", fill=AXIS))
            continue
        p10, p25, p50, p75, p90 = stat.quantiles
        body.append(_line(x(p10), middle, x(p90), middle, color, 2))
        body.append(_line(x(p10), middle - 7, x(p10), middle + 7, color, 2))
        body.append(_line(x(p90), middle - 7, x(p90), middle + 7, color, 2))
        body.append(
            f'<rect x="{x(p25):.1f}" y="{middle - 12:.1f}" width="{max(x(p75) - x(p25), 2):.1f}" '
            f'height="24" fill="{color}" fill-opacity="0.35" stroke="{color}"/>'
        )
        body.append(_line(x(p50), middle - 12, x(p50), middle + 12, INK, 3))
        summary = f"median {duration(p50)} · p90 {duration(p90)} · n={stat.count:,}"
        body.append(_text(left + plot_width + 12, middle + 4, summary))
    return _svg(height, title, body)


def _duration_step(maximum: float) -> int:
    return next((s for s in DURATION_STEPS if maximum / s <= 6), DURATION_STEPS[-1])


def grouped_bars(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[str],
    duration: Callable[[float], str],
    title: str,
) -> str:
    """Horizontal bars of durations, one bar per series for each row label; linear axis."""
    left, right, top, bar, gap = 190, 70, 28, 14, 12
    plot_width = WIDTH - left - right
    row_height = bar * len(series) + gap
    maximum = max((v for _, values in rows for v in values if v), default=3_600)
    step = _duration_step(maximum)
    high = math.ceil(maximum / step) * step

    def x(seconds: float) -> float:
        return left + plot_width * seconds / high

    axis_y = top + row_height * len(rows)
    body = _legend(series, 12, left)
    for tick in range(0, high + 1, step):
        body.append(_line(x(tick), top - 4, x(tick), axis_y, GRID))
        body.append(_text(x(tick), axis_y + 16, _tick_label(tick, step), "middle", fill=AXIS))
    for index, (label, values) in enumerate(rows):
        y0 = top + row_height * index + gap / 2
        body.append(_text(left - 10, y0 + bar * len(series) / 2 + 4, label, "end"))
        for number, value in enumerate(values):
            y = y0 + bar * number
            if value is None:
                body.append(_text(left + 4, y + bar - 3, "-", fill=AXIS))
                continue
            body.append(
                _rect(left, y + 1, x(value) - left, bar - 2, PALETTE[number % len(PALETTE)])
            )
            body.append(_text(x(value) + 4, y + bar - 3, duration(value), font_size="11"))
    body.append(_line(left, axis_y, left + plot_width, axis_y, AXIS))
    return _svg(axis_y + 26, title, body)


def _nice_step(maximum: float, ticks: int = 5) -> int:
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)) or 1


class _TimeAxis:
    """x positions and labels for a run of days; the y scale for counts up to `maximum`;
    `marks` gives a kind of `DAY_MARKS` per day index to shade (missing, partial days)."""

    left, right, top, bottom, height = 60, 20, 30, 36, 260

    def __init__(
        self, days: Sequence[date], maximum: float, marks: Mapping[int, str] | None = None
    ) -> None:
        self.days = days
        self.marks = dict(marks or {})
        self.plot_width = WIDTH - self.left - self.right
        self.axis_y = self.top + self.height
        self.step = _nice_step(maximum)
        self.high = max(math.ceil(maximum / self.step), 1) * self.step

    def x(self, index: int) -> float:
        if len(self.days) < 2:
            return self.left + self.plot_width / 2
        return self.left + self.plot_width * index / (len(self.days) - 1)

    def y(self, value: float) -> float:
        return self.axis_y - self.height * value / self.high

    def frame(self) -> list[str]:
        body = []
        half = self.plot_width / max(len(self.days) - 1, 1) / 2
        for index, kind in sorted(self.marks.items()):
            color, word = DAY_MARKS[kind]
            body.append(_rect(self.x(index) - half, self.top, 2 * half, self.height, color))
            body.append(_text(self.x(index), self.top - 4, word, "middle", fill=AXIS))
        for tick in range(0, self.high + 1, self.step):
            body.append(
                _line(self.left, self.y(tick), self.left + self.plot_width, self.y(tick), GRID)
            )
            body.append(_text(self.left - 6, self.y(tick) + 4, f"{tick:,}", "end", fill=AXIS))
        every = max(1, math.ceil(len(self.days) / 10))
        for index in range(0, len(self.days), every):
            label = f"{self.days[index]:%b %d}"
            body.append(_line(self.x(index), self.axis_y, self.x(index), self.axis_y + 4, AXIS))
            body.append(_text(self.x(index), self.axis_y + 18, label, "middle", fill=AXIS))
        body.append(_line(self.left, self.axis_y, self.left + self.plot_width, self.axis_y, AXIS))
        return body

    def svg(self, title: str, body: list[str]) -> str:
        return _svg(self.axis_y + self.bottom, title, body)


def daily_lines(
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int | None]]],
    title: str,
    marks: Mapping[int, str] | None = None,
) -> str:
    """One line per series over the days, with a dot per day when there are few. A None value
    (a day no export covers) is a gap in the line, never a zero."""
    known = [v for _, values in series for v in values if v is not None]
    axis = _TimeAxis(days, max(known, default=1), marks)
    body = axis.frame() + _legend([name for name, _ in series], 14, axis.left)
    for number, (_, values) in enumerate(series if days else ()):
        color = PALETTE[number % len(PALETTE)]
        for run in _runs(values):
            points = " ".join(f"{axis.x(i):.1f},{axis.y(v):.1f}" for i, v in run)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
        if len(values) <= 60:
            body.extend(
                f'<circle cx="{axis.x(i):.1f}" cy="{axis.y(v):.1f}" r="3" fill="{color}"/>'
                for i, v in enumerate(values)
                if v is not None
            )
    return axis.svg(title, body)


def _runs(values: Sequence[int | None]) -> list[list[tuple[int, int]]]:
    """The stretches of consecutive known values, as (index, value) pairs."""
    runs: list[list[tuple[int, int]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def stacked_area(
    days: Sequence[date],
    layers: Sequence[tuple[str, Sequence[int]]],
    title: str,
    marks: Mapping[int, str] | None = None,
) -> str:
    """Layers stacked bottom-up in the given order: the end-of-day backlog by status."""
    totals = [sum(values) for values in zip(*(v for _, v in layers), strict=True)] or [0]
    axis = _TimeAxis(days, max(totals), marks)
    body = axis.frame() + _legend([name for name, _ in layers], 14, axis.left)
    base = [0] * len(days)
    for number, (_, values) in enumerate(layers):
        upper = [b + v for b, v in zip(base, values, strict=True)]
        if len(days) == 1:
            body.append(
                _rect(
                    axis.x(0) - 15,
                    axis.y(upper[0]),
                    30,
                    axis.y(base[0]) - axis.y(upper[0]),
                    PALETTE[number % len(PALETTE)],
                )
            )
        elif days:
            edge = [f"{axis.x(i):.1f},{axis.y(v):.1f}" for i, v in enumerate(upper)]
            floor = [f"{axis.x(i):.1f},{axis.y(v):.1f}" for i, v in reversed(list(enumerate(base)))]
            body.append(
                f'<polygon points="{" ".join(edge + floor)}" '
                f'fill="{PALETTE[number % len(PALETTE)]}" fill-opacity="0.85"/>'
            )
        base = upper
    return axis.svg(title, body)
