"""Read access to the marts of a working DuckDB file, for the report, publishing and export.

Everything here opens the working database read-only: reading the marts never takes the
writer's lock, so it cannot corrupt a build, only fail cleanly while one holds the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ticketflow import warehouse

SCHEMA = "marts"
# Each mart and its grain: published rows are written in grain order, so the same marts give
# the same bytes whatever order a build stored them in.
GRAINS = {
    "dim_tickets": "ticket_id",
    "dim_ticket_details": "ticket_id",
    "fct_ticket_activities": "activity_id",
    "fct_ticket_status_intervals": "interval_id",
    "fct_ticket_metrics": "ticket_id",
    "fct_daily_ticket_summary": "summary_date",
}
MARTS = tuple(GRAINS)


def connect(db_path: Path, required: tuple[str, ...] = MARTS) -> duckdb.DuckDBPyConnection:
    """Open `db_path` read-only and check that the `required` marts exist."""
    con = warehouse.connect(db_path, read_only=True)
    missing = [name for name in required if name not in tables(con)]
    if missing:
        con.close()
        names = ", ".join(f"{SCHEMA}.{name}" for name in missing)
        raise warehouse.WarehouseError(f"{db_path}: missing {names} (run `dbt build` first)")
    return con


def tables(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    """Names of the tables and views in schema `marts` of `catalog` (default: the main file)."""
    rows = con.execute(
        """
        select table_name
        from information_schema.tables
        where table_schema = ? and table_catalog = coalesce(?, current_database())
        order by table_name
        """,
        [SCHEMA, catalog],
    ).fetchall()
    return [name for (name,) in rows]


def sql_path(path: Path) -> str:
    """`path` as a single-quoted SQL string literal (COPY ... TO takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"
