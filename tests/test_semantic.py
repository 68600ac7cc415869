"""The MetricFlow semantic layer (dbt_project/models/semantic/): `mf validate-configs`, and
`mf query` results checked against SQL on the marts of a real-files build.

metric_time is account-local time: the expected values below convert the marts' UTC columns
into the build's zone, and the ticket counts are also checked against the daily summary, whose
local days dbt computes on its own."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import PublishedBuild

pytestmark = pytest.mark.slow

MF = Path(sys.executable).with_name("mf")
METRICS = (
    "tickets_created",
    "tickets_resolved",
    "resolutions",
    "reopens",
    "reopen_rate",
    "first_response_seconds_median",
    "first_response_seconds_p90",
    "resolution_seconds_median",
    "first_response_business_seconds_median",
    "first_response_sla_compliance",
    "resolution_sla_compliance",
    "backlog_unresolved",
)


def mf(build: PublishedBuild, *args: str) -> subprocess.CompletedProcess[str]:
    """`mf ARGS` in the build's project directory, on its working file."""
    return subprocess.run(
        [str(MF), *args],
        cwd=build.project,
        env={**os.environ, "TICKETFLOW_DB": str(build.db)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def mf_query(build: PublishedBuild, tmp_path: Path, metrics: tuple[str, ...], group_by: str):
    """`mf query` as {group: {metric: value}}: numbers as float, empty cells as None."""
    out = tmp_path / "query.csv"
    result = mf(
        build,
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        group_by,
        "--csv",
        str(out),
        "--quiet",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with out.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows, "mf query returned no rows"
    return {
        row[group_by]: {metric: float(row[metric]) if row[metric] else None for metric in metrics}
        for row in rows
    }


def local(build: PublishedBuild, column: str) -> str:
    """SQL: the UTC timestamp `column` in the build's account zone."""
    return f"(({column} at time zone 'UTC') at time zone '{build.time_zone}')"


def rows_by_key(db: Path, sql: str) -> dict:
    """{first column: the other columns as a tuple} of a query on the marts."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {row[0]: row[1:] for row in con.execute(sql).fetchall()}


def week_key(value: object) -> str:
    """A week's (or day's) date, `YYYY-MM-DD`, from a date, a timestamp or mf's text."""
    return str(value)[:10]


def close(got: float | None, expected: float | None) -> bool:
    """Equal, or both null (an empty group: no ticket had the measure)."""
    if got is None or expected is None:
        return got is expected
    return got == pytest.approx(expected)


def test_mf_validate_configs_passes_without_warnings(published_build: PublishedBuild) -> None:
    result = mf(published_build, "validate-configs")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # One summary per step: semantics, then semantic models, dimensions, entities, measures
    # and metrics against the warehouse (each queried there).
    counts = re.findall(r"ERRORS: (\d+), FUTURE_ERRORS: (\d+), WARNINGS: (\d+)", output)
    assert len(counts) == 6, output
    assert all(count == ("0", "0", "0") for count in counts), output


def test_weekly_metrics_agree_with_the_marts(
    published_build: PublishedBuild, tmp_path: Path
) -> None:
    db = published_build.db
    got = {
        week_key(week): values
        for week, values in mf_query(
            published_build, tmp_path, METRICS, "metric_time__week"
        ).items()
    }
    created_local = local(published_build, "created_at")
    started_local = local(published_build, "started_at")
    tickets = rows_by_key(
        db,
        f"""
        select
            date_trunc('week', {created_local}),
            sum(case when is_created_in_window then 1 else 0 end),
            median(first_response_seconds),
            quantile_cont(first_response_seconds, 0.9),
            median(resolution_seconds),
            median(first_response_business_seconds),
            count(*) filter (where first_response_sla_status = 'met'),
            count(*) filter (where first_response_sla_status in ('met', 'breached')),
            count(*) filter (where resolution_sla_status = 'met'),
            count(*) filter (where resolution_sla_status in ('met', 'breached'))
        from marts.fct_ticket_metrics
        group by all
        """,
    )
    intervals = rows_by_key(
        db,
        f"""
        select
            date_trunc('week', {started_local}),
            count(distinct ticket_id) filter (where is_resolution),
            count(*) filter (where is_resolution),
            count(*) filter (where is_reopen)
        from marts.fct_ticket_status_intervals
        group by all
        """,
    )
    days = rows_by_key(
        db,
        """
        select
            date_trunc('week', summary_date),
            sum(tickets_created),
            sum(resolutions),
            sum(reopens),
            arg_max(backlog_unresolved, summary_date)
        from marts.fct_daily_ticket_summary
        group by all
        """,
    )
    weeks = sorted({week_key(week) for week in (*tickets, *intervals, *days)})
    assert sorted(got) == weeks and len(weeks) >= 3
    for week, values in got.items():
        created, median, p90, resolution, business_median, *sla = _at(tickets, week)
        response_met, response_decided, resolution_met, resolution_decided = sla
        resolved, resolutions, reopens = _at(intervals, week)
        day_created, day_resolutions, day_reopens, backlog = _at(days, week)
        # The daily summary counts the same events on its own local days.
        assert (day_created, day_resolutions, day_reopens) == (created, resolutions, reopens)
        expected = {
            "tickets_created": created,
            "tickets_resolved": resolved,
            "resolutions": resolutions,
            "reopens": reopens,
            "reopen_rate": reopens / resolutions if resolutions else None,
            "first_response_seconds_median": median,
            "first_response_seconds_p90": p90,
            "resolution_seconds_median": resolution,
            "first_response_business_seconds_median": business_median,
            "first_response_sla_compliance": (
                response_met / response_decided if response_decided else None
            ),
            "resolution_sla_compliance": (
                resolution_met / resolution_decided if resolution_decided else None
            ),
            "backlog_unresolved": backlog,
        }
        for metric in METRICS:
            assert close(values[metric], expected[metric]), (week, metric, values, expected)
    # The data can tell the medians apart from ones that counted the tickets created before
    # the exports (their creation metrics are null) as 0.
    zero_filled = rows_by_key(
        db,
        f"""
        select
            date_trunc('week', {created_local}),
            median(case when is_created_in_window then first_response_seconds else 0 end)
        from marts.fct_ticket_metrics
        where first_response_at is not null
        group by all
        """,
    )
    assert any(
        not close(got[week_key(week)]["first_response_seconds_median"], median)
        for week, (median,) in zero_filled.items()
    )
    # and every SLA status counts somewhere: met, breached, pending and none
    statuses = rows_by_key(
        db,
        "select first_response_sla_status, count(*) from marts.fct_ticket_metrics group by all",
    )
    assert set(statuses) == {"met", "breached", "pending", None}


def test_daily_metrics_are_the_daily_summary(
    published_build: PublishedBuild, tmp_path: Path
) -> None:
    """metric_time__day is the account-local day: the summary's days, counted by dbt."""
    metrics = ("tickets_created", "resolutions", "reopens", "backlog_unresolved")
    got = mf_query(published_build, tmp_path, metrics, "metric_time__day")
    summary = rows_by_key(
        published_build.db,
        "select summary_date, tickets_created, resolutions, reopens, backlog_unresolved "
        "from marts.fct_daily_ticket_summary",
    )
    assert sorted(week_key(day) for day in got) == sorted(str(day) for day in summary)
    for day, values in got.items():
        # A day with no ticket created (or no status change) has no row to sum: null, not 0.
        counts = tuple(int(values[metric] or 0) for metric in metrics)
        assert counts == summary[date.fromisoformat(week_key(day))], day


def test_metrics_by_a_ticket_dimension_agree_with_the_marts(
    published_build: PublishedBuild, tmp_path: Path
) -> None:
    metrics = ("tickets_created", "tickets_resolved", "first_response_seconds_median")
    got = mf_query(published_build, tmp_path, metrics, "ticket__priority_name")
    expected = rows_by_key(
        published_build.db,
        """
        with resolved as (
            select distinct ticket_id
            from marts.fct_ticket_status_intervals
            where is_resolution
        )
        select
            coalesce(tickets.priority_name, ''),
            sum(case when metrics.is_created_in_window then 1 else 0 end),
            count(resolved.ticket_id),
            median(metrics.first_response_seconds)
        from marts.fct_ticket_metrics as metrics
        inner join marts.dim_tickets as tickets on metrics.ticket_id = tickets.ticket_id
        left join resolved on metrics.ticket_id = resolved.ticket_id
        group by all
        """,
    )
    assert sorted(got) == sorted(expected) and len(expected) >= 2
    for name, (created, resolved, median) in expected.items():
        assert got[name]["tickets_created"] == created, name
        assert (got[name]["tickets_resolved"] or 0) == resolved, name
        assert close(got[name]["first_response_seconds_median"], median), name


def _at(rows: dict, week: str) -> tuple:
    """The row of `week` (a date string) in rows keyed by a date or timestamp."""
    matches = [values for key, values in rows.items() if week_key(key) == week]
    assert len(matches) <= 1, week
    return matches[0] if matches else (None,) * len(next(iter(rows.values())))
