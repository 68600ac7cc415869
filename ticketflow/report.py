"""The report a person reads: ticket metrics from the marts as text, Markdown, CSV or HTML.

Every aggregate is computed in DuckDB (`quantile_cont`, grouping sets); Python only lays out
the few hundred aggregate rows. The output depends on the marts alone (their `as_of`, never
the wall clock), so the same marts give the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ticketflow import charts, files, marts
from ticketflow.errors import TicketflowError

FORMATS = (".txt", ".md", ".csv", ".html")
PRIORITY_NAMES = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
OLDEST_UNRESOLVED = 10
UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


class ReportError(TicketflowError):
    """The report cannot be written (unknown format, missing marts, unwritable file)."""


@dataclass(frozen=True)
class Metric:
    """One reported metric: a column of `marts.fct_ticket_metrics` and the tickets it covers."""

    column: str
    label: str
    kind: Literal["status", "duration", "count"]
    scope: str  # SQL predicate on fct_ticket_metrics: the tickets the statistics are over
    scope_label: str


METRICS = (
    Metric("seconds_open", "Time Open", "status", "seconds_open > 0", "tickets that were Open"),
    Metric(
        "seconds_waiting_on_customer",
        "Time Waiting on Customer",
        "status",
        "seconds_waiting_on_customer > 0",
        "tickets that waited on the customer",
    ),
    Metric(
        "seconds_pending",
        "Time Pending (waiting for response)",
        "status",
        "seconds_pending > 0",
        "tickets that were Pending",
    ),
    Metric(
        "seconds_waiting_on_third_party",
        "Time Waiting on Third Party",
        "status",
        "seconds_waiting_on_third_party > 0",
        "tickets that waited on a third party",
    ),
    Metric(
        "first_response_seconds",
        "Time to first response",
        "duration",
        "first_response_seconds is not null",
        "tickets with a first response",
    ),
    Metric(
        "resolution_seconds",
        "Time to resolution",
        "duration",
        "resolution_seconds is not null",
        "tickets resolved or closed now",
    ),
    Metric("reopen_count", "Reopens", "count", "true", "all tickets"),
)
METRIC_BY_COLUMN = {metric.column: metric for metric in METRICS}
DIMENSIONS = (("priority", "Priority"), ("group", "Group"), ("agent", "Agent"))


@dataclass(frozen=True)
class Stat:
    """count, mean and quantiles (QUANTILES order) of one metric over a set of tickets."""

    count: int
    mean: float | None
    quantiles: tuple[float, ...] | None

    @property
    def median(self) -> float | None:
        return self.quantiles[QUANTILES.index(0.5)] if self.quantiles else None

    @property
    def p90(self) -> float | None:
        return self.quantiles[QUANTILES.index(0.9)] if self.quantiles else None


EMPTY = Stat(0, None, None)


@dataclass(frozen=True)
class Breakdown:
    """A metric overall and by each dimension (label, statistics), in a stable order."""

    metric: Metric
    overall: Stat
    by: dict[str, list[tuple[str, Stat]]]


@dataclass(frozen=True)
class Totals:
    tickets: int
    created_in_window: int
    resolved: int
    unresolved: int
    reopened: int
    first_created_at: datetime | None
    last_created_at: datetime | None


@dataclass(frozen=True)
class OpenTicket:
    ticket_id: int
    created_at: datetime
    age_seconds: int
    status: str | None
    priority: int | None
    group_name: str | None
    agent_id: int | None


@dataclass(frozen=True)
class Day:
    summary_date: date
    created: int
    resolved: int
    backlog: dict[str, int]  # status category -> tickets in it at the end of the day


@dataclass(frozen=True)
class ReportData:
    as_of: datetime | None
    totals: Totals
    breakdowns: list[Breakdown]
    oldest_unresolved: list[OpenTicket]
    days: list[Day]

    def breakdown(self, column: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.metric.column == column)


BACKLOG_CATEGORIES = (
    ("open", "Open"),
    ("pending", "Pending"),
    ("waiting_on_customer", "Waiting on Customer"),
    ("waiting_on_third_party", "Waiting on Third Party"),
    ("other", "Other"),
)


def write_report(db_path: Path, out_path: Path) -> Path:
    """Write the report for the marts in `db_path` to `out_path`; the format follows its suffix."""
    suffix = out_path.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(
            f"{out_path}: unknown report format {suffix or '(none)'!r}; use {', '.join(FORMATS)}"
        )
    with marts.connect(db_path) as con:
        if suffix == ".csv":
            with _atomic_path(out_path) as tmp:
                _write_csv(con, tmp)
            return out_path
        data = collect(con)
    text = {".txt": render_text, ".md": render_markdown, ".html": render_html}[suffix](data)
    with _atomic_path(out_path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out_path


@contextmanager
def _atomic_path(out_path: Path) -> Iterator[Path]:
    """`files.atomic_path`, with a failure to write as a ReportError."""
    try:
        with files.atomic_path(out_path) as tmp:
            yield tmp
    except OSError as error:
        raise ReportError(f"{out_path}: cannot write: {error.strerror}") from error


def _write_csv(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(
        f"copy (select * from marts.fct_ticket_metrics order by ticket_id) "
        f"to {marts.sql_path(path)} (format csv, header true)"
    )


def collect(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the text and HTML reports show, aggregated in DuckDB."""
    return ReportData(
        as_of=_as_of(con),
        totals=_totals(con),
        breakdowns=_breakdowns(con),
        oldest_unresolved=_oldest_unresolved(con),
        days=_days(con),
    )


def _as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    return con.execute("select max(as_of) from marts.dim_tickets").fetchone()[0]


def _totals(con: duckdb.DuckDBPyConnection) -> Totals:
    row = con.execute(
        """
        select
            count(*),
            count(*) filter (where is_created_in_window),
            count(*) filter (where is_resolved),
            count(*) filter (where not is_resolved),
            count(*) filter (where reopen_count > 0),
            min(created_at),
            max(created_at)
        from marts.fct_ticket_metrics
        """
    ).fetchone()
    return Totals(*row)


def _breakdowns(con: duckdb.DuckDBPyConnection) -> list[Breakdown]:
    per_metric = "\n            union all\n".join(
        f"select '{m.column}' as metric, priority, group_name, agent_id, "
        f"{m.column}::double as value from marts.fct_ticket_metrics where {m.scope}"
        for m in METRICS
    )
    quantiles = ", ".join(str(q) for q in QUANTILES)
    rows = con.execute(
        f"""
        with metric_values as (
            {per_metric}
        )
        select
            metric,
            case
                when grouping(priority) = 0 then 'priority'
                when grouping(group_name) = 0 then 'group'
                when grouping(agent_id) = 0 then 'agent'
                else 'overall'
            end as dimension,
            priority,
            group_name,
            agent_id,
            count(*) as tickets,
            avg(value) as mean,
            quantile_cont(value, [{quantiles}]) as quantiles
        from metric_values
        group by grouping sets (
            (metric), (metric, priority), (metric, group_name), (metric, agent_id)
        )
        order by metric, dimension, priority nulls last, group_name nulls last,
            agent_id nulls last
        """
    ).fetchall()
    found: dict[str, dict[str, list[tuple[str, Stat]]]] = {m.column: {} for m in METRICS}
    for metric, dimension, priority, group_name, agent_id, count, mean, qs in rows:
        label = {
            "overall": "All tickets",
            "priority": _priority_label(priority),
            "group": group_name if group_name is not None else "(no group)",
            "agent": str(agent_id) if agent_id is not None else "(unassigned)",
        }[dimension]
        found[metric].setdefault(dimension, []).append((label, Stat(count, mean, tuple(qs))))
    return [
        Breakdown(
            metric=m,
            overall=found[m.column].get("overall", [("", EMPTY)])[0][1],
            by={key: found[m.column].get(key, []) for key, _ in DIMENSIONS},
        )
        for m in METRICS
    ]


def _oldest_unresolved(con: duckdb.DuckDBPyConnection) -> list[OpenTicket]:
    rows = con.execute(
        """
        select ticket_id, created_at, date_diff('second', created_at, as_of), status, priority,
            group_name, agent_id
        from marts.fct_ticket_metrics
        where not is_resolved
        order by created_at, ticket_id
        limit ?
        """,
        [OLDEST_UNRESOLVED],
    ).fetchall()
    return [OpenTicket(*row) for row in rows]


def _days(con: duckdb.DuckDBPyConnection) -> list[Day]:
    backlog = ", ".join(f"backlog_{key}" for key, _ in BACKLOG_CATEGORIES)
    rows = con.execute(
        f"""
        select summary_date, tickets_created, resolutions, {backlog}
        from marts.fct_daily_ticket_summary
        order by summary_date
        """
    ).fetchall()
    return [
        Day(
            day, created, resolved, dict(zip((k for k, _ in BACKLOG_CATEGORIES), rest, strict=True))
        )
        for day, created, resolved, *rest in rows
    ]


def _priority_label(priority: int | None) -> str:
    if priority is None:
        return "(none)"
    name = PRIORITY_NAMES.get(priority)
    return f"{priority} {name}" if name else str(priority)


def format_duration(seconds: float | None) -> str:
    """Seconds as the two largest units: 187200 -> '2d 4h', 90 -> '1m 30s', None -> '-'."""
    if seconds is None:
        return "-"
    sign = "-" if seconds < 0 else ""
    total = math.floor(abs(seconds) + 0.5)
    index = _unit_index(total)
    if index + 1 < len(UNITS):
        step = UNITS[index + 1][1]
        total = (total + step // 2) // step * step
        index = _unit_index(total)
    unit, size = UNITS[index]
    parts = [f"{total // size}{unit}"]
    if index + 1 < len(UNITS):
        minor_unit, minor = UNITS[index + 1]
        if rest := total % size // minor:
            parts.append(f"{rest}{minor_unit}")
    return sign + " ".join(parts)


def _unit_index(total: int) -> int:
    return next((i for i, (_, size) in enumerate(UNITS) if total >= size), len(UNITS) - 1)


def format_number(value: float | None) -> str:
    """A count statistic: at most two decimals, no trailing zeros ('0.25', '1', '-')."""
    if value is None:
        return "-"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(metric: Metric, value: float | None) -> str:
    return format_number(value) if metric.kind == "count" else format_duration(value)


def format_time(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "-"


# --- text and Markdown -------------------------------------------------------------------------

Row = list[str]


def render_text(data: ReportData) -> str:
    return _render_document(data, _text_heading, _text_table)


def render_markdown(data: ReportData) -> str:
    return _render_document(data, _markdown_heading, _markdown_table)


def _render_document(
    data: ReportData,
    heading: Callable[[str, int], str],
    table: Callable[[Row, list[Row], str], str],
) -> str:
    t = data.totals
    blocks = [
        heading("Ticket metrics report", 1),
        "\n".join(
            [
                f"As of: {format_time(data.as_of)}",
                f"Tickets: {t.tickets:,} ({t.created_in_window:,} created in the export window, "
                f"first {format_time(t.first_created_at)}, last {format_time(t.last_created_at)})",
                f"Resolved or closed now: {t.resolved:,}; unresolved: {t.unresolved:,}; "
                f"reopened at least once: {t.reopened:,}",
                "Statistics per metric: count of tickets, mean, median, p90 "
                "(continuous quantiles).",
            ]
        ),
        heading("Summary", 2),
        table(
            ["Metric", "Over", "Count", "Mean", "Median", "p90"],
            [
                [b.metric.label, b.metric.scope_label, *_stat_cells(b.metric, b.overall)]
                for b in data.breakdowns
            ],
            "llrrrr",
        ),
    ]
    for b in data.breakdowns:
        blocks.append(heading(f"{b.metric.label} (over {b.metric.scope_label})", 2))
        for key, title in DIMENSIONS:
            rows = [[label, *_stat_cells(b.metric, stat)] for label, stat in b.by[key]]
            blocks.append(heading(f"By {title.lower()}", 3))
            blocks.append(table([title, "Count", "Mean", "Median", "p90"], rows, "lrrrr"))
    blocks.append(heading(f"Oldest unresolved tickets (top {OLDEST_UNRESOLVED})", 2))
    blocks.append(
        table(
            ["Ticket", "Created", "Age", "Status", "Priority", "Group", "Agent"],
            [_open_ticket_cells(ticket) for ticket in data.oldest_unresolved],
            "rlrllll",
        )
    )
    return "\n\n".join(blocks) + "\n"


def _stat_cells(metric: Metric, stat: Stat) -> Row:
    return [
        f"{stat.count:,}",
        format_value(metric, stat.mean),
        format_value(metric, stat.median),
        format_value(metric, stat.p90),
    ]


def _open_ticket_cells(ticket: OpenTicket) -> Row:
    return [
        str(ticket.ticket_id),
        format_time(ticket.created_at),
        format_duration(ticket.age_seconds),
        ticket.status or "-",
        _priority_label(ticket.priority),
        ticket.group_name or "(no group)",
        str(ticket.agent_id) if ticket.agent_id is not None else "(unassigned)",
    ]


def _text_heading(title: str, level: int) -> str:
    underline = {1: "=", 2: "-"}.get(level)
    return f"{title}\n{underline * len(title)}" if underline else f"{title}:"


def _text_table(headers: Row, rows: list[Row], align: str) -> str:
    """Columns padded to their widest cell; `align` has one 'l' or 'r' per column."""
    if not rows:
        return "  (none)"
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Row) -> str:
        padded = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        return ("  " + "  ".join(padded)).rstrip()

    return "\n".join([line(headers)] + [line(row) for row in rows])


def _markdown_heading(title: str, level: int) -> str:
    return f"{'#' * level} {title}"


def _markdown_table(headers: Row, rows: list[Row], align: str) -> str:
    if not rows:
        return "_none_"

    def line(cells: Row) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    separator = "|" + "".join(" :--- |" if side == "l" else " ---: |" for side in align)
    return "\n".join([line(headers), separator] + [line(row) for row in rows])


# --- HTML --------------------------------------------------------------------------------------


def render_html(data: ReportData) -> str:
    env = Environment(
        loader=PackageLoader("ticketflow", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        duration=format_duration, number=format_number, time=format_time, priority=_priority_label
    )
    status_metrics = [b for b in data.breakdowns if b.metric.kind == "status"]
    first_response = data.breakdown("first_response_seconds")
    resolution = data.breakdown("resolution_seconds")
    pairs = {
        key: _paired(first_response.by[key], resolution.by[key]) for key in ("group", "priority")
    }
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
                ("Created", [day.created for day in data.days]),
                ("Resolved", [day.resolved for day in data.days]),
            ],
            "Tickets created and resolved per day",
        ),
        "daily_backlog": charts.stacked_area(
            [day.summary_date for day in data.days],
            [(label, [day.backlog[key] for day in data.days]) for key, label in BACKLOG_CATEGORIES],
            "Unresolved backlog at the end of each day, by status",
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
    )


def _paired(
    first: list[tuple[str, Stat]], second: list[tuple[str, Stat]]
) -> list[tuple[str, Stat, Stat]]:
    """Two breakdowns side by side over the union of their labels (first's order first)."""
    a, b = dict(first), dict(second)
    labels = list(a) + [label for label in b if label not in a]
    return [(label, a.get(label, EMPTY), b.get(label, EMPTY)) for label in labels]
