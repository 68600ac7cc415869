"""Times at the ends of the loader's range build and report; times beyond it never land."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.dbt import build

# The zone furthest ahead of UTC: its local time is the first to leave year 9999.
FURTHEST_AHEAD = "Pacific/Kiritimati"


def record(ticket_id: int, performed_at: str, status: str) -> str:
    activity = {"status": status, "priority": 1, "ticket_type": "Question"}
    return json.dumps(
        {
            "performed_at": performed_at,
            "ticket_id": ticket_id,
            "performer_type": "user",
            "performer_id": 7,
            "activity": activity,
        }
    )


def test_the_latest_time_that_lands_builds_and_reports_in_the_zone_furthest_ahead(
    tmp_path: Path,
) -> None:
    """9999-12-30 23:59:59 UTC is 9999-12-31 13:59:59 in Kiritimati: the report's days, the
    daily summary and as_of stay in year 9999 (one day later, year 10000, crashed the report)."""
    source = tmp_path / "late.jsonl"
    source.write_text(
        "\n".join(
            [
                record(1, "30-12-9999 10:00:00 +0000", "Open"),
                record(1, "30-12-9999 23:59:59 +0000", "Resolved"),
                record(
                    2, "31-12-9999 10:00:00 +0000", "Open"
                ),  # year 10000 in Kiritimati: a reject
            ]
        )
        + "\n"
    )
    db = tmp_path / "w.duckdb"
    loaded = CliRunner().invoke(app, ["load", str(source), "--db", str(db), "-q"])
    assert loaded.exit_code == 0, loaded.output
    assert build(db, time_zone=FURTHEST_AHEAD, target_path=tmp_path / "target").ok
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "select ticket_id, as_of::varchar from marts.fct_ticket_metrics"
        ).fetchall() == [(1, "9999-12-30 23:59:59")]
        assert con.execute("select reason from raw.rejects").fetchall() == [
            (
                "performed_at out of range (1900-01-01..9999-12-30 UTC, offsets -14:00..+14:00):"
                ' "31-12-9999 10:00:00 +0000"',
            )
        ]
    # the local day of as_of, as each format writes a day
    for suffix, day in (("txt", "9999-12-31"), ("html", "Dec 31")):
        report = tmp_path / f"report.{suffix}"
        result = CliRunner().invoke(app, ["report", "-o", str(report), "--db", str(db), "-q"])
        assert (result.exit_code, result.stderr) == (0, "")
        assert day in report.read_text(encoding="utf-8")


def test_a_window_end_out_of_range_is_no_window_end(tmp_path: Path) -> None:
    """metadata.end_at becomes the build's as_of: one beyond the range is stored as null, as
    an unreadable one is, so it can never push as_of into year 10000."""
    source = tmp_path / "export.json"
    activity = json.loads(record(1, "16-04-2026 14:00:58 +0000", "Open"))
    source.write_text(
        json.dumps(
            {
                "metadata": {
                    "start_at": "16-04-2026 00:00:00 +0000",
                    "end_at": "31-12-9999 23:00:00 -1200",
                    "activities_count": 1,
                },
                "activities_data": [activity],
            }
        )
    )
    db = tmp_path / "w.duckdb"
    assert CliRunner().invoke(app, ["load", str(source), "--db", str(db), "-q"]).exit_code == 0
    with duckdb.connect(str(db), read_only=True) as con:
        window = con.execute(
            "select metadata_start_at::varchar, metadata_end_at from raw.loads"
        ).fetchall()
    assert window == [("2026-04-16 00:00:00", None)]


def test_an_as_of_out_of_range_is_refused_before_dbt_starts(tmp_path: Path) -> None:
    (tmp_path / "w.duckdb").touch()
    result = CliRunner().invoke(
        app, ["build", "--db", str(tmp_path / "w.duckdb"), "--as-of", "9999-12-31 00:00:00"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: as_of 9999-12-31 00:00:00 is out of range (1900-01-01 to 9999-12-30 23:59:59 UTC)\n"
    )
