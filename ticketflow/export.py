"""Export the marts to the original system's SQLite schema, for tools that only speak SQLite.

Tables and where each column comes from (timestamps as ISO 8601 text, UTC):

    ticket            one row per ticket, from marts.dim_tickets
      ticket_id         ticket_id
      issue_type        issue_type
      status            status (current status name, as in the export)
      performed_at      last_activity_at (the time of the ticket's latest activity)
      priority          priority
      requestor         requester_id
      agent_id          agent_id

    activity_history  one row per unique activity, from marts.fct_ticket_activities
      ticket_id         ticket_id
      status            status
      performed_at      performed_at
      requestor         requester_id
      agent_id          agent_id

    ticket_details    one row per ticket, from marts.dim_ticket_details
      ticket_id         ticket_id
      shipping_address  shipping_address
      shipment_date     shipment_date (YYYY-MM-DD)
      category          category
      group_type        group_name

The file is written under a temporary name next to the target and moved over it when
complete, so a reader never sees a partial export. Rows move in batches (executemany).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ticketflow import files, marts
from ticketflow.errors import TicketflowError

BATCH_ROWS = 50_000
TIMESTAMP = "'%Y-%m-%d %H:%M:%S'"


class ExportError(TicketflowError):
    """The SQLite export could not be written; an existing target is left as it was."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, SQLite type and constraints)
    query: str  # DuckDB query over the marts, one output column per entry of `columns`

    @property
    def ddl(self) -> str:
        return f"create table {self.name} ({', '.join(f'{n} {t}' for n, t in self.columns)})"

    @property
    def insert(self) -> str:
        return f"insert into {self.name} values ({', '.join('?' * len(self.columns))})"


TABLES = (
    Table(
        "ticket",
        (
            ("ticket_id", "integer primary key"),
            ("issue_type", "text"),
            ("status", "text"),
            ("performed_at", "text"),
            ("priority", "integer"),
            ("requestor", "integer"),
            ("agent_id", "integer"),
        ),
        f"""select ticket_id, issue_type, status, strftime(last_activity_at, {TIMESTAMP}),
            priority, requester_id, agent_id
        from marts.dim_tickets
        order by ticket_id""",
    ),
    Table(
        "activity_history",
        (
            ("ticket_id", "integer not null"),
            ("status", "text"),
            ("performed_at", "text not null"),
            ("requestor", "integer"),
            ("agent_id", "integer"),
        ),
        f"""select ticket_id, status, strftime(performed_at, {TIMESTAMP}), requester_id, agent_id
        from marts.fct_ticket_activities
        order by ticket_id, activity_sequence""",
    ),
    Table(
        "ticket_details",
        (
            ("ticket_id", "integer primary key"),
            ("shipping_address", "text"),
            ("shipment_date", "text"),
            ("category", "text"),
            ("group_type", "text"),
        ),
        """select ticket_id, shipping_address, strftime(shipment_date, '%Y-%m-%d'), category,
            group_name
        from marts.dim_ticket_details
        order by ticket_id""",
    ),
)
INDEXES = ("create index activity_history_ticket_id on activity_history (ticket_id)",)


def export_sqlite(db_path: Path, sqlite_path: Path) -> dict[str, int]:
    """Write the seed-era SQLite schema filled from the marts; return rows per table.

    `sqlite_path` must be missing or a regular file: a device, a symbolic link or a FIFO is
    refused before anything is read."""
    files.check_replaceable(sqlite_path)
    source = marts.connect(db_path, ("dim_tickets", "fct_ticket_activities", "dim_ticket_details"))
    try:
        with source, files.atomic_path(sqlite_path) as tmp:
            counts = _write(source, tmp)
    except (OSError, sqlite3.Error, duckdb.Error) as error:
        raise ExportError(f"{sqlite_path}: cannot write the SQLite export: {error}") from error
    return counts


def _write(source: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    target = sqlite3.connect(path)
    try:
        target.execute("pragma journal_mode = off")
        target.execute("pragma synchronous = off")
        for table in TABLES:
            target.execute(table.ddl)
            cursor = source.execute(table.query)
            counts[table.name] = 0
            while rows := cursor.fetchmany(BATCH_ROWS):
                target.executemany(table.insert, rows)
                counts[table.name] += len(rows)
        for index in INDEXES:
            target.execute(index)
        target.commit()
    finally:
        target.close()
    return counts


# --- CSV: the metrics mart, one row per ticket ----------------------------------------------

CSV_MART = "fct_ticket_metrics"


def export_csv(db_path: Path, csv_path: Path) -> int:
    """Write `marts.fct_ticket_metrics` as CSV (header, ticket order, UTC timestamps as
    `YYYY-MM-DD HH:MM:SS`); text cells a spreadsheet would run as a formula are neutralised
    (`ticketflow.report.csv.neutralise_sql`). Return the rows written."""
    from ticketflow.report.csv import neutralise_sql

    source = marts.connect(db_path, (CSV_MART,))
    try:
        with source, files.atomic_path(csv_path) as tmp:
            columns = source.execute(
                """
                select column_name, data_type
                from information_schema.columns
                where table_catalog = current_database() and table_schema = 'marts'
                    and table_name = ?
                order by ordinal_position
                """,
                [CSV_MART],
            ).fetchall()
            select = ", ".join(
                f"{neutralise_sql(_quoted(name))} as {_quoted(name)}"
                if data_type == "VARCHAR"
                else _quoted(name)
                for name, data_type in columns
            )
            source.execute(
                f"copy (select {select} from marts.{CSV_MART} order by ticket_id) "
                f"to {marts.sql_path(tmp)} (format csv, header true)"
            )
            count = source.execute(f"select count(*) from marts.{CSV_MART}").fetchone()[0]
    except (OSError, duckdb.Error) as error:
        raise ExportError(f"{csv_path}: cannot write the CSV export: {error}") from error
    return count


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
