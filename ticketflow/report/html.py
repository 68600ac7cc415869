"""The HTML report: one self-contained page (ticketflow/templates/report.html.j2), SVG charts."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ticketflow import charts
from ticketflow.report.catalogue import (
    DIMENSIONS,
    FIRST_RESPONSE,
    RESOLUTION,
    category_label,
    priority_label,
)
from ticketflow.report.queries import EMPTY, OLDEST_UNRESOLVED, Day, ReportData, Stat
from ticketflow.report.units import format_duration, format_number, format_time, format_value


def render_html(data: ReportData) -> str:
    env = Environment(
        loader=PackageLoader("ticketflow", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        duration=format_duration, number=format_number, time=format_time, priority=priority_label
    )
    status_metrics = [b for b in data.breakdowns if b.metric.kind == "status"]
    first_response = data.breakdown(FIRST_RESPONSE.column)
    resolution = data.breakdown(RESOLUTION.column)
    pairs = {
        key: _paired(first_response.by[key], resolution.by[key]) for key in ("group", "priority")
    }
    marks = day_marks(data.days)
    figures = {
        "status_distribution": charts.box_plot(
            [(b.metric.label.removeprefix("Time "), b.overall) for b in status_metrics],
            format_duration,
            "Time in status per ticket",
        ),
        **{
            f"by_{key}": charts.grouped_bars(
                [(label, (a.median, b.median)) for label, a, b in rows],
                ("Median first response", "Median resolution"),
                format_duration,
                f"Median first response and resolution by {key}",
            )
            for key, rows in pairs.items()
        },
        "daily_flow": charts.daily_lines(
            [day.summary_date for day in data.days],
            [
                ("Created", [None if day.is_missing else day.created for day in data.days]),
                ("Resolved", [None if day.is_missing else day.resolved for day in data.days]),
            ],
            "Tickets created and resolved per account-local day",
            marks,
        ),
        "daily_backlog": charts.stacked_area(
            [day.summary_date for day in data.days],
            [
                (category_label(category), [day.backlog[category] for day in data.days])
                for category in data.backlog_categories
            ],
            "Unresolved backlog at the end of each account-local day, by status",
            marks,
        ),
    }
    return env.get_template("report.html.j2").render(
        data=data,
        dimensions=DIMENSIONS,
        first_response=first_response,
        resolution=resolution,
        pairs=pairs,
        figures={name: Markup(svg) for name, svg in figures.items()},
        value=format_value,
        oldest_limit=OLDEST_UNRESOLVED,
        coverage_note=_coverage_note(marks),
    )


def _coverage_note(marks: dict[int, str]) -> str:
    kinds = set(marks.values())
    notes = []
    if "missing" in kinds:
        notes.append("grey days have no export (their counts are unknown and not drawn)")
    if "partial" in kinds:
        notes.append("the yellow day is partial (data up to the as-of time)")
    return f" Shaded: {'; '.join(notes)}." if notes else ""


def day_marks(days: list[Day]) -> dict[int, str]:
    """Day index -> 'missing' (no export covers it) or 'partial' (the as_of day, cut short)."""
    marks = {}
    for index, day in enumerate(days):
        if day.is_missing:
            marks[index] = "missing"
        elif day.is_partial_day:
            marks[index] = "partial"
    return marks


def _paired(
    first: list[tuple[str, Stat]], second: list[tuple[str, Stat]]
) -> list[tuple[str, Stat, Stat]]:
    """Two breakdowns side by side over the union of their labels (first's order first)."""
    a, b = dict(first), dict(second)
    labels = list(a) + [label for label in b if label not in a]
    return [(label, a.get(label, EMPTY), b.get(label, EMPTY)) for label in labels]
