"""The SQLite export: the seed-era schema, row counts and values from the marts."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.export import export_sqlite
from ticketflow.warehouse import WarehouseError

runner = CliRunner()

SCHEMA = {
    "ticket": [
        ("ticket_id", "INTEGER"),
        ("issue_type", "TEXT"),
        ("status", "TEXT"),
        ("performed_at", "TEXT"),
        ("priority", "INTEGER"),
        ("requestor", "INTEGER"),
        ("agent_id", "INTEGER"),
    ],
    "activity_history": [
        ("ticket_id", "INTEGER"),
        ("status", "TEXT"),
        ("performed_at", "TEXT"),
        ("requestor", "INTEGER"),
        ("agent_id", "INTEGER"),
    ],
    "ticket_details": [
        ("ticket_id", "INTEGER"),
        ("shipping_address", "TEXT"),
        ("shipment_date", "TEXT"),
        ("category", "TEXT"),
        ("group_type", "TEXT"),
    ],
}
SOURCES = {
    "ticket": "dim_tickets",
    "activity_history": "fct_ticket_activities",
    "ticket_details": "dim_ticket_details",
}


def _schema(path: Path) -> dict[str, list[tuple[str, str]]]:
    with sqlite3.connect(path) as con:
        names = [n for (n,) in con.execute("select name from sqlite_master where type='table'")]
        return {
            name: [(row[1], row[2]) for row in con.execute(f"pragma table_info({name})")]
            for name in names
        }


def test_export_schema_and_row_counts(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "legacy.sqlite"
    counts = export_sqlite(handmade_marts, out)
    assert _schema(out) == SCHEMA
    with duckdb.connect(str(handmade_marts), read_only=True) as con:
        expected = {
            table: con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            for table, mart in SOURCES.items()
        }
    assert counts == expected == {"ticket": 6, "activity_history": 18, "ticket_details": 6}
    with sqlite3.connect(out) as con:
        for table, rows in expected.items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == rows


def test_export_values_come_from_the_marts(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "legacy.sqlite"
    export_sqlite(handmade_marts, out)
    with sqlite3.connect(out) as con:
        ticket = con.execute("select * from ticket where ticket_id = 4").fetchone()
        details = con.execute("select * from ticket_details where ticket_id = 3").fetchone()
        history = con.execute(
            "select * from activity_history where ticket_id = 2 order by performed_at"
        ).fetchall()
    assert ticket == (4, "Incident", "Pending", "2026-04-17 12:00:00", 3, 503, None)
    assert details == (3, "N/A", "2026-04-21", "Phone", "Shipping")
    assert history == [
        (2, "Open", "2026-04-15 09:10:00", 501, 11),
        (2, "Open", "2026-04-15 09:20:00", 501, 11),
        (2, "Open", "2026-04-15 09:30:00", 501, 11),
    ]


def test_export_replaces_an_existing_file(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "legacy.sqlite"
    with sqlite3.connect(out) as con:
        con.execute("create table leftover (x)")
    export_sqlite(handmade_marts, out)
    assert set(_schema(out)) == set(SCHEMA)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy.sqlite", "warehouse.duckdb"]


def test_export_without_marts_keeps_the_target(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    out = tmp_path / "legacy.sqlite"
    out.write_bytes(b"previous")
    with pytest.raises(WarehouseError) as caught:
        export_sqlite(db, out)
    assert str(caught.value) == (
        f"{db}: missing marts.dim_tickets, marts.fct_ticket_activities, "
        "marts.dim_ticket_details (run `dbt build` first)"
    )
    assert out.read_bytes() == b"previous"


def test_cli_export(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "legacy.sqlite"
    result = runner.invoke(app, ["export", "--sqlite", str(out), "--db", str(handmade_marts)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Exported to {out}: ticket 6, activity_history 18, ticket_details 6 rows\n"
    )


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: path.symlink_to("target.sqlite"), "a symbolic link"),
        (os.mkfifo, "a FIFO"),
    ],
)
def test_export_never_replaces_what_is_not_a_regular_file(
    handmade_marts: Path, tmp_path: Path, make, kind: str
) -> None:
    """As root, `--sqlite /dev/null` replaced the system's /dev/null with a regular file."""
    (tmp_path / "target.sqlite").write_bytes(b"the link's target")
    out = tmp_path / "legacy.sqlite"
    make(out)
    result = runner.invoke(app, ["export", "--sqlite", str(out), "--db", str(handmade_marts)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {out}: {kind}, not a regular file: refusing to replace it\n"
    assert out.is_symlink() == (kind == "a symbolic link")
    assert (tmp_path / "target.sqlite").read_bytes() == b"the link's target"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "legacy.sqlite",
        "target.sqlite",
        "warehouse.duckdb",
    ]
