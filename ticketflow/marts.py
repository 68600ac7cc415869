"""Read access to the marts of a working DuckDB file, for the report, publishing and export.

Everything here opens the working database read-only: reading the marts never takes the
writer's lock, so it cannot corrupt a build, only fail cleanly while one holds the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMA = "marts"
MARTS = (
    "dim_tickets",
    "dim_ticket_details",
    "fct_ticket_activities",
    "fct_ticket_status_intervals",
    "fct_ticket_metrics",
    "fct_daily_ticket_summary",
)


class MartsError(Exception):
    """The working database cannot be read, or its marts are not built."""


def connect(db_path: Path, required: tuple[str, ...] = MARTS) -> duckdb.DuckDBPyConnection:
    """Open `db_path` read-only and check that the `required` marts exist."""
    if not db_path.is_file():
        raise MartsError(f"{db_path}: no such database (run `ticketflow load`, then `dbt build`)")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        raise MartsError(f"{db_path}: cannot open read-only: {reason}") from error
    missing = [name for name in required if name not in tables(con)]
    if missing:
        con.close()
        names = ", ".join(f"{SCHEMA}.{name}" for name in missing)
        raise MartsError(f"{db_path}: missing {names} (run `dbt build` first)")
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
