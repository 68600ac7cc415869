"""Odd values in known keys never stop a build (issue 16, item 3).

A value of the wrong type in a typed key (`"priority": "high"`, `"agent_id": ""`, ...)
becomes null in its typed column, its text kept in staging (`<key>_text`), and a warning names
the record; a key repeated in one object reads as its last value. The records are built here;
`write_odd_records` is also what the engines test builds on Postgres and Spark.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.dbt import build

pytestmark = pytest.mark.slow

ODD_FILE = "odd_values.jsonl"


def _line(ticket_id: int, time: str, activity: str) -> str:
    """One JSON line; `activity` is JSON text, so it may repeat a key (json.dumps cannot)."""
    envelope = json.dumps(
        {
            "performed_at": f"20-04-2026 {time} +0000",
            "ticket_id": ticket_id,
            "performer_type": "user",
            "performer_id": 9,
        }
    )
    return envelope[:-1] + f', "activity": {activity}}}\n'


def write_odd_records(directory: Path) -> Path:
    """Tickets 900001-900002, the odd values issue 16 lists, as one JSON lines file."""
    lines = [
        _line(
            900001,
            "08:00:00",
            '{"new_ticket": true, "status": "Open", "priority": "high", "source": 1099511627776}',
        ),
        _line(
            900001,
            "08:10:00",
            '{"agent_id": "", "requester": "x", "deleted": "maybe", "contacted_customer": "Si"}',
        ),
        _line(900001, "08:20:00", '{"note": {"id": "x", "type": 0}}'),
        _line(900001, "08:30:00", '{"priority": 1.0, "automation": {"type": "2", "rule": 7}}'),
        _line(900002, "08:00:00", '{"new_ticket": true, "status": "Open", "priority": 1}'),
        # A repeated key: its last value is the one read, a custom field's too.
        _line(
            900002, "08:30:00", '{"Producto": "a", "priority": 1, "Producto": "b", "priority": 2}'
        ),
    ]
    path = directory / ODD_FILE
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_odd_values_become_null_keep_their_text_and_the_build_passes(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    data = write_odd_records(tmp_path)
    loaded = CliRunner().invoke(app, ["load", str(data), "--db", str(db), "--strict"])
    assert loaded.exit_code == 0, loaded.output
    assert _rows(db, "select records, loaded, rejected from raw.loads") == [(6, 6, 0)]

    run = build(db, target_path=tmp_path / "target")

    assert run.ok and run.failures == []
    assert [result.name for result in run.warnings] == ["assert_typed_fields_fit_their_types"]
    assert run.warnings[0].example == f"file_name={ODD_FILE}, position=1, ticket_id=900001"
    staged = _rows(
        db,
        "select position, priority, priority_text, source, source_text, has_agent, agent_id,"
        " agent_id_text, requester_id, requester_text, is_deleted, deleted_text,"
        " contacted_customer, contacted_customer_text, note_id, note_id_text, note_type,"
        " automation_type, automation_type_text, custom_fields"
        " from staging.stg_raw__activities order by position",
    )
    assert staged == [
        (1, None, "high", None, "1099511627776", False, None, None, None, None, False, None,
         None, None, None, None, None, None, None, None),
        (2, None, None, None, None, True, None, "", None, "x", False, "maybe",
         None, "Si", None, None, None, None, None, None),
        (3, None, None, None, None, False, None, None, None, None, False, None,
         None, None, None, "x", 0, None, None, None),
        (4, None, "1.0", None, None, False, None, None, None, None, False, None,
         None, None, None, None, None, 2, "2", None),
        (5, 1, "1", None, None, False, None, None, None, None, False, None,
         None, None, None, None, None, None, None, None),
        (6, 2, "2", None, None, False, None, None, None, None, False, None,
         None, None, None, None, None, None, None, '{"Producto":"b"}'),
    ]  # fmt: skip
    # Which records the warning names: every one with a value its key's type cannot hold.
    assert _rows(
        db,
        f"select position from ({run.warnings[0].compiled_code}) order by position",
    ) == [(1,), (2,), (3,), (4,)]
    assert _rows(
        db,
        "select ticket_id, priority, agent_id, is_deleted from marts.dim_tickets"
        " order by ticket_id",
    ) == [(900001, None, None, False), (900002, 2, None, False)]
    assert _rows(
        db,
        "select ticket_id, custom_fields from marts.dim_ticket_details order by ticket_id",
    ) == [(900001, None), (900002, '{"Producto":"b"}')]
