"""The SVG charts: gaps and marks for days without data, titles, axis labels and notes drawn,
colour-blind-safe colours, same input same bytes."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ticketflow import charts
from ticketflow.report.units import format_duration, format_share

DAYS = [date(2026, 4, 24) + timedelta(days=n) for n in range(4)]


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text [^>]*>([^<]*)</text>", svg)


def test_lines_break_on_a_missing_day_and_shade_it() -> None:
    svg = charts.lines(
        DAYS,
        [("Created", [3, 1, None, 2])],
        "Created per day",
        axis_label="account-local day",
        value_label="tickets per day",
        note="Days 2026-04-24 to 2026-04-27.",
        marks={2: "missing", 3: "partial"},
    )
    # Two stretches (24-25, then 27 alone): one polyline each, no point drawn for the 26th.
    assert svg.count("<polyline ") == 2
    assert svg.count("<circle ") == 3
    assert svg.count('fill="#d1d5db"') == 1 and svg.count('fill="#fde68a"') == 1
    texts = _texts(svg)
    assert texts[0] == "Created per day"  # the title, drawn
    for word in ("no export", "partial", "account-local day", "tickets per day"):
        assert word in texts
    assert texts[-1] == "Days 2026-04-24 to 2026-04-27."
    assert "<title>Created per day</title>" in svg and 'aria-label="Created per day"' in svg


def test_weekly_lines_mark_points_not_bands() -> None:
    weeks = [date(2026, 4, 13), date(2026, 4, 20)]
    svg = charts.lines(
        weeks,
        [("Median", [3_600, 7_200]), ("p90", [7_200, 14_400])],
        "t",
        axis_label="week",
        value_label="calendar time",
        note="",
        kind="duration",
        marks={0: "partial"},
        dashed=(False, True),
        bands=False,
    )
    assert 'fill="#fde68a"' not in svg
    assert svg.count('fill="#fff"') == 2  # the partial week's two points, hollow
    assert svg.count('stroke-dasharray="5 4"') == 1
    # a dashed p90 takes its median's colour
    # two lines, two hollow points, the dashed legend key
    assert svg.count(f'stroke="{charts.PALETTE[0]}"') == 2 + 2 + 1
    assert {"0", "1h", "2h", "3h", "4h"} <= set(_texts(svg))  # duration ticks


def test_grouped_bars_of_durations_and_of_shares() -> None:
    svg = charts.grouped_bars(
        [("Billing", (1_800, 8_400)), ("(no group)", (None, 3_600))],
        ("Median first response", "Median resolution"),
        format_duration,
        "By group",
        axis_label="calendar time",
        note="Six tickets.",
    )
    texts = _texts(svg)
    values = re.findall(r'<text [^>]*font-size="11">([^<]*)</text>', svg)
    assert values == ["30m", "2h 20m", "no tickets", "1h"]
    assert "calendar time" in texts and texts[-1] == "Six tickets."
    shares = charts.grouped_bars(
        [("High", (0.5, 1.0))],
        ("First response", "Resolution"),
        format_share,
        "SLA",
        axis_label="share met",
        note="",
        kind="share",
    )
    assert {"0%", "25%", "50%", "75%", "100%", "50.0%", "100.0%"} <= set(_texts(shares))


def test_stacked_bars_total_each_row() -> None:
    svg = charts.stacked_bars(
        [("under 1 day", [2, 1]), ("1-3 days", [0, 0])],
        ("Open", "Pending"),
        "Backlog by age",
        axis_label="unresolved tickets",
        note="",
    )
    assert svg.count("<rect ") == 2 + 2  # legend keys, then the first row's two segments
    assert "3" in _texts(svg) and "0" in _texts(svg)


def test_long_notes_wrap_and_labels_are_escaped() -> None:
    note = "word " * 60
    svg = charts.stacked_bars([("<b>&", [1])], ("Open",), "t", axis_label="x", note=note)
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg
    lines = [t for t in _texts(svg) if t.startswith("word")]
    assert len(lines) == 3 and all(len(line) <= charts.NOTE_CHARACTERS for line in lines)


def test_palette_is_okabe_ito() -> None:
    assert charts.PALETTE[:4] == ("#0072b2", "#e69f00", "#009e73", "#cc79a7")


def test_charts_are_deterministic() -> None:
    def draw() -> str:
        return charts.stacked_area(
            DAYS,
            [("Open", [1, 2, 3, 4]), ("Pending", [0, 1, 0, 1])],
            "t",
            axis_label="day",
            value_label="tickets",
            note="n",
            marks={3: "partial"},
        )

    assert draw() == draw()
