"""Opening the warehouse file with the loader's settings and the raw schema in place."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import duckdb

from loader.errors import DatabaseLockedError, LoaderError

DEFAULT_DB = Path("data/warehouse.duckdb")
# Peak memory: DuckDB's buffer manager stays under MEMORY_LIMIT (spilling to <db>.tmp beyond);
# with Python and the rest of the process this keeps a 10M-activity load under 2 GB.
MEMORY_LIMIT = "1GB"
THREADS = 2
# A DuckDB file says so at bytes 8-11 of its first block.
DUCKDB_MAGIC, DUCKDB_MAGIC_START, DUCKDB_MAGIC_END = b"DUCK", 8, 12
LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def default_db_path() -> Path:
    """$TICKETFLOW_DB, else data/warehouse.duckdb."""
    return Path(os.environ.get("TICKETFLOW_DB") or DEFAULT_DB)


def check_database_file(path: Path) -> None:
    """Refuse an existing file that is not a DuckDB database (DuckDB would open some of them,
    a JSON or CSV file, as a read-only view and silently write nothing)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(DUCKDB_MAGIC_END)
    except FileNotFoundError:
        return
    except OSError as error:
        raise LoaderError(f"cannot open database {path}: {error.strerror}") from None
    if header and header[DUCKDB_MAGIC_START:DUCKDB_MAGIC_END] != DUCKDB_MAGIC:
        raise LoaderError(f"{path} is not a DuckDB database")


def connect(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open (creating when missing) the database file, with the raw schema present."""
    path = Path(db_path)
    check_database_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(path))
    except duckdb.IOException as error:
        holder = LOCK_HOLDER.search(str(error))
        if holder:
            raise DatabaseLockedError(
                f"database {path} is locked by another process: "
                f"{holder['program']} (PID {holder['pid']})"
            ) from None
        raise LoaderError(f"cannot open database {path}: {_first_line(error)}") from None
    except (OSError, duckdb.Error) as error:
        raise LoaderError(f"cannot open database {path}: {_first_line(error)}") from None
    connection.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    connection.execute(f"set threads = {THREADS}")
    connection.execute("set TimeZone = 'UTC'")
    connection.execute("set enable_progress_bar = false")
    connection.execute(resources.files("loader").joinpath("schema.sql").read_text())
    return connection


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0]
