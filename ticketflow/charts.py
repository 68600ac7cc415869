"""Small inline SVG charts for the HTML report: no scripts, no fonts, no network.

Each function takes aggregates already computed in DuckDB and returns one `<svg>` element as a
string; every label is escaped. Every chart carries its title, its axis labels with their
units and a note of what it covers, drawn in the picture (and the title as `<title>` and
`aria-label` for screen readers). Charts scale to the page width through their viewBox.

Colours: the Okabe-Ito palette, told apart with every common colour-vision deficiency; series
are also named in a legend, never told by colour alone.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape

WIDTH = 960
TITLE_HEIGHT = 28
NOTE_LINE = 17
NOTE_CHARACTERS = 135  # a note's line fits the width at 12 px
# Okabe & Ito (2008): blue, orange, bluish green, reddish purple, sky blue, vermillion, yellow.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")
AXIS = "#4b5563"
GRID = "#e5e7eb"
INK = "#111827"
# Days or weeks whose counts are not whole: a band behind the plot and a word above it.
MARKS = {"missing": ("#d1d5db", "no export"), "partial": ("#fde68a", "partial")}
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


def _svg(height: float, title: str, note: str, body: list[str]) -> str:
    """The chart: its title above the plot (`body`, drawn from y=0), its note below."""
    note_lines = textwrap.wrap(note, NOTE_CHARACTERS)
    total = TITLE_HEIGHT + height + NOTE_LINE * len(note_lines) + (6 if note_lines else 0)
    parts = [
        _text(0, 17, title, font_size="15", font_weight="600"),
        f'<g transform="translate(0 {TITLE_HEIGHT})">{"".join(body)}</g>',
    ]
    for number, line in enumerate(note_lines, start=1):
        y = TITLE_HEIGHT + height + NOTE_LINE * number
        parts.append(_text(0, y, line, fill=AXIS, font_size="12"))
    return (
        f'<svg viewBox="0 0 {WIDTH} {total:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="{INK}">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
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


def _colour_index(index: int, dashed: Sequence[bool]) -> int:
    """A dashed series takes the colour of the solid series before it (p90 beside median)."""
    solid = sum(1 for i in range(index + 1) if not (i < len(dashed) and dashed[i]))
    return max(solid - 1, 0)


def _legend(names: Sequence[str], y: float, x: float = 0, dashed: Sequence[bool] = ()) -> list[str]:
    parts = []
    for index, name in enumerate(names):
        color = PALETTE[_colour_index(index, dashed) % len(PALETTE)]
        if index < len(dashed) and dashed[index]:
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 14:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{color}" stroke-width="2" stroke-dasharray="4 3"/>'
            )
        else:
            parts.append(_rect(x, y - 10, 12, 12, color))
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


def _duration_step(maximum: float) -> int:
    return next((s for s in DURATION_STEPS if maximum / s <= 6), DURATION_STEPS[-1])


def _nice_step(maximum: float, ticks: int = 5) -> int:
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)) or 1


class _Scale:
    """A linear value axis from 0: counts (nice steps), durations (steps in time units) or
    shares (0-100%)."""

    def __init__(self, kind: str, maximum: float) -> None:
        self.kind = kind
        if kind == "share":
            self.step, self.high = 0.25, 1.0
        elif kind == "duration":
            self.step = _duration_step(max(maximum, 60))
            self.high = max(math.ceil(maximum / self.step), 1) * self.step
        else:
            self.step = _nice_step(maximum)
            self.high = max(math.ceil(maximum / self.step), 1) * self.step

    def ticks(self) -> list[tuple[float, str]]:
        count = round(self.high / self.step)
        return [(i * self.step, self.label(i * self.step)) for i in range(count + 1)]

    def label(self, value: float) -> str:
        if self.kind == "share":
            return f"{value * 100:.0f}%"
        if self.kind == "duration":
            return _tick_label(int(value), int(self.step))
        return f"{int(value):,}"


def grouped_bars(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[str],
    value_label: Callable[[float], str] | Sequence[Callable[[float], str]],
    title: str,
    *,
    axis_label: str,
    note: str,
    kind: str = "duration",
) -> str:
    """Horizontal bars, one bar per series for each row label, on a linear axis from 0 of
    durations (`kind` 'duration') or shares ('share'); each bar carries its value, written
    by `value_label` (one function, or one per series)."""
    labels = [value_label] * len(series) if callable(value_label) else list(value_label)
    left, right, top, bar, gap = 200, 70, 28, 14, 12
    plot_width = WIDTH - left - right
    row_height = bar * len(series) + gap
    scale = _Scale(kind, max((v for _, values in rows for v in values if v), default=3_600))

    def x(value: float) -> float:
        return left + plot_width * min(value, scale.high) / scale.high

    axis_y = top + row_height * len(rows)
    body = _legend(series, 12, left)
    for tick, label in scale.ticks():
        body.append(_line(x(tick), top - 4, x(tick), axis_y, GRID))
        body.append(_text(x(tick), axis_y + 16, label, "middle", fill=AXIS))
    for index, (label, values) in enumerate(rows):
        y0 = top + row_height * index + gap / 2
        body.append(_text(left - 10, y0 + bar * len(series) / 2 + 4, _clip(label), "end"))
        for number, value in enumerate(values):
            y = y0 + bar * number
            if value is None:
                body.append(_text(left + 4, y + bar - 3, "no tickets", fill=AXIS, font_size="11"))
                continue
            body.append(
                _rect(left, y + 1, x(value) - left, bar - 2, PALETTE[number % len(PALETTE)])
            )
            body.append(_text(x(value) + 4, y + bar - 3, labels[number](value), font_size="11"))
    body.append(_line(left, axis_y, left + plot_width, axis_y, AXIS))
    body.append(_text(left + plot_width / 2, axis_y + 34, axis_label, "middle", fill=AXIS))
    return _svg(axis_y + 42, title, note, body)


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[str],
    title: str,
    *,
    axis_label: str,
    note: str,
) -> str:
    """Horizontal bars of counts, each row's series stacked left to right, the total beside."""
    left, right, top, bar, gap = 200, 70, 28, 20, 10
    plot_width = WIDTH - left - right
    scale = _Scale("count", max((sum(values) for _, values in rows), default=1))

    def x(value: float) -> float:
        return left + plot_width * value / scale.high

    axis_y = top + (bar + gap) * len(rows)
    body = _legend(series, 12, left)
    for tick, label in scale.ticks():
        body.append(_line(x(tick), top - 4, x(tick), axis_y, GRID))
        body.append(_text(x(tick), axis_y + 16, label, "middle", fill=AXIS))
    for index, (label, values) in enumerate(rows):
        y = top + (bar + gap) * index + gap / 2
        body.append(_text(left - 10, y + bar / 2 + 4, _clip(label), "end"))
        start = 0
        for number, value in enumerate(values):
            if value:
                color = PALETTE[number % len(PALETTE)]
                body.append(_rect(x(start), y, x(start + value) - x(start), bar, color))
            start += value
        body.append(_text(x(start) + 4, y + bar / 2 + 4, f"{start:,}", font_size="11"))
    body.append(_line(left, axis_y, left + plot_width, axis_y, AXIS))
    body.append(_text(left + plot_width / 2, axis_y + 34, axis_label, "middle", fill=AXIS))
    return _svg(axis_y + 42, title, note, body)


def _clip(label: str, limit: int = 28) -> str:
    """A row label that fits the left margin: long names are cut with an ellipsis."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


class _TimeAxis:
    """x positions and labels for a run of days or weeks; a `_Scale` for the values;
    `marks` gives a kind of `MARKS` per index to shade (missing, partial days or weeks)."""

    left, right, top, bottom, height = 70, 20, 30, 44, 240

    def __init__(
        self,
        points: Sequence[date],
        scale: _Scale,
        marks: Mapping[int, str] | None,
        axis_label: str,
        value_label: str,
        bands: bool = True,
    ) -> None:
        self.points = points
        self.bands = bands
        self.scale = scale
        self.marks = dict(marks or {})
        self.axis_label = axis_label
        self.value_label = value_label
        self.plot_width = WIDTH - self.left - self.right
        self.axis_y = self.top + self.height

    def x(self, index: int) -> float:
        if len(self.points) < 2:
            return self.left + self.plot_width / 2
        return self.left + self.plot_width * index / (len(self.points) - 1)

    def y(self, value: float) -> float:
        return self.axis_y - self.height * min(value, self.scale.high) / self.scale.high

    def frame(self) -> list[str]:
        body = []
        half = self.plot_width / max(len(self.points) - 1, 1) / 2
        if len(self.points) < 2:
            half = 30
        for index, kind in sorted(self.marks.items()):
            color, word = MARKS[kind]
            if not self.bands:  # the word under the point's axis label; the point is hollow
                body.append(_text(self.x(index), self.axis_y + 30, word, "middle", fill=AXIS))
                continue
            left = max(self.x(index) - half, self.left)
            right = min(self.x(index) + half, self.left + self.plot_width)
            body.append(_rect(left, self.top, right - left, self.height, color))
            body.append(_text(self.x(index), self.top - 4, word, "middle", fill=AXIS))
        for tick, label in self.scale.ticks():
            body.append(
                _line(self.left, self.y(tick), self.left + self.plot_width, self.y(tick), GRID)
            )
            body.append(_text(self.left - 6, self.y(tick) + 4, label, "end", fill=AXIS))
        every = max(1, math.ceil(len(self.points) / 10))
        for index in range(0, len(self.points), every):
            label = f"{self.points[index]:%b %d}"
            body.append(_line(self.x(index), self.axis_y, self.x(index), self.axis_y + 4, AXIS))
            body.append(_text(self.x(index), self.axis_y + 18, label, "middle", fill=AXIS))
        body.append(_line(self.left, self.axis_y, self.left + self.plot_width, self.axis_y, AXIS))
        body.append(
            _text(
                self.left + self.plot_width / 2,
                self.axis_y + (36 if self.bands else 48),
                self.axis_label,
                "middle",
                fill=AXIS,
            )
        )
        middle = self.top + self.height / 2
        body.append(
            _text(
                14,
                middle,
                self.value_label,
                "middle",
                fill=AXIS,
                transform=f"rotate(-90 14 {middle:.1f})",
            )
        )
        return body

    def svg(self, title: str, note: str, body: list[str]) -> str:
        return _svg(self.axis_y + self.bottom + (0 if self.bands else 12), title, note, body)


def lines(
    points: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    *,
    axis_label: str,
    value_label: str,
    note: str,
    kind: str = "count",
    marks: Mapping[int, str] | None = None,
    dashed: Sequence[bool] = (),
    bands: bool = True,
) -> str:
    """One line per series over days or weeks, with a dot per point when there are few. A
    None value (no export covers it) is a gap in the line, never a zero. `dashed[i]` draws
    series i dashed (a p90 beside its median). A marked point is shaded with a band (`bands`,
    for days) or drawn hollow with the word under its label (for weeks, few and wide)."""
    known = [v for _, values in series for v in values if v is not None]
    scale = _Scale(kind, max(known, default=1))
    axis = _TimeAxis(points, scale, marks, axis_label, value_label, bands)
    body = axis.frame() + _legend([name for name, _ in series], 14, axis.left, dashed)
    for number, (_, values) in enumerate(series if points else ()):
        color = PALETTE[_colour_index(number, dashed) % len(PALETTE)]
        dash = ' stroke-dasharray="5 4"' if number < len(dashed) and dashed[number] else ""
        for run in _runs(values):
            coordinates = " ".join(f"{axis.x(i):.1f},{axis.y(v):.1f}" for i, v in run)
            body.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{color}" '
                f'stroke-width="2"{dash}/>'
            )
        if len(values) <= 60:
            body.extend(
                f'<circle cx="{axis.x(i):.1f}" cy="{axis.y(v):.1f}" r="3" fill="{color}"/>'
                if bands or i not in axis.marks
                else f'<circle cx="{axis.x(i):.1f}" cy="{axis.y(v):.1f}" r="4" fill="#fff" '
                f'stroke="{color}" stroke-width="2"/>'
                for i, v in enumerate(values)
                if v is not None
            )
    return axis.svg(title, note, body)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive known values, as (index, value) pairs."""
    runs: list[list[tuple[int, float]]] = [[]]
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
    *,
    axis_label: str,
    value_label: str,
    note: str,
    marks: Mapping[int, str] | None = None,
) -> str:
    """Layers stacked bottom-up in the given order: the end-of-day backlog by status."""
    totals = [sum(values) for values in zip(*(v for _, v in layers), strict=True)] or [0]
    axis = _TimeAxis(days, _Scale("count", max(totals)), marks, axis_label, value_label)
    body = axis.frame() + _legend([name for name, _ in layers], 14, axis.left)
    base = [0] * len(days)
    for number, (_, values) in enumerate(layers):
        upper = [b + v for b, v in zip(base, values, strict=True)]
        color = PALETTE[number % len(PALETTE)]
        if len(days) == 1:
            body.append(
                _rect(
                    axis.x(0) - 15, axis.y(upper[0]), 30, axis.y(base[0]) - axis.y(upper[0]), color
                )
            )
        elif days:
            edge = [f"{axis.x(i):.1f},{axis.y(v):.1f}" for i, v in enumerate(upper)]
            floor = [f"{axis.x(i):.1f},{axis.y(v):.1f}" for i, v in reversed(list(enumerate(base)))]
            body.append(
                f'<polygon points="{" ".join(edge + floor)}" fill="{color}" fill-opacity="0.85"/>'
            )
        base = upper
    return axis.svg(title, note, body)
