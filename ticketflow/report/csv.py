"""The CSV report: `marts.fct_ticket_metrics` as it is, one row per ticket in ticket order."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ticketflow import marts


def write_csv(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(
        f"copy (select * from marts.fct_ticket_metrics order by ticket_id) "
        f"to {marts.sql_path(path)} (format csv, header true)"
    )
