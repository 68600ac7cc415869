"""Landing raw data in a Postgres database or in a Parquet lake (for Spark).

The loader's DuckDB path does all the reading, validating and deciding (skip, replace, refuse,
reject); these stores only hold its results elsewhere. A load runs against a private DuckDB
file that mirrors the store's ledger (`raw.loads`, and the next load id), so every rule of
`load_paths` applies unchanged; then each file's rows are written to the store whole, one
file at a time, under the store's lock:

- Postgres: one transaction per file (the rows of a re-exported file name are replaced, its
  activities and rejects arrive by `COPY ... FROM STDIN`, then its ledger row).
- Lake: `<lake>/raw/{activities,rejects,loads}/load_<id>.parquet`, each written under a
  hidden name and renamed into place; the ledger file is renamed last and is the commit:
  the models read activities only of loads the ledger names (stg_raw__loads), so a load
  interrupted before its ledger file appears is invisible, and its files are removed by the
  next load.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import duckdb

from .database import connect, record_hash
from .errors import LoaderError
from .landing import LoadSummary, Progress, load_paths

# raw.loads in the column order of loader/schema.sql.
LEDGER_COLUMNS = (
    "load_id", "file_name", "file_path", "content_hash", "file_bytes", "container",
    "is_compressed", "records", "loaded", "rejected", "metadata_start_at", "metadata_end_at",
    "declared_count", "status", "message", "started_at", "finished_at", "account_id",
)  # fmt: skip
ACTIVITY_COLUMNS = (
    "load_id", "file_name", "position", "performed_at", "ticket_id", "performer_type",
    "performer_id", "activity", "record_hash", "occurrence", "loaded_at",
)  # fmt: skip
REJECT_COLUMNS = ("load_id", "file_name", "position", "raw_text", "reason")
TABLES = {"activities": ACTIVITY_COLUMNS, "rejects": REJECT_COLUMNS, "loads": LEDGER_COLUMNS}


class StoreError(LoaderError):
    """The store cannot be reached or written (nothing more is written)."""


class Store(Protocol):
    """Where a load's results are kept, beyond the working DuckDB file."""

    description: str

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...

    def ledger(self) -> list[tuple[Any, ...]]:
        """raw.loads, rows of LEDGER_COLUMNS."""
        ...

    def land(self, stage: duckdb.DuckDBPyConnection, load_id: int, replaces: bool) -> None:
        """Write the load `load_id` of the stage (its rows, rejects, ledger row) whole."""
        ...


def upgrade(store: Store) -> None:
    """Bring the raw data of `store` to the current layout without loading anything (before a
    build): opening a store does it, under the store's lock (Postgres: schema_postgres.sql;
    the lake: its activity files), and closing releases the lock."""
    with store:
        pass  # opening was the work


def load_into(
    store: Store,
    paths: Sequence[str | Path],
    *,
    strict: bool = False,
    account: int | None = None,
    progress: Progress | None = None,
) -> LoadSummary:
    """`load_paths` into `store`: same rules, same summary."""
    with store, tempfile.TemporaryDirectory(prefix="ticketflow-stage-") as directory:
        stage_path = Path(directory) / "stage.duckdb"
        _mirror_ledger(stage_path, store.ledger())
        try:
            summary = load_paths(
                paths, stage_path, strict=strict, account=account, progress=progress
            )
        except LoaderError as error:  # a refusal names the store, not the private stage
            raise type(error)(str(error).replace(str(stage_path), store.description)) from None
        with duckdb.connect(str(stage_path)) as stage:
            stage.execute("set TimeZone = 'UTC'")
            for result in summary.files:
                if result.load_id is not None:
                    store.land(stage, result.load_id, result.status == "replaced")
        return summary


def _mirror_ledger(stage_path: Path, ledger: list[tuple[Any, ...]]) -> None:
    """The stage file: the raw schema, the store's ledger, the store's next load id."""
    stage = connect(stage_path)
    try:
        if ledger:
            placeholders = ", ".join("?" for _ in LEDGER_COLUMNS)
            stage.executemany(
                f"insert into raw.loads ({', '.join(LEDGER_COLUMNS)}) values ({placeholders})",
                ledger,
            )
        next_id = max((row[0] for row in ledger), default=0) + 1
        stage.execute(f"create or replace sequence raw.load_id_seq start {next_id}")
    finally:
        stage.close()


def _select(table: str, load_id: int, expressions: dict[str, str] | None = None) -> str:
    columns = ", ".join((expressions or {}).get(column, column) for column in TABLES[table])
    return f"select {columns} from raw.{table} where load_id = {int(load_id)}"


# --- Postgres ---------------------------------------------------------------------------------

# Postgres text holds no NUL character: a reject's raw text shows it as U+FFFD.
POSTGRES_EXPORT = {
    "rejects": "select load_id, file_name, position, replace(raw_text, chr(0), '\ufffd'),"
    " reason from raw.rejects where load_id = {load_id}",
}
# One lock per database for a whole load, as the DuckDB file's lock is for a load there.
POSTGRES_LOCK = "select pg_advisory_lock(hashtext('ticketflow.raw'))"


class PostgresStore:
    """The raw schema of a Postgres database (loader/schema_postgres.sql)."""

    def __init__(self, connection_parameters: dict[str, Any], description: str) -> None:
        self.parameters = connection_parameters
        self.description = description
        self.connection: Any = None

    def __enter__(self) -> PostgresStore:
        import psycopg2

        try:
            self.connection = psycopg2.connect(**self.parameters)
            with self.connection, self.connection.cursor() as cursor:
                cursor.execute(POSTGRES_LOCK)
                cursor.execute(
                    resources.files(__package__).joinpath("schema_postgres.sql").read_text()
                )
        except psycopg2.Error as error:
            raise StoreError(f"{self.description}: {_postgres_reason(error)}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            self.connection.close()  # ends the session: the advisory lock is released

    def ledger(self) -> list[tuple[Any, ...]]:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f"select {', '.join(LEDGER_COLUMNS)} from raw.loads order by load_id")
            return cursor.fetchall()

    def land(self, stage: duckdb.DuckDBPyConnection, load_id: int, replaces: bool) -> None:
        import psycopg2

        with tempfile.TemporaryDirectory(prefix="ticketflow-copy-") as directory:
            try:
                with self.connection, self.connection.cursor() as cursor:
                    file_name = stage.execute(
                        "select file_name from raw.loads where load_id = ?", [load_id]
                    ).fetchone()[0]
                    if replaces:
                        for table in ("activities", "rejects"):
                            cursor.execute(
                                f"delete from raw.{table} where file_name = %s", [file_name]
                            )
                    for table in ("activities", "rejects", "loads"):
                        self._copy(stage, cursor, table, load_id, Path(directory) / table)
            except psycopg2.Error as error:
                raise StoreError(
                    f"{self.description}: cannot write load {load_id}: {_postgres_reason(error)}"
                ) from None

    def _copy(
        self, stage: duckdb.DuckDBPyConnection, cursor: Any, table: str, load_id: int, path: Path
    ) -> None:
        query = POSTGRES_EXPORT.get(table, _select(table, load_id)).format(load_id=int(load_id))
        stage.execute(f"copy ({query}) to '{path}' (format csv, header false)")
        with path.open(encoding="utf-8") as rows:
            cursor.copy_expert(
                f"copy raw.{table} ({', '.join(TABLES[table])}) from stdin with (format csv)",
                rows,
            )


def _postgres_reason(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# --- the lake (Spark) ---------------------------------------------------------------------------

# Parquet has no JSON type Spark reads: the activity is its text. Timestamps are written as
# instants (UTC), which Spark reads as its `timestamp`; a zoneless Parquet timestamp would be
# Spark's `timestamp_ntz`.
LAKE_TIMESTAMPS = (
    "performed_at", "loaded_at", "metadata_start_at", "metadata_end_at", "started_at",
    "finished_at",
)  # fmt: skip
LAKE_EXPRESSIONS = {
    "activity": "cast(activity as varchar) as activity",
    **{name: f"cast({name} as timestamptz) as {name}" for name in LAKE_TIMESTAMPS},
}
LEDGER_EXPRESSIONS = {name: f"cast({name} as timestamp) as {name}" for name in LAKE_TIMESTAMPS}


class LakeStore:
    """Parquet tables under `<lake>/raw/`, one file per load and table."""

    def __init__(self, lake: Path) -> None:
        self.lake = lake
        self.raw = lake / "raw"
        self.description = f"lake {lake}"
        self._lock: Any = None
        self._reader = duckdb.connect()
        self._reader.execute("set TimeZone = 'UTC'")

    def __enter__(self) -> LakeStore:
        try:
            for table in TABLES:
                (self.raw / table).mkdir(parents=True, exist_ok=True)
            self._lock = (self.lake / ".load.lock").open("w")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        except OSError as error:
            raise StoreError(f"{self.description}: {error.strerror}") from None
        try:
            self._remove_unledgered()
            self._upgrade_activities()
        except BaseException:
            self.__exit__()  # the lock released
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            self._lock.close()
        self._reader.close()

    def ledger(self) -> list[tuple[Any, ...]]:
        if not self._files("loads"):
            return []
        columns = ", ".join(LEDGER_EXPRESSIONS.get(column, column) for column in LEDGER_COLUMNS)
        return self._reader.execute(
            f"select {columns} from read_parquet(?) order by load_id",
            [str(self.raw / "loads" / "load_*.parquet")],
        ).fetchall()

    def land(self, stage: duckdb.DuckDBPyConnection, load_id: int, replaces: bool) -> None:
        try:
            for table in ("activities", "rejects", "loads"):  # the ledger last: the commit
                self._write(stage, table, load_id)
            if replaces:
                file_name = stage.execute(
                    "select file_name from raw.loads where load_id = ?", [load_id]
                ).fetchone()[0]
                earlier = [
                    row[0] for row in self.ledger() if row[1] == file_name and row[0] != load_id
                ]
                for table in ("activities", "rejects"):
                    for old in earlier:
                        (self.raw / table / f"load_{old}.parquet").unlink(missing_ok=True)
        except (OSError, duckdb.Error) as error:
            raise StoreError(f"{self.description}: cannot write load {load_id}: {error}") from None

    def _write(self, stage: duckdb.DuckDBPyConnection, table: str, load_id: int) -> None:
        if (
            table != "loads"
            and not stage.execute(
                f"select count(*) from raw.{table} where load_id = ?", [load_id]
            ).fetchone()[0]
        ):
            return  # no rows: no file
        _write_parquet(
            stage,
            _select(table, load_id, LAKE_EXPRESSIONS),
            self.raw / table / f"load_{load_id}.parquet",
        )

    def _upgrade_activities(self) -> None:
        """Activity files whose record_hash is the md5 text (before 2026-12-04): each written
        again with the number made of it (loader/database.py), so an interrupted upgrade goes
        on at the next load."""
        paths = [str(path) for path in self._files("activities")]
        if not paths:
            return
        try:
            texts = self._reader.execute(
                "select distinct file_name from parquet_schema(?)"
                " where name = 'record_hash' and type = 'BYTE_ARRAY' order by 1",
                [paths],
            ).fetchall()
            for (path,) in texts:
                query = (
                    f"select * replace ({record_hash('record_hash')} as record_hash)"
                    f" from read_parquet('{path}')"
                )
                _write_parquet(self._reader, query, Path(path))
        except (OSError, duckdb.Error) as error:
            raise StoreError(
                f"{self.description}: cannot upgrade the activities: {error}"
            ) from None

    def _files(self, table: str) -> list[Path]:
        return sorted((self.raw / table).glob("load_*.parquet"))

    def _remove_unledgered(self) -> None:
        """Files of a load that never reached the ledger (interrupted), and hidden leftovers."""
        ledgered = {f"load_{row[0]}.parquet" for row in self.ledger()}
        for table in ("activities", "rejects"):
            for path in self._files(table):
                if path.name not in ledgered:
                    path.unlink()
        for table in TABLES:
            for leftover in (self.raw / table).glob(".load_*.tmp"):
                leftover.unlink()


def _write_parquet(connection: duckdb.DuckDBPyConnection, query: str, final: Path) -> None:
    """The rows of `query` as the Parquet file `final`: written under a hidden name (Spark
    skips names starting with '.'), synced, then renamed into place."""
    hidden = final.with_name(f".{final.name}.tmp")
    connection.execute(f"copy ({query}) to '{hidden}' (format parquet, compression zstd)")
    with hidden.open("rb") as written:
        os.fsync(written.fileno())
    os.replace(hidden, final)
