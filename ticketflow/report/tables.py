"""The report's content as figures and tables, defined once for every format.

Text, Markdown and HTML write each cell through `format_cell` (durations, percentages);
report.csv writes the raw value (`raw_cell`: seconds, shares from 0 to 1, ISO dates) under the
column's `key`, which names the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ticketflow.report.catalogue import (
    AGE_BUCKETS,
    DIMENSIONS,
    RANKED,
    UNKNOWN_AGE,
    Dimension,
    category_label,
    priority_label,
)
from ticketflow.report.queries import (
    OLDEST_UNRESOLVED,
    ReportData,
    Segment,
    Share,
    Stat,
)
from ticketflow.report.units import (
    format_count,
    format_date,
    format_duration,
    format_hours,
    format_local_time,
    format_share,
)

# "hours": a duration in hours, for business hours and SLA targets (24 h of business time is
# three working days, not one day).
Kind = Literal["text", "count", "duration", "hours", "share", "date", "time"]
RANKED_SHOWN = 15  # agents and groups shown in text and HTML (report.csv has all)
MEDIANS = (
    "Medians, in calendar time and in business hours (bh, the ticket's calendar); SLA: share"
    " met of met and breached."
)

FORMATTERS = {
    "text": lambda value: "-" if value is None else str(value),
    "count": format_count,
    "duration": format_duration,
    "hours": format_hours,
    "share": format_share,
    "date": format_date,
    "time": format_local_time,
}


@dataclass(frozen=True)
class Column:
    key: str  # report.csv column; a duration's key ends in _seconds, a share's in _share
    header: str
    kind: Kind


@dataclass(frozen=True)
class Table:
    key: str  # report.csv section
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]
    note: str = ""
    shown: int | None = None  # rows shown in text and HTML; None: all (report.csv has all)

    @property
    def shown_rows(self) -> list[tuple]:
        return self.rows if self.shown is None else self.rows[: self.shown]


@dataclass(frozen=True)
class Figure:
    """One headline number."""

    key: str
    label: str
    kind: Kind
    value: object
    note: str = ""


@dataclass(frozen=True)
class Content:
    headline: list[Figure]
    notes: list[str]  # what the numbers leave out and why, in plain words
    weekly: Table
    backlog: Table
    ranked: list[Table]  # groups, agents
    breakdowns: list[Table]  # priority, channel, ticket type, issue type, product
    absent: list[str] = field(default_factory=list)  # dimensions no ticket of the period has
    tickets: list[Table] = field(default_factory=list)  # oldest unresolved, SLA breaches
    rules: list[Table] = field(default_factory=list)  # the calendars and SLA policies used

    @property
    def tables(self) -> list[Table]:
        return [
            self.weekly,
            self.backlog,
            *self.ranked,
            *self.breakdowns,
            *self.tickets,
            *self.rules,
        ]


def format_cell(column: Column, value: object) -> str:
    return FORMATTERS[column.kind](value)


def raw_cell(column: Column, value: object) -> object:
    """The value for report.csv: numbers as numbers (seconds, shares 0-1), dates ISO."""
    if value is None:
        return ""
    if column.kind in ("duration", "hours"):
        return f"{value:.1f}".removesuffix(".0")
    if column.kind == "share":
        return f"{value:.4f}"
    if column.kind == "time":
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if column.kind == "date":
        return f"{value:%Y-%m-%d}"
    return value


def build(data: ReportData) -> Content:
    """The figures and tables of the report for `data`."""
    ranked, breakdowns, absent = [], [], []
    for dimension in DIMENSIONS:
        segments = data.segments[dimension.key]
        if all(segment.key is None for segment in segments):
            absent.append(dimension.title.lower())
            continue
        table = _segment_table(dimension, segments, data.agent_names > 0)
        (ranked if dimension.key in RANKED else breakdowns).append(table)
    return Content(
        headline=_headline(data),
        notes=_notes(data),
        weekly=_weekly(data),
        backlog=_backlog(data),
        ranked=ranked,
        breakdowns=breakdowns,
        absent=absent,
        tickets=[_oldest(data), _breaches(data)],
        rules=[_calendars(data), _policies(data)],
    )


def _headline(data: ReportData) -> list[Figure]:
    o = data.overall
    unknown = (
        [
            Figure(
                "status_unknown",
                "Status unknown",
                "count",
                data.status_unknown,
                "no status exported: neither solved nor in the backlog",
            )
        ]
        if data.status_unknown
        else []
    )
    return [
        Figure("created", "Created", "count", o.created_in_window, "tickets created in the period"),
        Figure("resolutions", "Resolutions", "count", data.resolutions, "on the period's days"),
        Figure("backlog", "Backlog", "count", data.backlog_total, "unresolved at the end"),
        *unknown,
        Figure(
            "reopen_rate_share",
            "Reopen rate",
            "share",
            o.reopen_rate,
            f"{o.reopened:,} of {o.ever_resolved:,} tickets resolved at least once",
        ),
        _duration_figure("first_response", "First response", o.first_response),
        _duration_figure(
            "first_response_business", "First response, business hours", o.first_response_business
        ),
        _duration_figure("resolution", "Resolution", o.resolution),
        _duration_figure(
            "resolution_business", "Resolution, business hours", o.resolution_business
        ),
        _share_figure("first_response_sla", "First response SLA", o.first_response_sla),
        _share_figure("resolution_sla", "Resolution SLA", o.resolution_sla),
    ]


def _duration_figure(key: str, label: str, stat: Stat) -> Figure:
    kind = "hours" if key.endswith("_business") else "duration"
    note = f"p90 {FORMATTERS[kind](stat.p90)}, {stat.count:,} tickets"
    return Figure(f"{key}_median_seconds", f"{label}, median", kind, stat.median, note)


def _share_figure(key: str, label: str, share: Share) -> Figure:
    note = f"met {share.met:,}, breached {share.breached:,}; {share.pending:,} pending"
    return Figure(f"{key}_compliance_share", f"{label} met", "share", share.compliance, note)


def _notes(data: ReportData) -> list[str]:
    o = data.overall
    notes = []
    left_out = [
        f"time to {name}: {count:,} tickets"
        for name, count in (
            ("first response", o.first_response_left_out),
            ("resolution", o.resolution_left_out),
        )
        if count
    ]
    if left_out:
        notes.append(
            "Left out, created before the first export (creation time unknown): "
            + "; ".join(left_out)
            + "."
        )
    missing = [format_date(day.summary_date) for day in data.days if day.is_missing]
    if missing:
        notes.append(f"Days without an export (counts unknown): {', '.join(missing)}.")
    partial = [format_date(day.summary_date) for day in data.days if day.is_partial_day]
    if partial:
        notes.append(f"Partial day (data up to the as-of time): {', '.join(partial)}.")
    return notes


def _weekly(data: ReportData) -> Table:
    columns = (
        Column("week_start", "Week of", "date"),
        Column("days", "Days", "count"),
        Column("days_without_export", "No export", "count"),
        Column("created", "Created", "count"),
        Column("resolutions", "Resolutions", "count"),
        Column("first_response_median_seconds", "1st resp. median", "duration"),
        Column("first_response_p90_seconds", "1st resp. p90", "duration"),
        Column("resolution_median_seconds", "Resol. median", "duration"),
        Column("resolution_p90_seconds", "Resol. p90", "duration"),
        Column("first_response_sla_compliance_share", "SLA 1st resp.", "share"),
        Column("resolution_sla_compliance_share", "SLA resol.", "share"),
    )
    rows = [
        (
            week.week_start,
            week.days,
            week.missing_days,
            week.created,
            week.resolutions,
            week.first_response.median,
            week.first_response.p90,
            week.resolution.median,
            week.resolution.p90,
            week.first_response_sla.compliance,
            week.resolution_sla.compliance,
        )
        for week in data.weeks
    ]
    return Table(
        "weekly",
        "Weekly trends",
        columns,
        rows,
        "Account-local weeks from Monday. Created and resolutions: counts of the days an export"
        " covers. First response and resolution (calendar time) and SLA (share met of met and"
        " breached): the tickets created in the week.",
    )


def _backlog(data: ReportData) -> Table:
    buckets = [(key, label) for key, label, _ in AGE_BUCKETS]
    if any(bucket == UNKNOWN_AGE[0] for _, bucket in data.backlog):
        buckets.append(UNKNOWN_AGE)
    columns = (
        Column("status", "Status", "text"),
        Column("tickets", "Tickets", "count"),
        *(Column(key, label, "count") for key, label in buckets),
    )

    def row(label: str, categories: tuple[str, ...]) -> tuple:
        counts = [sum(data.backlog.get((c, key), 0) for c in categories) for key, _ in buckets]
        return (label, sum(counts), *counts)

    rows = [row(category_label(c), (c,)) for c in data.backlog_categories]
    rows = [row for row in rows if row[1]]
    rows.append(row("All unresolved", data.backlog_categories))
    unknown = (
        f" {data.status_unknown:,} tickets with no status exported are not in it."
        if data.status_unknown
        else ""
    )
    return Table(
        "backlog",
        "Backlog by status and age",
        columns,
        rows,
        "Unresolved tickets at the end of the period, by status and by age (time since"
        f" creation).{unknown}",
    )


def _segment_table(dimension: Dimension, segments: list[Segment], named: bool) -> Table:
    """`named`: the agents seed names some agent (the id is then a column of its own)."""
    key_columns = (Column("agent_id", "Id", "text"),) if dimension.key == "agent" and named else ()
    columns = (
        Column(dimension.key, dimension.title, "text"),
        *key_columns,
        Column("tickets", "Tickets", "count"),
        Column("solved", "Solved", "count"),
        Column("first_response_median_seconds", "1st resp.", "duration"),
        Column("first_response_business_median_seconds", "1st resp. bh", "hours"),
        Column("resolution_median_seconds", "Resol.", "duration"),
        Column("resolution_business_median_seconds", "Resol. bh", "hours"),
        Column("first_response_sla_compliance_share", "SLA 1st resp.", "share"),
        Column("resolution_sla_compliance_share", "SLA resol.", "share"),
        Column("reopen_rate_share", "Reopen rate", "share"),
    )
    rows = [
        (
            segment.label,
            *((segment.key,) if key_columns else ()),
            segment.tickets,
            segment.solved,
            segment.first_response.median,
            segment.first_response_business.median,
            segment.resolution.median,
            segment.resolution_business.median,
            segment.first_response_sla.compliance,
            segment.resolution_sla.compliance,
            segment.reopen_rate,
        )
        for segment in segments
    ]
    ranked = dimension.key in RANKED
    plural = {"agent": "agents", "group": "groups"}.get(dimension.key, "")
    if ranked:
        shown = RANKED_SHOWN if len(rows) > RANKED_SHOWN else None
        more = (
            f" The first {RANKED_SHOWN} of {len(rows):,} {plural}; all in report.csv."
            if shown
            else ""
        )
        note = f"Ranked by tickets solved. {MEDIANS}{more}"
        title = f"{dimension.title}s ranked"
    else:
        shown, note, title = None, MEDIANS, f"By {dimension.title.lower()}"
    return Table(dimension.key, title, columns, rows, note, shown)


def _oldest(data: ReportData) -> Table:
    columns = (
        Column("ticket_id", "Ticket", "text"),
        Column("created_at_local", "Created", "time"),
        Column("age_seconds", "Age", "duration"),
        Column("status", "Status", "text"),
        Column("priority", "Priority", "text"),
        Column("group", "Group", "text"),
        Column("agent", "Agent", "text"),
    )
    rows = [
        (
            t.ticket_id,
            t.created_at,
            t.age_seconds if t.is_created_in_window else None,
            t.status or category_label(t.status_category),
            priority_label(t.priority),
            t.group_name or "(no group)",
            t.agent,
        )
        for t in data.oldest_unresolved
    ]
    return Table(
        "oldest_unresolved",
        f"Oldest unresolved tickets (top {OLDEST_UNRESOLVED})",
        columns,
        rows,
        "At the end of the period. A ticket created before the exports shows its first"
        " activity as created, and no age.",
    )


def _breaches(data: ReportData) -> Table:
    columns = (
        Column("ticket_id", "Ticket", "text"),
        Column("created_at_local", "Created", "time"),
        Column("breached", "Breached", "text"),
        Column("overdue_seconds", "Over target by", "hours"),
        Column("clock", "Clock", "text"),
        Column("sla_policy", "Policy", "text"),
        Column("priority", "Priority", "text"),
        Column("group", "Group", "text"),
        Column("agent", "Agent", "text"),
    )
    rows = [
        (
            b.ticket_id,
            b.created_at,
            {(True, True): "both", (True, False): "first response"}.get(
                (b.first_response_breached, b.resolution_breached), "resolution"
            ),
            b.overdue_seconds,
            "business hours" if b.is_business_hours else "calendar",
            b.sla_policy,
            priority_label(b.priority),
            b.group_name or "(no group)",
            b.agent,
        )
        for b in data.breaches
    ]
    shown = f"the {len(rows)} most overdue of {data.breached:,}" if data.breached else "none"
    return Table(
        "sla_breaches",
        f"SLA breaches ({shown})",
        columns,
        rows,
        "Tickets created in the period past a first response or resolution target, the most"
        " overdue first (by the policy's clock).",
    )


def _calendars(data: ReportData) -> Table:
    columns = (
        Column("calendar", "Calendar", "text"),
        Column("tickets", "Tickets", "count"),
        Column("time_zone", "Time zone", "text"),
        Column("hours", "Working hours", "text"),
        Column("holidays", "Holidays in the period", "count"),
    )
    rows = [(c.calendar, c.tickets, c.time_zone, c.hours, c.holidays) for c in data.calendars]
    return Table(
        "calendars",
        "Business calendars used",
        columns,
        rows,
        "Business hours count a ticket's time in its calendar (that of its current group, else"
        " default): seeds ticketflow_business_hours, ticketflow_holidays,"
        " ticketflow_group_calendars.",
    )


def _policies(data: ReportData) -> Table:
    columns = (
        Column("sla_policy", "Policy", "text"),
        Column("priority", "Priority", "text"),
        Column("tickets", "Tickets", "count"),
        Column("first_response_target_seconds", "First response target", "hours"),
        Column("resolution_target_seconds", "Resolution target", "hours"),
        Column("clock", "Clock", "text"),
    )
    rows = [
        (
            p.sla_policy,
            priority_label(p.priority),
            p.tickets,
            p.first_response_target_seconds,
            p.resolution_target_seconds,
            "business hours" if p.is_business_hours else "calendar",
        )
        for p in data.policies
    ]
    unknown = (
        f" {data.unknown_policy_tickets:,} tickets have no target (no row for their policy"
        " and priority, or no priority): no SLA status."
        if data.unknown_policy_tickets
        else ""
    )
    return Table(
        "sla_policies",
        "SLA policies used",
        columns,
        rows,
        "A ticket's policy is its last exported sla_policy when the seed ticketflow_sla_policies"
        " names it, else default; its current priority picks the targets. The clock stops while"
        f" the ticket waits (seed ticketflow_status_categories, is_sla_clock_running).{unknown}",
    )
