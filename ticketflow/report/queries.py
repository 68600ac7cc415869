"""Everything the report shows, aggregated in DuckDB from the marts into one `ReportData`.

Every aggregate is computed in DuckDB (`quantile_cont`, grouping sets); Python only holds the
few hundred aggregate rows. The data depends on the marts alone (their `as_of`, never the
wall clock), so the same marts give the same report.

The period: the account-local days `since` to `until` (default: every day of the daily
summary). Its tickets are those created on those days (first seen, for tickets created
before the exports); every per-ticket statistic is over them. Counts per day and week come
from the daily summary; the backlog is the state at the end of the period (`end_at`: the end
of `until`, or `as_of` if earlier).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from ticketflow.errors import TicketflowError
from ticketflow.report.catalogue import (
    AGE_BUCKETS,
    AGENTS_SEED,
    DIMENSIONS,
    UNKNOWN_AGE,
    Dimension,
    clean_label,
    priority_label,
)

OLDEST_UNRESOLVED = 10
STATUS_CATEGORIES = "seeds.ticketflow_status_categories"  # the seed, with `is_solved`


class ReportError(TicketflowError):
    """The report cannot be written (unknown format, bad period, unwritable file)."""


@dataclass(frozen=True)
class Period:
    """What the report covers: account-local dates in `time_zone` (the zone the marts' days
    were built in, dbt var `account_time_zone`); None: from the first or to the last day."""

    time_zone: str = "UTC"
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Stat:
    """How many tickets a duration covers, its median and p90 (continuous quantiles)."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Share:
    """SLA statuses of a set of tickets; compliance = met / (met + breached)."""

    met: int
    breached: int
    pending: int

    @property
    def compliance(self) -> float | None:
        decided = self.met + self.breached
        return self.met / decided if decided else None


@dataclass(frozen=True)
class Segment:
    """The period's tickets of one breakdown value (or all of them): counts and statistics."""

    key: object  # the value in the marts (group name, agent id, priority code, ...); None too
    label: str
    tickets: int
    created_in_window: int
    solved: int  # resolved or closed now
    ever_resolved: int  # resolved at least once
    reopened: int  # reopened at least once
    first_response: Stat
    resolution: Stat
    # Tickets created before the exports: each statistic measured from creation leaves out
    # those it would otherwise cover (creation time unknown).
    first_response_left_out: int
    resolution_left_out: int
    # The same endpoints in business seconds (the ticket's calendar), and the SLA statuses.
    first_response_business: Stat
    resolution_business: Stat
    first_response_sla: Share
    resolution_sla: Share

    @property
    def reopen_rate(self) -> float | None:
        """Reopened tickets as a share of tickets resolved at least once."""
        return self.reopened / self.ever_resolved if self.ever_resolved else None


@dataclass(frozen=True)
class Week:
    """An account-local week (Monday first) of the period."""

    week_start: date
    days: int  # days of the week inside the period and the data
    missing_days: int  # of them, days no export covers (their counts are unknown)
    has_partial_day: bool  # holds the as_of day, cut short
    created: int | None  # over the covered days; None: no day of the week is covered
    resolutions: int | None
    first_response: Stat  # over the tickets created in the week
    resolution: Stat
    first_response_sla: Share
    resolution_sla: Share

    @property
    def mark(self) -> str | None:
        """'missing' (no day covered), 'partial' (fewer than 7 whole days known) or None."""
        if self.days == self.missing_days:
            return "missing"
        if self.days < 7 or self.missing_days or self.has_partial_day:
            return "partial"
        return None


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
class OpenTicket:
    ticket_id: int
    created_at: datetime  # account-local
    is_created_in_window: bool  # False: created_at is the first activity seen, not creation
    age_seconds: int
    status: str | None
    status_category: str
    priority: int | None
    group_name: str | None
    agent: str


@dataclass(frozen=True)
class Breach:
    """A ticket of the period past an SLA target: which, by how much."""

    ticket_id: int
    created_at: datetime  # account-local
    priority: int | None
    group_name: str | None
    agent: str
    sla_policy: str
    first_response_breached: bool
    resolution_breached: bool
    overdue_seconds: int  # the larger excess of elapsed clock over target (policy's clock)
    is_business_hours: bool | None


@dataclass(frozen=True)
class Calendar:
    """A business calendar the period's tickets use, as the seeds define it."""

    calendar: str
    tickets: int
    time_zone: str  # the account's when the seed leaves it empty
    hours: str  # 'Mon-Fri 09:00-17:00'
    holidays: int  # holidays of the calendar in the period


@dataclass(frozen=True)
class PolicyTarget:
    """A target row of an SLA policy the period's tickets use."""

    sla_policy: str
    priority: int
    tickets: int  # the period's tickets with this policy and priority
    first_response_target_seconds: int | None
    resolution_target_seconds: int | None
    is_business_hours: bool


@dataclass(frozen=True)
class ReportData:
    period: Period
    as_of: datetime | None  # UTC
    first_day: date | None  # the period's days, clipped to the daily summary's
    last_day: date | None
    end_at: datetime | None  # UTC: the backlog's instant
    overall: Segment
    segments: dict[str, list[Segment]]  # dimension key -> segments, in report order
    weeks: list[Week]
    days: list[Day]
    backlog_categories: tuple[str, ...]  # the unsolved status categories, in column order
    backlog: dict[tuple[str, str], int]  # (status category, age bucket key) -> tickets
    status_unknown: int  # tickets at end_at that never had a status: neither solved nor backlog
    oldest_unresolved: list[OpenTicket]
    agent_names: int  # agents the optional seed names
    breaches: list[Breach]  # the most overdue
    breached: int  # tickets of the period past a target
    calendars: list[Calendar]
    policies: list[PolicyTarget]
    unknown_policy_tickets: int  # the period's tickets whose policy and priority have no row

    @property
    def resolutions(self) -> int:
        return sum(day.resolved for day in self.days if not day.is_missing)

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog.values())


def collect(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> ReportData:
    """Everything the text, Markdown, HTML and CSV reports show, aggregated in DuckDB."""
    period = period or Period()
    if period.since and period.until and period.since > period.until:
        raise _usage_error(f"--since {period.since} is after --until {period.until}")
    zone = _literal(period.time_zone)
    _check_time_zone(con, zone, period.time_zone)
    categories = _backlog_categories(con)
    as_of = con.execute("select max(as_of) from marts.dim_tickets").fetchone()[0]
    first_day, last_day = con.execute(
        "select min(summary_date), max(summary_date) from marts.fct_daily_ticket_summary"
        " where summary_date between coalesce(?, date '0001-01-01')"
        " and coalesce(?, date '9999-12-31')",
        [period.since, period.until],
    ).fetchone()
    since = period.since or first_day
    until = period.until or last_day
    names = _agent_names(con)
    tickets = _period_tickets(zone, names)
    bounds = [since, until]
    end_at = _end_at(con, zone, as_of, period.until)
    segments = _segments(con, tickets, bounds, names)
    return ReportData(
        period=period,
        as_of=as_of,
        first_day=first_day,
        last_day=last_day,
        end_at=end_at,
        overall=segments.pop("overall")[0],
        segments=segments,
        weeks=_weeks(con, tickets, bounds),
        days=_days(con, categories, bounds),
        backlog_categories=categories,
        backlog=_backlog(con, categories, end_at),
        status_unknown=_status_unknown(con, end_at),
        oldest_unresolved=_oldest_unresolved(con, categories, end_at, zone, names),
        agent_names=con.execute(f"select count(*) from {names}").fetchone()[0],
        **_sla(con, tickets, bounds, zone, names, period.time_zone),
    )


def has_status_categories(con: duckdb.DuckDBPyConnection) -> bool:
    """Does the database hold the status categories seed (dbt builds it with the marts)?"""
    return _has_table(con, STATUS_CATEGORIES)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        """
        select count(*)
        from information_schema.tables
        where table_catalog = current_database() and table_schema = ? and table_name = ?
        """,
        name.split("."),
    ).fetchone()
    return row[0] > 0


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _local(column: str, zone: str) -> str:
    """SQL: the account-local wall time of a UTC timestamp column."""
    return f"cast(({column} at time zone 'UTC') at time zone {zone} as timestamp)"


def _check_time_zone(con: duckdb.DuckDBPyConnection, zone: str, name: str) -> None:
    """The report's local days must be the marts' days: the tickets created on each day in
    `zone` must be the daily summary's `tickets_created`, or the zone is not the build's."""
    try:
        row = con.execute(
            f"""
            with created as (
                select cast({_local("created_at", zone)} as date) as summary_date,
                    count(*) as tickets_created
                from marts.fct_ticket_metrics
                where is_created_in_window
                group by summary_date
            )
            select count(*), min(coalesce(summary.summary_date, created.summary_date))
            from created
            full outer join marts.fct_daily_ticket_summary as summary
                on created.summary_date = summary.summary_date
            where coalesce(created.tickets_created, 0) <> coalesce(summary.tickets_created, 0)
            """
        ).fetchone()
    except duckdb.InvalidInputException:
        raise _usage_error(f"unknown time zone {name!r}") from None
    if row[0]:
        raise _usage_error(
            f"the marts count days in another time zone than {name} (tickets created on {row[1]}"
            " differ); give the report the zone they were built with: --time-zone"
        )


def _usage_error(message: str) -> ReportError:
    """A ReportError for a period or zone the marts cannot give: nothing could start (2)."""
    error = ReportError(message)
    error.exit_code = 2
    return error


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


def _agent_names(con: duckdb.DuckDBPyConnection) -> str:
    """SQL relation (agent_id, agent_name): the optional seed, one name per id; empty when the
    database has no such seed (built before it existed)."""
    if not _has_table(con, AGENTS_SEED):
        return "(select null::bigint as agent_id, null::varchar as agent_name where false)"
    return (
        f"(select agent_id, min(name) as agent_name from {AGENTS_SEED}"
        " where agent_id is not null and nullif(trim(name), '') is not null group by agent_id)"
    )


def _period_tickets(zone: str, names: str) -> str:
    """SQL: the period's tickets (parameters: since, until), with their breakdown columns."""
    created_date = f"cast({_local('metrics.created_at', zone)} as date)"
    return f"""
        select metrics.*, tickets.source, tickets.source_name, tickets.ticket_type,
            tickets.issue_type, tickets.product, names.agent_name,
            {created_date} as created_date
        from marts.fct_ticket_metrics as metrics
        inner join marts.dim_tickets as tickets on metrics.ticket_id = tickets.ticket_id
        left join {names} as names on metrics.agent_id = names.agent_id
        where {created_date} between ? and ?
    """


def _end_at(
    con: duckdb.DuckDBPyConnection, zone: str, as_of: datetime | None, until: date | None
) -> datetime | None:
    if as_of is None or until is None:
        return as_of
    midnight = con.execute(
        f"select cast((cast(? as timestamp) at time zone {zone}) at time zone 'UTC' as timestamp)",
        [until + timedelta(days=1)],
    ).fetchone()[0]
    return min(as_of, midnight)


SLA_COUNTS = """
    count(*) filter (where first_response_sla_status = 'met'),
    count(*) filter (where first_response_sla_status = 'breached'),
    count(*) filter (where first_response_sla_status = 'pending'),
    count(*) filter (where resolution_sla_status = 'met'),
    count(*) filter (where resolution_sla_status = 'breached'),
    count(*) filter (where resolution_sla_status = 'pending')
"""
STATISTICS = (
    """
    count(*) as tickets,
    count(*) filter (where is_created_in_window) as created_in_window,
    count(*) filter (where is_resolved) as solved,
    count(*) filter (where resolution_count > 0) as ever_resolved,
    count(*) filter (where reopen_count > 0) as reopened,
    count(first_response_seconds),
    quantile_cont(first_response_seconds, [0.5, 0.9]),
    count(resolution_seconds),
    quantile_cont(resolution_seconds, [0.5, 0.9]),
    count(*) filter (where not is_created_in_window and first_response_at is not null),
    count(*) filter (where not is_created_in_window and is_resolved),
    count(first_response_business_seconds),
    quantile_cont(first_response_business_seconds, [0.5, 0.9]),
    count(resolution_business_seconds),
    quantile_cont(resolution_business_seconds, [0.5, 0.9]),
"""
    + SLA_COUNTS
)


def _stat(count: int, quantiles: list[float] | None) -> Stat:
    median, p90 = quantiles or (None, None)
    return Stat(count, median, p90)


def _segments(
    con: duckdb.DuckDBPyConnection, tickets: str, bounds: list, names: str
) -> dict[str, list[Segment]]:
    """The overall segment ('overall') and one list per dimension, in report order."""
    columns = [d.column for d in DIMENSIONS]
    which = " ".join(f"when grouping({d.column}) = 0 then '{d.key}'" for d in DIMENSIONS)
    sets = ", ".join(["()", *(f"({column})" for column in columns)])
    rows = con.execute(
        f"""
        with period_tickets as ({tickets})
        select
            case {which} else 'overall' end as dimension,
            {", ".join(columns)},
            any_value(source_name),
            any_value(agent_name),
            {STATISTICS}
        from period_tickets
        group by grouping sets ({sets})
        """,
        bounds,
    ).fetchall()
    found: dict[str, list[Segment]] = {"overall": [], **{d.key: [] for d in DIMENSIONS}}
    dimensions = {d.key: d for d in DIMENSIONS}
    for dimension, *values in rows:
        keys, (source_name, agent_name, *numbers) = values[: len(columns)], values[len(columns) :]
        if dimension == "overall":
            key, label = None, "All tickets"
        else:
            key = keys[columns.index(dimensions[dimension].column)]
            label = _label(dimensions[dimension], key, source_name, agent_name)
        found[dimension].append(_segment(key, label, numbers))
    for dimension in DIMENSIONS:
        found[dimension.key].sort(key=_order(dimension.key))
    return found


def _segment(key: object, label: str, numbers: list) -> Segment:
    tickets, created, solved, ever, reopened, fr_n, fr_q, res_n, res_q, fr_out, res_out = numbers[
        :11
    ]
    fr_bn, fr_bq, res_bn, res_bq, *sla = numbers[11:]
    return Segment(
        key,
        label,
        tickets,
        created,
        solved,
        ever,
        reopened,
        _stat(fr_n, fr_q),
        _stat(res_n, res_q),
        fr_out,
        res_out,
        _stat(fr_bn, fr_bq),
        _stat(res_bn, res_bq),
        Share(*sla[:3]),
        Share(*sla[3:]),
    )


def _label(dimension: Dimension, key: object, source_name: str | None, agent: str | None) -> str:
    if key is None:
        return dimension.none_label
    if dimension.key == "priority":
        return priority_label(key)
    if dimension.key == "channel":
        return clean_label(source_name) if source_name else f"source {key}"
    if dimension.key == "agent":
        return clean_label(agent) if agent else f"Agent {key}"
    return clean_label(key) or "(blank)"


def _order(dimension: str):
    """Groups and agents ranked by tickets solved, priorities most urgent first, the rest by
    size; ties by label, then key, so the order never depends on the engine."""
    if dimension == "priority":
        return lambda s: (s.key is None, -(s.key or 0))
    if dimension in ("group", "agent"):
        return lambda s: (s.key is None, -s.solved, -s.tickets, s.label, str(s.key))
    return lambda s: (s.key is None, -s.tickets, s.label, str(s.key))


def _weeks(con: duckdb.DuckDBPyConnection, tickets: str, bounds: list) -> list[Week]:
    rows = con.execute(
        f"""
        with period_tickets as ({tickets}),
        days as (
            select summary_date, cast(date_trunc('week', summary_date) as date) as week_start,
                tickets_created, resolutions, has_export_window is not distinct from false
                    as is_missing,
                coalesce(is_partial_day, false) as is_partial_day
            from marts.fct_daily_ticket_summary
            where summary_date between ? and ?
        ),
        weeks as (
            select week_start, count(*) as days, count(*) filter (where is_missing),
                bool_or(is_partial_day) as has_partial_day,
                sum(tickets_created) filter (where not is_missing) as created,
                sum(resolutions) filter (where not is_missing) as resolutions
            from days
            group by week_start
        ),
        cohorts as (
            select cast(date_trunc('week', created_date) as date) as week_start,
                count(first_response_seconds) as first_responses,
                quantile_cont(first_response_seconds, [0.5, 0.9]) as first_response,
                count(resolution_seconds) as resolutions,
                quantile_cont(resolution_seconds, [0.5, 0.9]) as resolution,
                {SLA_COUNTS}
            from period_tickets
            group by week_start
        )
        select weeks.*, coalesce(cohorts.first_responses, 0), cohorts.first_response,
            coalesce(cohorts.resolutions, 0), cohorts.resolution,
            cohorts.* exclude (week_start, first_responses, first_response, resolutions,
                resolution)
        from weeks
        left join cohorts on weeks.week_start = cohorts.week_start
        order by weeks.week_start
        """,
        [*bounds, *bounds],
    ).fetchall()
    return [
        Week(
            start,
            days,
            missing,
            partial,
            created,
            resolved,
            _stat(fr_n, fr),
            _stat(res_n, res),
            Share(*(count or 0 for count in sla[:3])),
            Share(*(count or 0 for count in sla[3:])),
        )
        for start, days, missing, partial, created, resolved, fr_n, fr, res_n, res, *sla in rows
    ]


def _days(con: duckdb.DuckDBPyConnection, categories: tuple[str, ...], bounds: list) -> list[Day]:
    backlog = "".join(f", backlog_{category}" for category in categories)
    rows = con.execute(
        f"""
        select summary_date, tickets_created, resolutions, has_export_window,
            coalesce(is_partial_day, false){backlog}
        from marts.fct_daily_ticket_summary
        where summary_date between ? and ?
        order by summary_date
        """,
        bounds,
    ).fetchall()
    return [
        Day(day, created, resolved, dict(zip(categories, rest, strict=True)), covered, partial)
        for day, created, resolved, covered, partial, *rest in rows
    ]


def _at_end(categories: tuple[str, ...]) -> str:
    """SQL: the tickets in an unsolved status at `end_at` (parameter) and their age bucket."""
    buckets = " ".join(
        f"when age_seconds < {days * 86_400} then '{key}'"
        for key, _, days in AGE_BUCKETS
        if days is not None
    )
    unsolved = ", ".join(_literal(category) for category in categories) or "null"
    return f"""
        select *,
            case when not is_created_in_window then '{UNKNOWN_AGE[0]}' {buckets}
                else '{AGE_BUCKETS[-1][0]}' end as age_bucket
        from (
            select intervals.ticket_id, intervals.status, intervals.status_category,
                metrics.created_at, metrics.is_created_in_window, metrics.priority,
                metrics.group_name, metrics.agent_id,
                date_diff('second', metrics.created_at, ending.end_at) as age_seconds
            from marts.fct_ticket_status_intervals as intervals
            cross join (select cast(? as timestamp) as end_at) as ending
            inner join marts.fct_ticket_metrics as metrics
                on intervals.ticket_id = metrics.ticket_id
            where intervals.started_at <= ending.end_at
                and (intervals.ended_at > ending.end_at or intervals.is_current)
                and intervals.status_category in ({unsolved})
        )
    """


def _backlog(
    con: duckdb.DuckDBPyConnection, categories: tuple[str, ...], end_at: datetime | None
) -> dict[tuple[str, str], int]:
    rows = con.execute(
        f"select status_category, age_bucket, count(*) from ({_at_end(categories)})"
        " group by all order by all",
        [end_at],
    ).fetchall()
    return {(category, bucket): count for category, bucket, count in rows}


def _status_unknown(con: duckdb.DuckDBPyConnection, end_at: datetime | None) -> int:
    """Tickets that existed at `end_at` in no status interval (no status exported yet)."""
    return con.execute(
        """
        select count(*)
        from marts.fct_ticket_metrics as metrics
        where metrics.created_at <= cast($1 as timestamp)
            and not exists (
                select 1
                from marts.fct_ticket_status_intervals as intervals
                where intervals.ticket_id = metrics.ticket_id
                    and intervals.started_at <= cast($1 as timestamp)
                    and (intervals.ended_at > cast($1 as timestamp) or intervals.is_current)
            )
        """,
        [end_at],
    ).fetchone()[0]


def _oldest_unresolved(
    con: duckdb.DuckDBPyConnection,
    categories: tuple[str, ...],
    end_at: datetime | None,
    zone: str,
    names: str,
) -> list[OpenTicket]:
    rows = con.execute(
        f"""
        select backlog.ticket_id, {_local("backlog.created_at", zone)},
            backlog.is_created_in_window, backlog.age_seconds, backlog.status,
            backlog.status_category, backlog.priority, backlog.group_name, backlog.agent_id,
            names.agent_name
        from ({_at_end(categories)}) as backlog
        left join {names} as names on backlog.agent_id = names.agent_id
        order by backlog.created_at, backlog.ticket_id
        limit {OLDEST_UNRESOLVED}
        """,
        [end_at],
    ).fetchall()
    agent = next(d for d in DIMENSIONS if d.key == "agent")
    return [
        OpenTicket(
            ticket_id,
            created,
            in_window,
            age,
            clean_label(status) if status is not None else None,
            category,
            priority,
            clean_label(group) if group is not None else None,
            _label(agent, agent_id, None, name),
        )
        for (
            ticket_id,
            created,
            in_window,
            age,
            status,
            category,
            priority,
            group,
            agent_id,
            name,
        ) in rows
    ]


SEEDS = {
    "hours": "seeds.ticketflow_business_hours",
    "holidays": "seeds.ticketflow_holidays",
    "policies": "seeds.ticketflow_sla_policies",
}
BREACHES_SHOWN = 10
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _sla(
    con: duckdb.DuckDBPyConnection,
    tickets: str,
    bounds: list,
    zone: str,
    names: str,
    account_zone: str,
) -> dict:
    """The SLA breaches and the calendars and policies the period's tickets use."""
    overdue = """greatest(
        case when first_response_sla_status = 'breached' then first_response_sla_elapsed_seconds
            - period_tickets.first_response_target_seconds end,
        case when resolution_sla_status = 'breached' then resolution_sla_elapsed_seconds
            - period_tickets.resolution_target_seconds end)"""
    breached = "first_response_sla_status = 'breached' or resolution_sla_status = 'breached'"
    rows = con.execute(
        f"""
        with period_tickets as ({tickets})
        select ticket_id, {_local("created_at", zone)}, period_tickets.priority, group_name,
            agent_id, agent_name, applied_sla_policy, first_response_sla_status = 'breached',
            resolution_sla_status = 'breached', {overdue} as overdue,
            policies.is_business_hours
        from period_tickets
        left join {SEEDS["policies"]} as policies
            on period_tickets.applied_sla_policy = policies.sla_policy
            and period_tickets.priority = policies.priority
        where {breached}
        order by overdue desc, ticket_id
        limit {BREACHES_SHOWN}
        """,
        bounds,
    ).fetchall()
    agent = next(d for d in DIMENSIONS if d.key == "agent")
    breaches = [
        Breach(
            ticket_id,
            created,
            priority,
            clean_label(group) if group is not None else None,
            _label(agent, agent_id, None, name),
            clean_label(policy),
            bool(first),
            bool(resolution),
            late,
            business,
        )
        for (
            ticket_id,
            created,
            priority,
            group,
            agent_id,
            name,
            policy,
            first,
            resolution,
            late,
            business,
        ) in rows
    ]
    count = con.execute(
        f"with period_tickets as ({tickets}) select count(*) from period_tickets where {breached}",
        bounds,
    ).fetchone()[0]
    return {
        "breaches": breaches,
        "breached": count,
        "calendars": _calendars(con, tickets, bounds, account_zone),
        **_policies(con, tickets, bounds),
    }


def _calendars(
    con: duckdb.DuckDBPyConnection, tickets: str, bounds: list, account_zone: str
) -> list[Calendar]:
    used = con.execute(
        f"""
        with period_tickets as ({tickets})
        select business_calendar, count(*) from period_tickets
        group by business_calendar order by business_calendar nulls last
        """,
        bounds,
    ).fetchall()
    hours = con.execute(
        f"""
        select calendar, time_zone, weekday, cast(start_time as varchar),
            cast(end_time as varchar)
        from {SEEDS["hours"]}
        order by calendar, weekday, start_time, end_time
        """
    ).fetchall()
    holidays = dict(
        con.execute(
            f"""
            select calendar, count(*) from {SEEDS["holidays"]}
            where holiday_date between ? and ?
            group by calendar
            """,
            bounds,
        ).fetchall()
    )
    calendars = []
    for calendar, tickets_count in used:
        rows = [row for row in hours if row[0] == calendar]
        zones = sorted({(row[1] or "").strip() or account_zone for row in rows})
        calendars.append(
            Calendar(
                clean_label(calendar) if calendar is not None else "(none)",
                tickets_count,
                ", ".join(zones) or "-",
                _hours_label([(weekday, start, end) for _, _, weekday, start, end in rows]),
                holidays.get(calendar, 0),
            )
        )
    return calendars


def _hours_label(rows: list[tuple[int, str, str]]) -> str:
    """Working periods by weekday, runs of days with the same hours joined: 'Mon-Fri
    09:00-17:00'; none: 'no working hours'."""
    by_day: dict[int, str] = {}
    for weekday, start, end in rows:
        period = f"{str(start)[:5]}-{str(end)[:5]}"
        by_day[weekday] = f"{by_day[weekday]}, {period}" if weekday in by_day else period
    runs: list[list] = []
    for weekday in sorted(by_day):
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == by_day[weekday]:
            runs[-1][1] = weekday
        else:
            runs.append([weekday, weekday, by_day[weekday]])
    parts = [
        f"{WEEKDAYS[first - 1]}{'-' + WEEKDAYS[last - 1] if last > first else ''} {hours}"
        for first, last, hours in runs
    ]
    return "; ".join(parts) or "no working hours"


def _policies(con: duckdb.DuckDBPyConnection, tickets: str, bounds: list) -> dict:
    rows = con.execute(
        f"""
        with period_tickets as ({tickets}),
        used as (
            select applied_sla_policy as sla_policy, priority, count(*) as tickets
            from period_tickets
            group by applied_sla_policy, priority
        )
        select policies.sla_policy, policies.priority, coalesce(used.tickets, 0),
            policies.first_response_target_seconds, policies.resolution_target_seconds,
            policies.is_business_hours
        from {SEEDS["policies"]} as policies
        left join used
            on policies.sla_policy = used.sla_policy and policies.priority = used.priority
        where policies.sla_policy in (select sla_policy from used)
        order by policies.sla_policy, policies.priority desc
        """,
        bounds,
    ).fetchall()
    unknown = con.execute(
        f"""
        with period_tickets as ({tickets})
        select count(*) from period_tickets
        where not exists (
            select 1 from {SEEDS["policies"]} as policies
            where policies.sla_policy = period_tickets.applied_sla_policy
                and policies.priority = period_tickets.priority
        )
        """,
        bounds,
    ).fetchone()[0]
    policies = [PolicyTarget(clean_label(policy), *rest) for policy, *rest in rows]
    return {"policies": policies, "unknown_policy_tickets": unknown}
