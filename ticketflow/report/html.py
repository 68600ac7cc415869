"""The HTML report: one self-contained page (ticketflow/templates/report.html.j2), SVG charts.

The tables are `tables.build`'s, as in the text report; this module adds the charts."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ticketflow import charts
from ticketflow.report import tables
from ticketflow.report.catalogue import AGE_BUCKETS, UNKNOWN_AGE, category_label
from ticketflow.report.queries import Day, ReportData, Segment, Week
from ticketflow.report.tables import Content, Table
from ticketflow.report.text import title_lines
from ticketflow.report.units import (
    format_date,
    format_duration,
    format_hours,
    format_share,
    format_time,
)

# The page's sections, in order: (id, title); the browser test checks each is drawn.
SECTIONS = (
    ("headline", "Headline"),
    ("trends", "Weekly trends"),
    ("backlog", "Backlog"),
    ("ranked", "Groups and agents"),
    ("breakdowns", "Breakdowns"),
    ("tickets", "Tickets to look at"),
    ("rules", "Calendars and SLA policies"),
)


def render_html(data: ReportData) -> str:
    env = Environment(
        loader=PackageLoader("ticketflow", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(time=format_time)
    content = tables.build(data)
    return env.get_template("report.html.j2").render(
        data=data,
        content=content,
        title_lines=title_lines(data),
        sections=dict(SECTIONS),
        figures={name: Markup(svg) for name, svg in _figures(data, content).items()},
        cell=tables.format_cell,
        column=tables.Column,
    )


def _figures(data: ReportData, content: Content) -> dict[str, str]:
    covered = _covered(data)
    weeks = [week.week_start for week in data.weeks]
    week_marks = {i: week.mark for i, week in enumerate(data.weeks) if week.mark}
    days = [day.summary_date for day in data.days]
    marks = day_marks(data.days)
    # The age chart: the statuses with tickets; the unknown-age bucket when it has some.
    present = [c for c in data.backlog_categories if any(k[0] == c for k in data.backlog)]
    buckets = [(key, label) for key, label, _ in AGE_BUCKETS]
    if any(bucket == UNKNOWN_AGE[0] for _, bucket in data.backlog):
        buckets.append(UNKNOWN_AGE)
    figures = {
        "weekly_flow": charts.lines(
            weeks,
            [
                ("Created", [week.created for week in data.weeks]),
                ("Resolutions", [week.resolutions for week in data.weeks]),
            ],
            "Tickets created and resolutions per week",
            axis_label="account-local week, starting Monday",
            value_label="tickets per week",
            note=f"{covered}; days without an export are not counted.{_week_note(week_marks)}",
            marks=week_marks,
            bands=False,
        ),
        "weekly_times": charts.lines(
            weeks,
            [
                ("First response, median", [w.first_response.median for w in data.weeks]),
                ("First response, p90", [w.first_response.p90 for w in data.weeks]),
                ("Resolution, median", [w.resolution.median for w in data.weeks]),
                ("Resolution, p90", [w.resolution.p90 for w in data.weeks]),
            ],
            "Time to first response and to resolution, by week of creation",
            axis_label="account-local week of creation, starting Monday",
            value_label="calendar time",
            note=f"Tickets created in each week: {_counted(data.weeks)}; dashed: p90."
            f"{_week_note(week_marks)}",
            kind="duration",
            marks=week_marks,
            dashed=(False, True, False, True),
            bands=False,
        ),
        "daily_flow": charts.lines(
            days,
            [
                ("Created", [None if day.is_missing else day.created for day in data.days]),
                ("Resolutions", [None if day.is_missing else day.resolved for day in data.days]),
            ],
            "Tickets created and resolutions per day",
            axis_label="account-local day",
            value_label="tickets per day",
            note=f"{covered}.{_marks_note(marks)}",
            marks=marks,
        ),
        "daily_backlog": charts.stacked_area(
            days,
            [
                (category_label(category), [day.backlog[category] for day in data.days])
                for category in data.backlog_categories
            ],
            "Unresolved backlog at the end of each day, by status",
            axis_label="account-local day",
            value_label="unresolved tickets",
            note=f"{covered}; tickets with no status exported are not in it.{_marks_note(marks)}",
            marks=marks,
        ),
        "backlog_age": charts.stacked_bars(
            [(label, [data.backlog.get((c, key), 0) for c in present]) for key, label in buckets],
            [category_label(c) for c in present],
            "Unresolved tickets by age, by status",
            axis_label="unresolved tickets",
            note=f"Age: time from creation to {_end(data)}; {data.backlog_total:,} tickets.",
        ),
    }
    figures["weekly_sla"] = charts.lines(
        weeks,
        [
            ("First response", [w.first_response_sla.compliance for w in data.weeks]),
            ("Resolution", [w.resolution_sla.compliance for w in data.weeks]),
        ],
        "SLA met, by week of creation",
        axis_label="account-local week of creation, starting Monday",
        value_label="share met",
        note="Share met of met and breached, of the tickets created in each week (pending ones"
        f" wait for their outcome).{_week_note(week_marks)}",
        kind="share",
        marks=week_marks,
        bands=False,
    )
    for table in content.ranked + content.breakdowns:
        if table.key in ("group", "priority"):
            figures[f"{table.key}_times"] = _median_bars(data, table)
            figures[f"{table.key}_sla"] = _sla_bars(data, table)
    return figures


def _sla_bars(data: ReportData, table: Table) -> str:
    segments: list[Segment] = data.segments[table.key][: len(table.shown_rows)]
    met = sum(s.first_response_sla.met + s.resolution_sla.met for s in segments)
    breached = sum(s.first_response_sla.breached + s.resolution_sla.breached for s in segments)
    return charts.grouped_bars(
        [
            (s.label, (s.first_response_sla.compliance, s.resolution_sla.compliance))
            for s in segments
        ],
        ("First response", "Resolution"),
        format_share,
        f"SLA met, by {table.key}",
        axis_label="share met of met and breached",
        note=f"Tickets created in the period: {met:,} targets met, {breached:,} breached;"
        " 'no tickets': none met or breached yet.",
        kind="share",
    )


def _median_bars(data: ReportData, table: Table) -> str:
    segments: list[Segment] = data.segments[table.key][: len(table.shown_rows)]
    return charts.grouped_bars(
        [
            (
                s.label,
                (
                    s.first_response.median,
                    s.first_response_business.median,
                    s.resolution.median,
                    s.resolution_business.median,
                ),
            )
            for s in segments
        ],
        (
            "First response",
            "First response, business hours",
            "Resolution",
            "Resolution, business hours",
        ),
        (format_duration, format_hours, format_duration, format_hours),
        f"Median time to first response and to resolution, by {table.key}",
        axis_label="median time (calendar, or business hours of the ticket's calendar)",
        note=f"Tickets created in the period: {sum(s.tickets for s in segments):,}; resolution"
        " over the tickets solved now.",
    )


def _covered(data: ReportData) -> str:
    if data.first_day is None:
        return "No days in the data"
    return f"Days {format_date(data.first_day)} to {format_date(data.last_day)}"


def _end(data: ReportData) -> str:
    return f"the end of the period ({format_time(data.end_at)})"


def _counted(weeks: list[Week]) -> str:
    first = sum(w.first_response.count for w in weeks)
    resolved = sum(w.resolution.count for w in weeks)
    return f"{first:,} with a first response, {resolved:,} solved"


def _marks_note(marks: dict[int, str]) -> str:
    kinds = set(marks.values())
    notes = []
    if "missing" in kinds:
        notes.append("grey: no export (not drawn)")
    if "partial" in kinds:
        notes.append("yellow: partial (not every day of it known)")
    return f" Shaded {'; '.join(notes)}." if notes else ""


def _week_note(marks: dict[int, str]) -> str:
    if not marks:
        return ""
    return (
        " Hollow points: weeks not wholly known (cut by the period, a day without an export"
        " or the partial as-of day)."
    )


def day_marks(days: list[Day]) -> dict[int, str]:
    """Day index -> 'missing' (no export covers it) or 'partial' (the as_of day, cut short)."""
    marks = {}
    for index, day in enumerate(days):
        if day.is_missing:
            marks[index] = "missing"
        elif day.is_partial_day:
            marks[index] = "partial"
    return marks
