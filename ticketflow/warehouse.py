"""The working DuckDB database: where it is, how it is opened, and why it could not be.

The one module that opens the working file. Its default path and DuckDB settings come from
the `duckdb` output of `profiles.yml` (see `ticketflow.project`), so the CLI, the loader and
plain `dbt` always agree. Every failure to use the file is a `WarehouseError` with one
message per cause: missing, not a DuckDB file, locked by another process (named), unopenable.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from ticketflow import project
from ticketflow.errors import TicketflowError

# A DuckDB file says so at bytes 8-11 of its first block.
DUCKDB_MAGIC, DUCKDB_MAGIC_START, DUCKDB_MAGIC_END = b"DUCK", 8, 12
LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
# The profile's settings the loader and the readers apply too; dbt applies all of them.
SHARED_SETTINGS = ("memory_limit", "threads")
# Catalog names a working file cannot have: DuckDB's own catalogs and schemas, and the
# schemas of the working file (the loader's raw, the dbt project's); see `check_name`.
DUCKDB_NAMES = ("main", "system", "temp", "memory", "information_schema", "pg_catalog")
RESERVED_CATALOGS = frozenset(
    (*DUCKDB_NAMES, "raw", "staging", "intermediate", "marts", "seeds", "semantic")
)
QUOTES = ("'", '"')


class WarehouseError(TicketflowError):
    """The working database cannot be used; nothing was attempted."""

    exit_code = 2


class DatabaseLockedError(WarehouseError):
    """The DuckDB file is held by another process."""


def default_path() -> Path:
    """The profile's path: $TICKETFLOW_DB, else data/warehouse.duckdb."""
    return Path(project.duckdb_output()["path"])


def settings() -> dict[str, str]:
    """The DuckDB settings every connection to the working file uses (memory limit, threads)."""
    configured = project.duckdb_output().get("settings", {})
    return {name: str(configured[name]) for name in SHARED_SETTINGS if name in configured}


def memory_limit() -> str:
    return settings().get("memory_limit", "unset")


def catalog_name(path: Path) -> str:
    """The name DuckDB (and dbt-duckdb, which must agree) gives the file's catalog: the first
    non-empty dot-separated part of its name (`my.db.duckdb` -> `my`)."""
    return path.name.lstrip(".").split(".")[0]


def check_name(path: Path) -> Path:
    """Refuse a file name the dbt build cannot use, before anything is written: a catalog
    named like a schema of the project or a catalog of DuckDB makes `raw.loads` ambiguous,
    and dbt-duckdb splices the catalog name into SQL unescaped."""
    name = catalog_name(path)
    if any(quote in name for quote in QUOTES):
        raise WarehouseError(f"{path}: a database file name cannot hold a quote; rename it")
    if name.lower() in RESERVED_CATALOGS:
        raise WarehouseError(
            f"{path}: a database file cannot be named {name!r}, a name the project's schemas or"
            " DuckDB use; rename it (e.g. warehouse.duckdb)"
        )
    return path


def check(path: Path, *, must_exist: bool = True) -> Path:
    """Refuse a file name dbt cannot build (`check_name`), a missing file (when
    `must_exist`) and a file that is not a DuckDB database.

    DuckDB would open some other files (a JSON or CSV file) as a read-only view and silently
    write nothing, so the header is checked before DuckDB sees the file.
    """
    check_name(path)
    try:
        with path.open("rb") as handle:
            header = handle.read(DUCKDB_MAGIC_END)
    except FileNotFoundError:
        if must_exist:
            raise WarehouseError(
                f"{path}: no such database (load files first: ticketflow load PATH...)"
            ) from None
        return path
    except OSError as error:
        raise WarehouseError(f"cannot open database {path}: {error.strerror}") from None
    if header and header[DUCKDB_MAGIC_START:DUCKDB_MAGIC_END] != DUCKDB_MAGIC:
        raise WarehouseError(f"{path} is not a DuckDB database")
    return path


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the working file read-only (it must exist) or read-write (created when missing)."""
    check(path, must_exist=read_only)
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        holder = LOCK_HOLDER.search(str(error))
        if holder:
            raise DatabaseLockedError(
                f"database {path} is locked by another process: "
                f"{holder['program']} (PID {holder['pid']})"
            ) from None
        raise WarehouseError(f"cannot open database {path}: {_first_line(error)}") from None
    except (OSError, duckdb.Error) as error:
        raise WarehouseError(f"cannot open database {path}: {_first_line(error)}") from None
    for name, value in settings().items():
        connection.execute(f"set {name} = '{value}'")
    connection.execute("set TimeZone = 'UTC'")
    connection.execute("set enable_progress_bar = false")
    return connection


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0]
