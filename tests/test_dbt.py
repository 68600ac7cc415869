"""The dbt project end to end: real Freshdesk files -> loader -> dbt build -> marts.

One session-scoped build of the twelve real fixture files is shared by the asserting tests
(each dbt build costs seconds). Expected values are computed here, from the files, by a
direct reading of SPEC.md's definitions (`expected_ticket`), independent of the SQL.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.dbt import DbtError, DbtRun, build, format_as_of, unit_tests
from ticketflow.report import Period, write_report

MARTS = (
    "dim_tickets",
    "fct_ticket_activities",
    "dim_ticket_details",
    "fct_ticket_status_intervals",
    "fct_ticket_metrics",
    "fct_daily_ticket_summary",
)
# The status names of the real files and their categories (the seed's mapping).
CATEGORIES = (
    "open",
    "pending",
    "waiting_on_customer",
    "waiting_on_third_party",
    "resolved",
    "closed",
    "other",
)
CATEGORY = {
    "Open": "open",
    "Pending": "pending",
    "Esperando por cliente": "waiting_on_customer",
    "Resolved": "resolved",
    "Closed": "closed",
}
SOLVED = {"resolved", "closed"}
# The real account's zone: its export windows are its local days (06:00 UTC = midnight).
REAL_TIME_ZONE = "America/Mexico_City"

pytestmark = pytest.mark.slow


# --- reading the files the way SPEC.md describes them ------------------------------------------


def export_time(text: str) -> datetime:
    """Export time text, e.g. `15-04-2026 13:09:20 +0000`, as a naive UTC datetime."""
    moment = datetime.strptime(text, "%d-%m-%Y %H:%M:%S %z")
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Activity:
    performed_at: datetime
    file_order: int
    position: int
    ticket_id: int
    performer_type: str
    performer_id: int | None
    activity: dict = field(hash=False)


def read_export(path: Path) -> dict:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def read_activities(paths: list[Path]) -> tuple[list[Activity], datetime]:
    """Unique activities in SPEC order (time, file load order, position) and the files' as_of.

    Files load in order of metadata.start_at, then path; an identical record in a later file
    (same text, same occurrence index) is the same activity.
    """
    exports = sorted(
        ((read_export(path), path) for path in paths),
        key=lambda item: (export_time(item[0]["metadata"]["start_at"]), str(item[1])),
    )
    seen: set[tuple[str, int]] = set()
    activities = []
    for file_order, (export, _path) in enumerate(exports, 1):
        occurrences: dict[str, int] = {}
        for position, record in enumerate(export["activities_data"], 1):
            text = json.dumps(record, sort_keys=True)
            occurrences[text] = occurrences.get(text, 0) + 1
            if (text, occurrences[text]) in seen:
                continue
            seen.add((text, occurrences[text]))
            activities.append(
                Activity(
                    export_time(record["performed_at"]),
                    file_order,
                    position,
                    record["ticket_id"],
                    record["performer_type"],
                    record.get("performer_id"),
                    record["activity"],
                )
            )
    activities.sort(key=lambda a: (a.performed_at, a.file_order, a.position))
    latest_end = max(export_time(export["metadata"]["end_at"]) for export, _ in exports)
    as_of = max(latest_end, max(a.performed_at for a in activities))
    return activities, as_of


def seconds(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds())


def expected_ticket(activities: list[Activity], ticket_id: int, as_of: datetime) -> dict:
    """SPEC.md's metric definitions, applied literally to one ticket's activities."""
    mine = [a for a in activities if a.ticket_id == ticket_id]
    creation = next((a for a in mine if a.activity.get("new_ticket")), None)
    # created_at: the new_ticket row, else the first activity (then not created in window).
    created_at = creation.performed_at if creation else mine[0].performed_at
    # Status changes: activities carrying a status different from the current one.
    changes: list[tuple[datetime, str]] = []
    for a in mine:
        status = a.activity.get("status")
        if status is not None and (not changes or changes[-1][1] != status):
            changes.append((a.performed_at, status))
    # Intervals: each change until the next, the last until as_of.
    ends = [at for at, _ in changes[1:]] + ([as_of] if changes else [])
    by_category = dict.fromkeys(CATEGORIES, 0)
    resolutions, reopens = [], 0
    for index, ((at, status), end) in enumerate(zip(changes, ends, strict=True)):
        category = CATEGORY[status]
        by_category[category] += seconds(at, end)
        previous = CATEGORY[changes[index - 1][1]] if index else None
        if category in SOLVED and (previous is None or previous not in SOLVED):
            resolutions.append(at)
        if previous in SOLVED and category not in SOLVED:
            reopens += 1
    # Requester: the last non-null requester_id / requester.
    requesters = [
        a.activity.get("requester_id", a.activity.get("requester"))
        for a in mine
        if a.activity.get("requester_id", a.activity.get("requester")) is not None
    ]
    requester = requesters[-1] if requesters else None
    # First response: note type 0 or 4, at/after created_at, by a user not the requester.
    responses = [
        a.performed_at
        for a in mine
        if a.activity.get("note", {}).get("type") in (0, 4)
        and a.performer_type == "user"
        and a.performer_id != requester
        and a.performed_at >= created_at
    ]
    is_resolved = bool(changes) and CATEGORY[changes[-1][1]] in SOLVED
    # Created before the exports: the real creation time is unknown, so every metric measured
    # from it is null (time in status and counts stay).
    known = creation is not None
    return {
        "created_at": created_at,
        "is_created_in_window": creation is not None,
        "status": changes[-1][1] if changes else None,
        "requester_id": requester,
        "first_response_seconds": (
            seconds(created_at, responses[0]) if responses and known else None
        ),
        "first_status_change_seconds": (
            seconds(created_at, changes[1][0]) if len(changes) > 1 and known else None
        ),
        "first_resolution_seconds": (
            seconds(created_at, resolutions[0]) if resolutions and known else None
        ),
        "resolution_seconds": (
            seconds(created_at, resolutions[-1]) if is_resolved and known else None
        ),
        "resolution_count": len(resolutions),
        "reopen_count": reopens,
        **{f"seconds_{category}": total for category, total in by_category.items()},
        "public_reply_count": len(responses),
        "activity_count": len(mine),
        "status_change_count": len(changes),
        "is_resolved": is_resolved,
        "as_of": as_of,
    }


# --- the shared build ---------------------------------------------------------------------------


def load_with_cli(db: Path, paths: list[Path]) -> None:
    result = CliRunner().invoke(app, ["load", *map(str, paths), "--db", str(db)])
    assert result.exit_code == 0, result.output


@dataclass(frozen=True)
class Built:
    db: Path
    run: DbtRun
    target: Path


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory, real_files: list[Path]) -> Built:
    """The twelve real files loaded by `ticketflow load` and built by dbt, once, in the
    account's own time zone (its export windows start at 06:00 UTC, local midnight)."""
    directory = tmp_path_factory.mktemp("real")
    db = directory / "warehouse.duckdb"
    load_with_cli(db, real_files)
    run = build(db, time_zone=REAL_TIME_ZONE, target_path=directory / "target")
    return Built(db, run, directory / "target")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def mart_rows(db: Path) -> dict[str, list[tuple]]:
    return {name: query(db, f"select * from marts.{name} order by all") for name in MARTS}


@pytest.fixture(scope="session")
def real_activities(real_files: list[Path]) -> tuple[list[Activity], datetime]:
    return read_activities(real_files)


# --- tests ----------------------------------------------------------------------------------


def test_build_of_real_files_passes_every_test(real_build: Built) -> None:
    run = real_build.run
    assert run.ok
    assert run.failures == []
    # Every status name in the real files is in the seed: the unmapped-status warning is quiet.
    assert run.warnings == []
    # A build runs models and data tests; the unit tests (fixed inputs) run on their own.
    assert not [r for r in run.results if r.unique_id.startswith("unit_test.")]
    assert [r for r in run.results if r.unique_id.startswith("test.")]
    models = {r.name for r in run.results if r.unique_id.startswith("model.")}
    assert set(MARTS) <= models


def test_unit_tests_pass(real_build: Built) -> None:
    run = unit_tests(real_build.db, target_path=real_build.target)
    units = [r for r in run.results if r.unique_id.startswith("unit_test.")]
    assert len(units) >= 13
    assert all(r.status == "pass" for r in units)
    assert not [r for r in run.results if r.unique_id.startswith(("model.", "seed.", "test."))]


def test_mart_grains_on_real_files(
    real_build: Built, real_activities: tuple[list[Activity], datetime]
) -> None:
    activities, as_of = real_activities
    tickets = {a.ticket_id for a in activities}
    counts = {name: len(rows) for name, rows in mart_rows(real_build.db).items()}
    # 222 records in the files, none repeated across files: one row per unique activity.
    assert counts["fct_ticket_activities"] == len(activities) == 222
    assert counts["dim_tickets"] == counts["dim_ticket_details"] == len(tickets) == 44
    assert counts["fct_ticket_metrics"] == len(tickets)
    # One interval per status change, summed over all tickets.
    expected_intervals = sum(
        expected_ticket(activities, ticket, as_of)["status_change_count"] for ticket in tickets
    )
    assert counts["fct_ticket_status_intervals"] == expected_intervals
    # One day per local date from the first activity (15 April) to as_of (28 April 05:59:59
    # UTC, the last second of 27 April in Mexico City).
    local = ZoneInfo(REAL_TIME_ZONE)
    first_day = min(a.performed_at for a in activities).replace(tzinfo=UTC).astimezone(local)
    last_day = as_of.replace(tzinfo=UTC).astimezone(local)
    assert counts["fct_daily_ticket_summary"] == (last_day.date() - first_day.date()).days + 1
    assert counts["fct_daily_ticket_summary"] == 13


# Tickets chosen for what they exercise:
# 526 created in window, Open -> Pending -> Closed -> Open (reopen) -> Closed; the requester's
#     own public notes (type 4) are not responses; agent reassigned by automation.
# 527 created in window, Open -> Esperando por cliente (custom status) -> Closed.
# 529 Open -> Pending -> Esperando por cliente -> Closed.
# 538 creation row listed after a later system row in the file (23_4 is not time ordered); the
#     requester's reply is not a response.
# 484 no creation row: created at its first activity, which closes it (a resolution at once).
# 523 no creation row, first seen Pending, then Esperando por cliente.
# 419 only notes, never a status: every time-in-status is zero, no status metrics.
@pytest.mark.parametrize("ticket_id", [526, 527, 529, 538, 484, 523, 419])
def test_ticket_metrics_match_spec(
    real_build: Built, real_activities: tuple[list[Activity], datetime], ticket_id: int
) -> None:
    activities, as_of = real_activities
    expected = expected_ticket(activities, ticket_id, as_of)
    columns = ", ".join(expected)
    rows = query(
        real_build.db,
        f"select {columns} from marts.fct_ticket_metrics where ticket_id = {ticket_id}",
    )
    assert len(rows) == 1
    assert dict(zip(expected, rows[0], strict=True)) == expected


def test_ticket_526_by_hand(
    real_build: Built, real_activities: tuple[list[Activity], datetime]
) -> None:
    """Ticket 526 spelled out from its records (15_4 .. 23_4 files)."""
    activities, as_of = real_activities
    mine = [a for a in activities if a.ticket_id == 526]
    created = next(a.performed_at for a in mine if a.activity.get("new_ticket"))
    assert created == datetime(2026, 4, 15, 21, 14, 19)
    # Requester 203009113981 (requester_id on the creation row) wrote public notes at
    # 16-04 14:15:18 and 17:13:04; the first note by someone else is the reply of agent
    # 203002881655 at 16-04 14:00:58.
    first_reply = next(
        a.performed_at
        for a in mine
        if "note" in a.activity and a.performer_id not in (None, 203009113981)
    )
    assert first_reply == datetime(2026, 4, 16, 14, 0, 58)
    status_times = {(a.activity["status"], a.performed_at) for a in mine if "status" in a.activity}
    pending = datetime(2026, 4, 16, 14, 1, 14)
    closed_1 = datetime(2026, 4, 17, 16, 34, 23)
    reopened = datetime(2026, 4, 17, 17, 55, 30)
    closed_2 = datetime(2026, 4, 23, 19, 57, 55)
    assert status_times == {
        ("Open", created),
        ("Pending", pending),
        ("Closed", closed_1),
        ("Open", reopened),
        ("Closed", closed_2),
    }
    # as_of: the 27_4 file's window ends 28-04 05:59:59, after the last activity (01:59:27).
    assert as_of == datetime(2026, 4, 28, 5, 59, 59)
    row = query(
        real_build.db,
        "select first_response_seconds, seconds_open, seconds_pending, seconds_closed,"
        " first_resolution_seconds, resolution_seconds, resolution_count, reopen_count,"
        " agent_reassignment_count, is_resolved from marts.fct_ticket_metrics"
        " where ticket_id = 526",
    )[0]
    assert row == (
        seconds(created, first_reply),
        seconds(created, pending) + seconds(reopened, closed_2),
        seconds(pending, closed_1),
        seconds(closed_1, reopened) + seconds(closed_2, as_of),
        seconds(created, closed_1),
        seconds(created, closed_2),
        2,
        1,
        # Automation set agent 203005313986, then a second rule 203002881655: one reassignment.
        1,
        True,
    )
    intervals = query(
        real_build.db,
        "select status, direction, is_reopen, is_current from marts.fct_ticket_status_intervals"
        " where ticket_id = 526 order by interval_sequence",
    )
    assert intervals == [
        ("Open", "initial", False, False),
        ("Pending", "forward", False, False),
        ("Closed", "forward", False, False),
        ("Open", "backward", True, False),
        ("Closed", "forward", False, True),
    ]


def test_daily_summary_agrees_with_tickets(real_build: Built) -> None:
    db = real_build.db
    created = query(db, "select count(*) from marts.dim_tickets where is_created_in_window")
    summed = query(db, "select sum(tickets_created) from marts.fct_daily_ticket_summary")
    assert summed[0][0] == created[0][0] == 19
    # The backlog on the as_of day is the tickets' current status.
    last_day = query(
        db,
        "select backlog_open, backlog_waiting_on_customer, backlog_closed, backlog_unresolved"
        " from marts.fct_daily_ticket_summary order by summary_date desc limit 1",
    )[0]
    current = query(
        db,
        "select count(*) filter (status_category = 'open'),"
        " count(*) filter (status_category = 'waiting_on_customer'),"
        " count(*) filter (status_category = 'closed'),"
        " count(*) filter (status_category is not null and not is_resolved)"
        " from marts.dim_tickets",
    )[0]
    assert last_day == current


def test_second_build_gives_identical_marts(real_build: Built, tmp_path: Path) -> None:
    """Build the already built database again, through the CLI: the same bytes, an
    incremental build with no ticket to recompute, and one summary line, not dbt's log."""
    copy = tmp_path / "again.duckdb"
    shutil.copy(real_build.db, copy)
    before = mart_rows(real_build.db)
    result = CliRunner().invoke(
        app, ["build", "--db", str(copy), "--time-zone", REAL_TIME_ZONE, "--no-publish"]
    )
    assert result.exit_code == 0, result.output
    assert mart_rows(copy) == before
    assert query(
        copy,
        "select is_full_rebuild, (select count(*) from intermediate.int_touched_tickets)"
        " from intermediate.int_build_batch",
    ) == [(False, 0)]
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dbt build: "), lines


def test_anomalous_ticket_builds_with_warnings(tmp_path: Path) -> None:
    """Data anomalies warn and the marts still build. Ticket 30's Pending and Resolved rows
    are timed before its new_ticket row (exports are unsorted), one of its notes has type 8
    and it came in by source 42 (neither in the seeds); ticket 31 is ordinary."""
    records = [
        (30, "08:00:00", "user", {"new_ticket": True, "status": "Open", "source": 42}),
        (30, "07:00:00", "system", {"status": "Pending"}),
        (30, "07:30:00", "user", {"status": "Resolved"}),
        (30, "09:00:00", "user", {"note": {"id": 1, "type": 8}}),
        (31, "08:00:00", "user", {"new_ticket": True, "status": "Open", "source": 1}),
        (31, "08:30:00", "user", {"status": "Resolved"}),
    ]
    data = tmp_path / "anomalies.jsonl"
    data.write_text(
        "".join(
            json.dumps(
                {
                    "performed_at": f"20-04-2026 {time} +0000",
                    "ticket_id": ticket_id,
                    "performer_type": performer_type,
                    **({"performer_id": 9} if performer_type == "user" else {}),
                    "activity": activity,
                }
            )
            + "\n"
            for ticket_id, time, performer_type, activity in records
        ),
        encoding="utf-8",
    )
    db = tmp_path / "warehouse.duckdb"
    load_with_cli(db, [data])
    run = build(db, target_path=tmp_path / "target")
    assert run.ok and run.failures == []
    assert sorted(result.name.rsplit(".", 1)[0] for result in run.warnings) == [
        "activity_note_type_in_seed",
        "activity_source_in_seed",
        "fct_ticket_metrics_first_resolution_seconds_not_negative",
        "fct_ticket_metrics_first_status_change_not_before_creation",
        "fct_ticket_metrics_resolutions_not_before_creation",
    ]
    # By hand, as_of = the last activity (09:00; JSON lines carry no window): Pending
    # 07:00-07:30, Resolved 07:30-08:00 (a resolution before creation), Open 08:00-09:00 (a
    # reopen); created_at 08:00, so both the first change and the first resolution are at
    # -1800 s.
    rows = query(
        db,
        "select ticket_id, created_at, first_status_change_seconds, first_resolution_seconds,"
        " resolution_seconds, resolution_count, reopen_count, seconds_pending,"
        " seconds_resolved, seconds_open, is_resolved from marts.fct_ticket_metrics"
        " order by ticket_id",
    )
    assert rows == [
        (30, datetime(2026, 4, 20, 8), -1800, -1800, None, 1, 1, 1800, 1800, 3600, False),
        (31, datetime(2026, 4, 20, 8), 1800, 1800, 1800, 1, 0, 0, 1800, 1800, True),
    ]
    assert query(db, "select source, source_name from marts.dim_tickets order by ticket_id") == [
        (42, None),
        (1, "Email"),
    ]


@pytest.mark.parametrize(
    ("args", "message", "exit_code"),
    [
        (["--db", "{tmp}/missing.duckdb"], "Error: {tmp}/missing.duckdb: no such database", 2),
        (
            ["--db", "{tmp}/w.duckdb", "--as-of", "yesterday"],
            "Error: as_of 'yesterday' is not a time (expected e.g. 2026-04-28 06:00:00)",
            2,
        ),
        (
            ["--db", "{tmp}/w.duckdb", "--time-zone", "Mars/Olympus"],
            "Error: unknown time zone 'Mars/Olympus' (expected an IANA name such as"
            " America/Mexico_City)",
            2,
        ),
    ],
)
def test_build_cli_errors(tmp_path: Path, args: list[str], message: str, exit_code: int) -> None:
    (tmp_path / "w.duckdb").touch()
    result = CliRunner().invoke(app, ["build", *(arg.format(tmp=tmp_path) for arg in args)])
    assert result.exit_code == exit_code
    assert result.stderr.startswith(message.format(tmp=tmp_path))
    assert len(result.stderr.strip().splitlines()) == 1


def test_format_as_of() -> None:
    assert format_as_of("2026-04-28T06:00") == "2026-04-28 06:00:00"
    assert format_as_of(datetime(2026, 4, 28, 6)) == "2026-04-28 06:00:00"
    with pytest.raises(DbtError, match="UTC without a time zone"):
        format_as_of("2026-04-28 06:00:00+02:00")


def test_generated_data_and_spec_sample_build_with_as_of_var(
    tmp_path: Path, spec_sample: Path
) -> None:
    """Generated data (ticket ids 1-150) plus SPEC.md's sample (tickets 600 and 704, April
    2017) through the whole chain, with as_of set mid-window by the var."""
    data = tmp_path / "generated.jsonl"
    generated = CliRunner().invoke(
        app,
        [
            *("generate", "-n", "150", "--seed", "11", "--start", "2026-04-01", "--days", "6"),
            *("-o", str(data), "--quiet"),
        ],
    )
    assert generated.exit_code == 0, generated.output
    db = tmp_path / "warehouse.duckdb"
    load_with_cli(db, [data, spec_sample])
    as_of = datetime(2026, 4, 5, 12, 0, 0)
    run = build(db, as_of=as_of, target_path=tmp_path / "target")
    assert run.ok and run.failures == []
    kept = query(
        db,
        "select count(distinct (ticket_id, record_hash, occurrence)) from raw.activities"
        f" where performed_at <= '{as_of}'",
    )[0][0]
    later = query(db, f"select count(*) from raw.activities where performed_at > '{as_of}'")
    # The generated window runs past as_of, so the var really cuts activities off.
    assert later[0][0] > 0
    marts = query(db, "select count(*), max(performed_at) from marts.fct_ticket_activities")[0]
    assert marts[0] == kept
    assert marts[1] <= as_of
    assert query(db, "select distinct as_of from marts.fct_ticket_metrics") == [(as_of,)]
    # The sample's ticket 704 carries `requester` (not requester_id), a "21 Apr, 2017"
    # shipment date and the product details; ticket 600 only a public note.
    details = query(
        db,
        "select product, category, shipping_address, shipment_date, contacted_customer,"
        " issue_type, group_name from marts.dim_ticket_details where ticket_id = 704",
    )
    assert details == [("mobile", "Phone", "N/A", date(2017, 4, 21), True, "Incident", "refund")]
    tickets = query(
        db,
        "select ticket_id, requester_id, agent_id, priority, source, status, is_created_in_window"
        " from marts.dim_tickets where ticket_id in (600, 704) order by ticket_id",
    )
    assert tickets == [
        (600, None, None, None, None, None, False),
        (704, 145423, 149018, 4, 3, "Open", False),
    ]


# --- honest numbers: creation unknown before the exports, local days, coverage ----------------


def test_tickets_created_before_the_exports_have_no_creation_metrics(real_build: Built) -> None:
    before, with_metrics, with_time_in_status, zero_responses = query(
        real_build.db,
        "select count(*),"
        " count(*) filter (first_response_seconds is not null"
        "  or first_status_change_seconds is not null or first_resolution_seconds is not null"
        "  or resolution_seconds is not null),"
        " count(*) filter (status_change_count > 0),"
        " count(*) filter (first_response_seconds = 0)"
        " from marts.fct_ticket_metrics where not is_created_in_window",
    )[0]
    assert (before, with_metrics) == (25, 0)
    assert with_time_in_status > 0  # time in status and counts are kept
    # No instant responses anywhere: they came from creation times that were first activities.
    assert (
        query(
            real_build.db,
            "select count(*) from marts.fct_ticket_metrics where first_response_seconds = 0",
        )
        == [(zero_responses,)]
        == [(0,)]
    )


def test_real_local_days_are_the_export_windows(real_build: Built, real_files: list[Path]) -> None:
    """In the account's zone each summary day is one file's window; 26 April has none."""
    windows = {
        export_time(json.loads(path.read_text())["metadata"]["start_at"]) for path in real_files
    }
    local = ZoneInfo(REAL_TIME_ZONE)
    window_days = {start.replace(tzinfo=UTC).astimezone(local).date() for start in windows}
    assert all(start.replace(tzinfo=UTC).astimezone(local).hour == 0 for start in windows)
    days = query(
        real_build.db,
        "select summary_date, has_export_window, is_partial_day"
        " from marts.fct_daily_ticket_summary order by summary_date",
    )
    assert [day for day, *_ in days] == [date(2026, 4, d) for d in range(15, 28)]
    assert {day for day, covered, _ in days if covered} == window_days
    assert [day for day, covered, _ in days if not covered] == [date(2026, 4, 26)]
    # as_of is 28 April 05:59:59 UTC, the last second of 27 April there: no partial day.
    assert [day for day, _, partial in days if partial] == []
    assert real_build.run.warnings == []


def test_real_files_in_utc_warn_that_the_zone_is_wrong(
    tmp_path: Path, real_files: list[Path]
) -> None:
    db = tmp_path / "warehouse.duckdb"
    load_with_cli(db, real_files)
    run = build(db, target_path=tmp_path / "target")
    assert run.ok
    [warning] = run.warnings
    assert warning.name == "assert_export_windows_start_at_local_midnight"
    assert warning.message == "Got 12 results, configured to warn if != 0"
    assert warning.example == (
        "file_name=activities_3748365_15_4_2026.json, metadata_start_at=2026-04-15 06:00:00"
    )


def test_report_counts_agree_with_the_backlog(real_build: Built, tmp_path: Path) -> None:
    period = Period(REAL_TIME_ZONE)
    report = write_report(real_build.db, tmp_path / "report.txt", period).read_text()
    backlog, unknown = query(
        real_build.db,
        "select (select backlog_unresolved from marts.fct_daily_ticket_summary"
        "  order by summary_date desc limit 1),"
        " (select count(*) from marts.dim_tickets where status_category is null)",
    )[0]
    assert (backlog, unknown) == (14, 9)
    assert re.search(r"^  Backlog +14 +unresolved at the end$", report, re.MULTILINE)
    assert re.search(r"^  Status unknown +9 +no status exported", report, re.MULTILINE)
    assert re.search(r"^  All unresolved +14 ", report, re.MULTILINE)
    answered, solved = query(
        real_build.db,
        "select count(*) filter (where first_response_at is not null),"
        " count(*) filter (where is_resolved)"
        " from marts.fct_ticket_metrics where not is_created_in_window",
    )[0]
    assert 0 < answered < 25 and 0 < solved < 25
    assert (
        "Left out, created before the first export (creation time unknown): time to first"
        f" response: {answered} tickets; time to resolution: {solved} tickets."
    ) in report
    assert "Days without an export (counts unknown): 2026-04-26." in report
    assert "Partial day" not in report
    html = write_report(real_build.db, tmp_path / "report.html", period).read_text()
    assert "no export</text>" in html
    assert (
        '<div class="card" data-figure="backlog"><div class="label">Backlog</div>\n'
        '      <div class="value">14</div>'
    ) in html


def test_a_database_loaded_before_accounts_builds_and_reports(
    real_build: Built, tmp_path: Path
) -> None:
    """raw.loads without account_id (an older database): the build still runs, the account is
    unknown; marts of an older build give the report a one-line error, not a traceback."""
    old = tmp_path / "old.duckdb"
    shutil.copy(real_build.db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("alter table raw.loads drop column account_id")
    assert build(old, time_zone=REAL_TIME_ZONE, target_path=tmp_path / "target").ok
    assert query(old, "select distinct account_id from marts.dim_tickets") == [(None,)]
    with duckdb.connect(str(old)) as con:
        con.execute("alter table marts.fct_daily_ticket_summary drop column is_partial_day")
    result = CliRunner().invoke(
        app,
        ["report", "--db", str(old), "-o", str(tmp_path / "r.txt"), "--time-zone", REAL_TIME_ZONE],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {old}: the marts lack what the report reads (")
    assert result.stderr.endswith("; rebuild them: ticketflow build\n")
    assert len(result.stderr.splitlines()) == 1


def test_generated_daily_files_partial_day_in_the_account_zone(tmp_path: Path) -> None:
    """--daily files carry the generator's account (id 1000001, UTC-6): in Mexico City every
    day is covered; as_of at noon makes its day partial; a JSON-lines load has no windows."""
    exports = tmp_path / "exports"
    generated = CliRunner().invoke(
        app,
        [*("generate", "-n", "60", "--seed", "5", "--days", "4", "--daily"), "-o", str(exports)],
    )
    assert generated.exit_code == 0, generated.output
    db = tmp_path / "warehouse.duckdb"
    load_with_cli(db, sorted(exports.iterdir()))
    assert query(db, "select distinct account_id from raw.loads") == [(1000001,)]
    as_of = datetime(2026, 4, 3, 18, 0, 0)  # noon of 3 April in UTC-6
    run = build(db, as_of=as_of, time_zone=REAL_TIME_ZONE, target_path=tmp_path / "target")
    assert run.ok and run.warnings == []
    days = query(
        db,
        "select summary_date, has_export_window, is_partial_day"
        " from marts.fct_daily_ticket_summary order by summary_date",
    )
    assert days[-1] == (date(2026, 4, 3), True, True)
    assert all(covered and not partial for _, covered, partial in days[:-1])
    assert query(db, "select distinct account_id from marts.dim_tickets") == [(1000001,)]

    lines = tmp_path / "activities.jsonl"
    generated = CliRunner().invoke(
        app, ["generate", "-n", "20", "--seed", "5", "--days", "2", "-o", str(lines), "-q"]
    )
    assert generated.exit_code == 0, generated.output
    plain = tmp_path / "plain.duckdb"
    load_with_cli(plain, [lines])
    assert build(plain, target_path=tmp_path / "target-plain").ok
    assert query(
        plain,
        "select distinct has_export_window, account_id is null from"
        " marts.fct_daily_ticket_summary cross join (select distinct account_id"
        " from marts.dim_tickets)",
    ) == [(None, True)]


def test_generated_history_seen_from_a_later_day_has_no_creation_metrics(
    tmp_path: Path,
) -> None:
    """Generated daily files, of which only the last three are loaded (as when the 30-day
    retention has dropped the first days): tickets created earlier have no creation row, so
    their metrics from creation are null and the daily first responses leave them out."""
    exports = tmp_path / "exports"
    generated = CliRunner().invoke(
        app,
        [*("generate", "-n", "300", "--seed", "8", "--days", "6", "--daily"), "-o", str(exports)],
    )
    assert generated.exit_code == 0, generated.output
    by_day = sorted(exports.iterdir(), key=lambda path: int(path.name.split("_")[2]))
    db = tmp_path / "warehouse.duckdb"
    load_with_cli(db, by_day[3:])
    assert build(db, time_zone=REAL_TIME_ZONE, target_path=tmp_path / "target").ok
    before, with_metrics, answered = query(
        db,
        "select count(*),"
        " count(*) filter (first_response_seconds is not null"
        "  or first_status_change_seconds is not null or first_resolution_seconds is not null"
        "  or resolution_seconds is not null),"
        " count(*) filter (first_response_at is not null)"
        " from marts.fct_ticket_metrics where not is_created_in_window",
    )[0]
    assert before > 0 and answered > 0
    assert with_metrics == 0
    counted, expected = query(
        db,
        "select (select sum(first_responses) from marts.fct_daily_ticket_summary),"
        " (select count(*) from marts.fct_ticket_metrics"
        "  where first_response_at is not null and is_created_in_window)",
    )[0]
    assert counted == expected


# --- business hours and SLA ---------------------------------------------------------------------

SEEDS = Path(__file__).parents[1] / "dbt_project" / "seeds"


def business_seconds(start: datetime, end: datetime, zone: str) -> int:
    """Business seconds of [start, end) (naive UTC) in the shipped calendar, Monday-Friday
    09:00-17:00 in `zone`: each local working day's period converted to UTC with the offset
    in force at its wall times (zoneinfo), overlaps summed. A direct reading of SPEC.md."""
    local = ZoneInfo(zone)
    day = start.replace(tzinfo=UTC).astimezone(local).date() - timedelta(days=1)
    last = end.replace(tzinfo=UTC).astimezone(local).date() + timedelta(days=1)
    total = 0.0
    while day <= last:
        if day.isoweekday() <= 5:
            opens, closes = (
                datetime.combine(day, time(hour), local).astimezone(UTC).replace(tzinfo=None)
                for hour in (9, 17)
            )
            total += max(0.0, (min(end, closes) - max(start, opens)).total_seconds())
        day += timedelta(days=1)
    return int(total)


def shipped_targets() -> dict[int, tuple[int, int]]:
    """The shipped `default` policy: priority -> (first response, resolution) targets."""
    with (SEEDS / "ticketflow_sla_policies.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {row["sla_policy"] for row in rows} == {"default"}
    assert {row["is_business_hours"] for row in rows} == {"true"}
    return {
        int(row["priority"]): (
            int(row["first_response_target_seconds"]),
            int(row["resolution_target_seconds"]),
        )
        for row in rows
    }


def sla_status(elapsed: int | None, target: int | None, done: bool) -> str | None:
    if elapsed is None or target is None:
        return None
    return "breached" if elapsed > target else "met" if done else "pending"


def test_business_seconds_of_real_intervals_match_the_calendar(real_build: Built) -> None:
    """Every interval of the real files, measured against the shipped calendar in the
    account's zone by the reference above."""
    intervals = query(
        real_build.db,
        "select started_at, ended_at, business_seconds_in_status"
        " from marts.fct_ticket_status_intervals",
    )
    assert len(intervals) == 54
    assert [row[2] for row in intervals] == [
        business_seconds(start, end, REAL_TIME_ZONE) for start, end, _ in intervals
    ]
    # Some intervals lie partly outside hours, so the check is not calendar seconds again.
    assert any(row[2] < (row[1] - row[0]).total_seconds() for row in intervals)
    assert query(real_build.db, "select distinct business_calendar from marts.dim_tickets") == [
        ("default",)
    ]


def test_real_tickets_business_metrics_and_sla_follow_the_definitions(real_build: Built) -> None:
    targets = shipped_targets()
    tickets = query(
        real_build.db,
        "select ticket_id, created_at, is_created_in_window, priority, is_resolved, as_of,"
        " first_response_at, first_resolution_at, last_resolution_at,"
        " first_response_business_seconds, first_resolution_business_seconds,"
        " resolution_business_seconds, first_response_target_seconds,"
        " resolution_target_seconds, first_response_sla_elapsed_seconds,"
        " first_response_sla_status, resolution_sla_elapsed_seconds, resolution_sla_status"
        " from marts.fct_ticket_metrics order by ticket_id",
    )
    running = {
        row["status_category"]
        for row in csv.DictReader((SEEDS / "ticketflow_status_categories.csv").open())
        if row["is_sla_clock_running"] == "true"
    }
    intervals: dict[int, list[tuple]] = {}
    for ticket_id, category, start, end in query(
        real_build.db,
        "select ticket_id, status_category, started_at, ended_at"
        " from marts.fct_ticket_status_intervals",
    ):
        intervals.setdefault(ticket_id, []).append((category, start, end))
    statuses = []
    for row in tickets:
        (ticket_id, created, known, priority, solved, as_of, response, first, last) = row[:9]

        def since_creation(end: datetime | None, created: datetime = created) -> int | None:
            return business_seconds(created, end, REAL_TIME_ZONE) if end else None

        first_target, resolution_target = targets.get(priority, (None, None))
        clock_fr = since_creation(response or as_of)
        clock_res = sum(
            business_seconds(start, end, REAL_TIME_ZONE)
            for category, start, end in intervals.get(ticket_id, [])
            if category in running
        )
        expected = (
            since_creation(response) if known else None,
            since_creation(first) if known else None,
            since_creation(last) if known and solved else None,
            first_target,
            resolution_target,
            clock_fr if known and first_target else None,
            sla_status(clock_fr, first_target, response is not None) if known else None,
            clock_res if known and resolution_target else None,
            sla_status(clock_res, resolution_target, solved) if known else None,
        )
        assert row[9:] == expected, ticket_id
        statuses.append((row[15], row[17]))
    # The real files hold every outcome; the 25 tickets created before the exports none.
    assert {status for pair in statuses for status in pair} == {"met", "breached", "pending", None}
    assert sum(pair == (None, None) for pair in statuses) == 25


def test_business_hours_of_a_ticket_open_over_a_year_through_dst_changes(tmp_path: Path) -> None:
    """One ticket, open from a Monday in January 2025 to as_of in March 2026, in New York:
    three DST changes and over a year of business days, counted in full (no cap)."""
    zone = "America/New_York"
    created = datetime(2025, 1, 6, 15, 30)  # 10:30 local
    pending = datetime(2025, 11, 3, 13, 0)  # after the autumn change, 08:00 local
    as_of = datetime(2026, 3, 10, 16, 0)  # after the spring change

    def record(at: datetime, activity: dict) -> str:
        stamp = at.strftime("%d-%m-%Y %H:%M:%S +0000")
        return json.dumps(
            {
                "performed_at": stamp,
                "ticket_id": 1,
                "performer_type": "user",
                "performer_id": 7,
                "activity": activity,
            }
        )

    data = tmp_path / "long.jsonl"
    data.write_text(
        "\n".join(
            [
                record(
                    created,
                    {"new_ticket": True, "status": "Open", "priority": 4, "requester_id": 9},
                ),
                record(pending, {"status": "Pending"}),
            ]
        )
        + "\n"
    )
    db = tmp_path / "warehouse.duckdb"
    load_with_cli(db, [data])
    assert build(db, as_of=as_of, time_zone=zone, target_path=tmp_path / "target").ok
    open_seconds = business_seconds(created, pending, zone)
    pending_seconds = business_seconds(pending, as_of, zone)
    assert open_seconds > 200 * 8 * 3600
    assert query(
        db,
        "select business_seconds_open, business_seconds_pending,"
        " first_response_sla_elapsed_seconds, resolution_sla_elapsed_seconds,"
        " first_response_sla_status, resolution_sla_status from marts.fct_ticket_metrics",
    ) == [
        (
            open_seconds,
            pending_seconds,
            open_seconds + pending_seconds,
            open_seconds,
            "breached",
            "breached",
        ),
    ]
