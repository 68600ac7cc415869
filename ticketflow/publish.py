"""Publishing: copy the marts out of the working database for BI tools, atomically.

A DuckDB file has one writer or many readers, so a BI tool must never hold the working file.
After a build, the marts are copied next to the working file to

- `serve.duckdb`, read-only (mode 0444): connect to it with DuckDB's read-only access mode;
  each mart keeps its table and column comments (the dbt descriptions, from persist_docs);
- `parquet/`, one `<mart>.parquet` per mart.

Both are symbolic links into one publication: `serve.duckdb -> .publication/serve.duckdb`,
`parquet -> .publication/parquet`, and `.publication` is a link to a generation directory
`.publication-<id>` holding both. A new generation is written in full, then `.publication`
alone is replaced (`os.replace`, atomic on one filesystem): readers see the previous
publication or the new one, never a new file beside old Parquet, and a failure at any point
before that rename leaves the previous publication whole. The previous generation is kept
(a reader may still have its files open or be listing it); older ones, and whatever a killed
publish left behind, are removed by the next publish, which holds `.publication.lock` so two
publishes of one directory never remove each other's work. The working database is only
attached read-only.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ticketflow import files, marts
from ticketflow.errors import TicketflowError

SERVE_NAME = "serve.duckdb"
PARQUET_NAME = "parquet"
PUBLICATION_LINK = ".publication"
GENERATION_PREFIX = ".publication-"
LOCK_NAME = ".publication.lock"
# Left by the layout before publications (parquet -> .parquet-<id>) and by killed publishes
# (.serve.duckdb.<id>.tmp, .parquet.<id>.link, a half-written .publication-<id>); never
# `.publication` or `.publication.lock`.
OLD_PREFIX = ".parquet-"
LEFTOVER_PREFIXES = (
    GENERATION_PREFIX,
    OLD_PREFIX,
    f".{SERVE_NAME}.",
    f".{PARQUET_NAME}.",
    f".{PUBLICATION_LINK}.",
)


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
    _check_layout(directory)
    with _publish_lock(directory):
        generation = Path(tempfile.mkdtemp(prefix=GENERATION_PREFIX, dir=directory))
        try:
            generation.chmod(0o755)
            (generation / PARQUET_NAME).mkdir()
            rows = _copy_marts(db_path, generation / SERVE_NAME, generation / PARQUET_NAME)
            (generation / SERVE_NAME).chmod(0o444)
            previous = _switch(directory, generation)
        except (duckdb.Error, OSError) as error:
            shutil.rmtree(generation, ignore_errors=True)
            raise PublishError(f"{db_path}: publishing failed: {_first_line(error)}") from error
        _remove_leftovers(directory, keep={generation.name, previous})
    return Publication(serve_path_for(db_path), parquet_dir_for(db_path), rows)


def _copy_marts(db_path: Path, serve: Path, parquet_dir: Path) -> dict[str, int]:
    """Write every mart into the new generation's serving file and Parquet directory."""
    rows: dict[str, int] = {}
    with duckdb.connect(str(serve)) as con:
        con.execute("attach ? as warehouse (read_only)", [str(db_path)])
        con.execute(f"create schema {marts.SCHEMA}")
        for name in marts.tables(con, "warehouse"):
            source = f"warehouse.{marts.SCHEMA}.{name}"
            order = marts.GRAINS.get(name, "all")
            con.execute(
                f"create table {marts.SCHEMA}.{name} as select * from {source} order by {order}"
            )
            _copy_comments(con, "warehouse", name)
            parquet = marts.sql_path(parquet_dir / f"{name}.parquet")
            con.execute(
                f"copy {marts.SCHEMA}.{name} to {parquet} (format parquet, compression zstd)"
            )
            rows[name] = con.execute(f"select count(*) from {marts.SCHEMA}.{name}").fetchone()[0]
        con.execute("detach warehouse")
        con.execute("checkpoint")
    return rows


def _copy_comments(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> None:
    """Put the mart's table (or view) and column comments in `catalog` (the descriptions that
    dbt's persist_docs wrote) on its published table: `create table as` does not carry them."""
    (table_comment,) = con.execute(
        "select table_comment from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_name = ?",
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


def _check_layout(directory: Path) -> None:
    """Refuse to publish over anything but a publication (or the layout before it, a plain
    serve.duckdb and a parquet link or directory): never replace a device or a user's link."""
    for name, ours, allowed in (
        (SERVE_NAME, _link_target(SERVE_NAME), stat.S_ISREG),
        (PARQUET_NAME, _link_target(PARQUET_NAME), stat.S_ISDIR),
    ):
        path = directory / name
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(mode):
            target = os.readlink(path)
            if target == ours or (name == PARQUET_NAME and target.startswith(OLD_PREFIX)):
                continue
        elif allowed(mode):
            continue
        files.check_replaceable(path)  # says what it is
        raise files.OutputPathError(f"{path}: not a publication: refusing to replace it")


def _link_target(name: str) -> str:
    return f"{PUBLICATION_LINK}/{name}"


def _switch(directory: Path, generation: Path) -> str | None:
    """Point `.publication` at `generation` (the one atomic step) and make sure serve.duckdb
    and parquet are the links through it; return the previous generation's name."""
    link = directory / PUBLICATION_LINK
    previous = os.readlink(link) if link.is_symlink() else None
    _replace_with_link(link, generation.name)
    for name in (SERVE_NAME, PARQUET_NAME):
        path = directory / name
        if not (path.is_symlink() and os.readlink(path) == _link_target(name)):
            # The layout before publications (a file, a link to .parquet-<id>, a directory):
            # replaced once; the next publish removes what it pointed at.
            if path.is_dir() and not path.is_symlink():
                path.rename(directory / f"{OLD_PREFIX}{uuid.uuid4().hex}")
            _replace_with_link(path, _link_target(name))
    return previous


def _replace_with_link(path: Path, target: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.link")
    tmp.symlink_to(target)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_leftovers(directory: Path, keep: set[str | None]) -> None:
    """Older generations, and what a killed publish left: temporary files and links, a
    half-written generation, the layout before publications."""
    for path in directory.iterdir():
        if path.name in keep or not path.name.startswith(LEFTOVER_PREFIXES):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@contextmanager
def _publish_lock(directory: Path) -> Iterator[None]:
    """One publish at a time per directory (an advisory lock, released if the process dies)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(
                f"{directory}: another publish is writing there; try again when it ends"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
