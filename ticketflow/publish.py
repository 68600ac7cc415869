"""Publishing: copy the marts out of the working database for BI tools, atomically.

A DuckDB file has one writer or many readers, so a BI tool must never hold the working file.
After a build, the marts are copied to

- `serve.duckdb` next to the working file: written as a temporary file in the same directory,
  then moved over the old one with `os.replace` (atomic on one filesystem). A reader that has
  the old file open keeps reading it; the next connection sees the new one. The file is made
  read-only (mode 0444): connect to it with DuckDB's read-only access mode. Each mart keeps
  its table and column comments (the dbt descriptions, written by persist_docs).
- `parquet/` next to it, one `<mart>.parquet` per mart: `parquet` is a symbolic link to a
  generation directory `.parquet-<id>`. A new generation is written in full, then the link is
  replaced atomically; the previous generation is kept (a reader may still be listing it) and
  older ones are removed.

Readers therefore see either the previous publication or the new one, never a mix. The
working database is only attached read-only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ticketflow import marts
from ticketflow.errors import TicketflowError

SERVE_NAME = "serve.duckdb"
PARQUET_NAME = "parquet"
GENERATION_PREFIX = ".parquet-"


class PublishError(TicketflowError):
    """The marts could not be published; the previous publication is left as it was."""


@dataclass(frozen=True)
class Publication:
    serve_path: Path
    parquet_dir: Path
    rows: dict[str, int]  # mart name -> rows published

    def describe(self) -> str:
        rows = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        return (
            f"Published {len(self.rows)} marts ({rows})\n"
            f"  serving DuckDB (read-only): {self.serve_path}\n"
            f"  Parquet, one file per mart: {self.parquet_dir}/"
        )


def serve_path_for(db_path: Path) -> Path:
    return db_path.parent / SERVE_NAME


def parquet_dir_for(db_path: Path) -> Path:
    return db_path.parent / PARQUET_NAME


def publish(db_path: Path) -> Publication:
    """Publish every table of schema `marts` in `db_path` to serve.duckdb and parquet/."""
    marts.connect(db_path).close()
    directory = db_path.parent
    serve_tmp = directory / f".{SERVE_NAME}.{uuid.uuid4().hex}.tmp"
    generation = Path(tempfile.mkdtemp(prefix=GENERATION_PREFIX, dir=directory))
    try:
        generation.chmod(0o755)
        rows = _copy_marts(db_path, serve_tmp, generation)
        serve_tmp.chmod(0o444)
        _replace_file(serve_tmp, serve_path_for(db_path))
        _swap_link(generation, parquet_dir_for(db_path))
    except (duckdb.Error, OSError) as error:
        shutil.rmtree(generation, ignore_errors=True)
        raise PublishError(f"{db_path}: publishing failed: {_first_line(error)}") from error
    finally:
        for leftover in (serve_tmp, serve_tmp.with_name(serve_tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return Publication(serve_path_for(db_path), parquet_dir_for(db_path), rows)


def _copy_marts(db_path: Path, serve_tmp: Path, generation: Path) -> dict[str, int]:
    """Write every mart into the new serving file and the new Parquet generation."""
    rows: dict[str, int] = {}
    with duckdb.connect(str(serve_tmp)) as con:
        con.execute("attach ? as warehouse (read_only)", [str(db_path)])
        con.execute(f"create schema {marts.SCHEMA}")
        for name in marts.tables(con, "warehouse"):
            source = f"warehouse.{marts.SCHEMA}.{name}"
            order = marts.GRAINS.get(name, "all")
            con.execute(
                f"create table {marts.SCHEMA}.{name} as select * from {source} order by {order}"
            )
            _copy_comments(con, "warehouse", name)
            parquet = marts.sql_path(generation / f"{name}.parquet")
            con.execute(
                f"copy {marts.SCHEMA}.{name} to {parquet} (format parquet, compression zstd)"
            )
            rows[name] = con.execute(f"select count(*) from {marts.SCHEMA}.{name}").fetchone()[0]
        con.execute("detach warehouse")
        con.execute("checkpoint")
    return rows


def _copy_comments(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> None:
    """Put the mart's table and column comments in `catalog` (the descriptions that dbt's
    persist_docs wrote) on its published copy: `create table as` does not carry them."""
    (table_comment,) = con.execute(
        "select comment from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        [catalog, marts.SCHEMA, name],
    ).fetchone() or (None,)
    if table_comment:
        con.execute(f"comment on table {marts.SCHEMA}.{name} is {_sql_string(table_comment)}")
    columns = con.execute(
        "select column_name, comment from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? and comment <> '' "
        "order by column_index",
        [catalog, marts.SCHEMA, name],
    ).fetchall()
    for column, comment in columns:
        con.execute(f'comment on column {marts.SCHEMA}.{name}."{column}" is {_sql_string(comment)}')


def _sql_string(text: str) -> str:
    """`text` as a SQL string literal (COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _replace_file(new: Path, target: Path) -> None:
    """Move `new` over `target`; a stale WAL of the old file must not be replayed on the new."""
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(new, target)


def _swap_link(generation: Path, link: Path) -> None:
    """Point `link` at `generation` atomically, keep the previous generation, drop older ones."""
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():
        previous = link.with_name(f"{GENERATION_PREFIX}{uuid.uuid4().hex}")
        link.rename(previous)
    tmp_link = link.with_name(f".{link.name}.{uuid.uuid4().hex}.link")
    tmp_link.symlink_to(generation.name, target_is_directory=True)
    os.replace(tmp_link, link)
    for old in link.parent.glob(f"{GENERATION_PREFIX}*"):
        if old.resolve() not in (generation.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
