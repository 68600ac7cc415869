"""Everything the report shows, aggregated in DuckDB from the marts into one `ReportData`.

Every aggregate is computed in DuckDB (`quantile_cont`, grouping sets); Python only holds the
few hundred aggregate rows. The data depends on the marts alone (their `as_of`, never the
wall clock), so the same marts give the same report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from ticketflow.report.catalogue import DIMENSIONS, METRICS, Metric, priority_label

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
OLDEST_UNRESOLVED = 10
STATUS_CATEGORIES = "seeds.ticketflow_status_categories"  # the seed, with `is_solved`


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
    unresolved: int  # with a status, not solved: the as_of day's backlog_unresolved
    status_unknown: int  # never exported a status: neither resolved nor backlog
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
    summary_date: date  # the account-local date
    created: int
    resolved: int
    backlog: dict[str, int]  # status category -> tickets in it at the end of the day
    has_export_window: bool | None  # False: exports have windows but none covers this day
    is_partial_day: bool  # the as_of day, cut before its end

    @property
    def is_missing(self) -> bool:
        """No export covers the day: its counts are unknown, not zero."""
        return self.has_export_window is False


@dataclass(frozen=True)
class ReportData:
    as_of: datetime | None
    totals: Totals
    breakdowns: list[Breakdown]
    oldest_unresolved: list[OpenTicket]
    # Metric column -> tickets it leaves out because they were created before the exports.
    left_out: dict[str, int]
    backlog_categories: tuple[str, ...]  # the unsolved status categories, in column order
    days: list[Day]

    def breakdown(self, column: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.metric.column == column)


def collect(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the text, Markdown and HTML reports show, aggregated in DuckDB."""
    categories = _backlog_categories(con)
    return ReportData(
        as_of=_as_of(con),
        totals=_totals(con),
        breakdowns=_breakdowns(con),
        oldest_unresolved=_oldest_unresolved(con),
        left_out=_left_out(con),
        backlog_categories=categories,
        days=_days(con, categories),
    )


def has_status_categories(con: duckdb.DuckDBPyConnection) -> bool:
    """Does the database hold the status categories seed (dbt builds it with the marts)?"""
    row = con.execute(
        """
        select count(*)
        from information_schema.tables
        where table_catalog = current_database() and table_schema = ? and table_name = ?
        """,
        STATUS_CATEGORIES.split("."),
    ).fetchone()
    return row[0] > 0


def _backlog_categories(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The unsolved status categories: the daily summary's `backlog_<category>` columns in
    their order, kept when the status categories seed says the category is not solved."""
    rows = con.execute(
        f"""
        select categories.status_category
        from information_schema.columns as summary_columns
        inner join {STATUS_CATEGORIES} as categories
            on summary_columns.column_name = 'backlog_' || categories.status_category
        where summary_columns.table_catalog = current_database()
            and summary_columns.table_schema = 'marts'
            and summary_columns.table_name = 'fct_daily_ticket_summary'
            and not categories.is_solved
        order by summary_columns.ordinal_position
        """
    ).fetchall()
    return tuple(category for (category,) in rows)


def _as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    return con.execute("select max(as_of) from marts.dim_tickets").fetchone()[0]


def _totals(con: duckdb.DuckDBPyConnection) -> Totals:
    row = con.execute(
        """
        select
            count(*),
            count(*) filter (where is_created_in_window),
            count(*) filter (where is_resolved),
            count(*) filter (where status_category is not null and not is_resolved),
            count(*) filter (where status_category is null),
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
            "priority": priority_label(priority),
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


def _left_out(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    measured = [metric for metric in METRICS if metric.left_out]
    if not measured:
        return {}
    counts = ", ".join(f"count(*) filter (where {metric.left_out})" for metric in measured)
    row = con.execute(f"select {counts} from marts.fct_ticket_metrics").fetchone()
    return {metric.column: count for metric, count in zip(measured, row, strict=True)}


def _oldest_unresolved(con: duckdb.DuckDBPyConnection) -> list[OpenTicket]:
    rows = con.execute(
        """
        select ticket_id, created_at, date_diff('second', created_at, as_of), status, priority,
            group_name, agent_id
        from marts.fct_ticket_metrics
        where status_category is not null and not is_resolved
        order by created_at, ticket_id
        limit ?
        """,
        [OLDEST_UNRESOLVED],
    ).fetchall()
    return [OpenTicket(*row) for row in rows]


def _days(con: duckdb.DuckDBPyConnection, categories: tuple[str, ...]) -> list[Day]:
    backlog = "".join(f", backlog_{category}" for category in categories)
    rows = con.execute(
        f"""
        select summary_date, tickets_created, resolutions, has_export_window,
            coalesce(is_partial_day, false){backlog}
        from marts.fct_daily_ticket_summary
        order by summary_date
        """
    ).fetchall()
    return [
        Day(day, created, resolved, dict(zip(categories, rest, strict=True)), covered, partial)
        for day, created, resolved, covered, partial, *rest in rows
    ]
