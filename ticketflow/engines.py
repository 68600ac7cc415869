"""The engines: the one module that knows, per target of profiles.yml, how to connect, land
raw data, hand dbt its environment and read the marts back. Nothing else branches on the
engine.

- `duckdb` (default): the working DuckDB file (`ticketflow.warehouse`).
- `postgres`: a server reached by the libpq variables the profile renders (PGHOST, PGPORT,
  PGUSER, PGPASSWORD, PGDATABASE); the loader lands raw by COPY (`loader.stores`).
- `spark`: dbt-spark's in-process session over the lake `$TICKETFLOW_LAKE` (default
  `data/lake`): raw Parquet tables written by the loader, the metastore and the models'
  tables, all under the lake.

The readers (report, publish, export) work on a DuckDB file with the schemas `marts` and
`seeds`: for the working file that is the file itself; for another engine, `marts_file`
copies the engine's marts (typed by their contracts) and seeds into a private DuckDB file
beside the working file, removed afterwards. So `publish --target T` writes the usual
`serve.duckdb` and `parquet/` beside the working file.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import yaml

from ticketflow import marts, project, warehouse
from ticketflow.errors import TicketflowError

TARGETS = ("duckdb", "postgres", "spark")
DEFAULT_TARGET = "duckdb"
READ_SCHEMAS = ("marts", "seeds")
# Postgres column types (information_schema.columns.data_type) as DuckDB types.
POSTGRES_TYPES = {
    "bigint": "bigint",
    "integer": "integer",
    "smallint": "smallint",
    "boolean": "boolean",
    "date": "date",
    "timestamp without time zone": "timestamp",
    "character varying": "varchar",
    "text": "varchar",
    "json": "json",
    "jsonb": "json",
    "double precision": "double",
}


class EngineError(TicketflowError):
    """The target's engine cannot be used (unknown, unreachable, not installed)."""

    exit_code = 2


def check_target(target: str) -> str:
    if target not in TARGETS:
        raise EngineError(f"unknown target {target!r} (expected one of {', '.join(TARGETS)})")
    return target


class Engine:
    """The working DuckDB file."""

    name = DEFAULT_TARGET

    def load(
        self,
        paths: Sequence[str | Path],
        db: Path | None,
        *,
        strict: bool,
        account: int | None,
        progress: Any = None,
    ) -> Any:
        from ticketflow import loader

        return loader.load_paths(paths, db, strict=strict, account=account, progress=progress)

    def check(self, db: Path) -> None:
        """Before dbt runs: refuse what cannot be built on, and bring raw data landed by an
        earlier version to the current layout (the loader does so before it writes)."""
        from ticketflow.loader.database import upgrade

        upgrade(warehouse.check(db))

    def dbt_env(self, db: Path) -> dict[str, str]:
        """What dbt's process needs in its environment to reach this engine.

        $TICKETFLOW_DB is set only when the profile would not name `db` as it is: the
        rendered profile then stays the text plain `dbt` renders, and dbt's partial parse
        survives alternating between the two (a changed profile makes dbt parse everything
        again)."""
        if (project.project_dir() / project.duckdb_output()["path"]).resolve() != db.resolve():
            return {"TICKETFLOW_DB": str(db)}
        return {}

    @contextlib.contextmanager
    def reader(self, db: Path) -> Iterator[Any]:
        """A DB-API-like connection for a few queries (a warned test's first row); None when
        the engine cannot give one cheaply."""
        try:
            con = warehouse.connect(db, read_only=True)
        except warehouse.WarehouseError:  # held by another process now
            yield None
            return
        with con:
            yield con

    @contextlib.contextmanager
    def marts_file(self, db: Path) -> Iterator[Path]:
        """A DuckDB file holding this engine's schemas `marts` and `seeds`."""
        yield db


class PostgresEngine(Engine):
    name = "postgres"

    def __init__(self) -> None:
        output = project.output(self.name)
        self.parameters = {
            "host": output["host"],
            "port": int(output["port"]),
            "user": output["user"],
            "password": output.get("password") or None,
            "dbname": output["dbname"],
        }
        self.description = (
            f"postgres {self.parameters['user']}@{self.parameters['host']}:"
            f"{self.parameters['port']}/{self.parameters['dbname']}"
        )

    def load(
        self,
        paths: Sequence[str | Path],
        db: Path | None,
        *,
        strict: bool,
        account: int | None,
        progress: Any = None,
    ) -> Any:
        from ticketflow.loader.stores import PostgresStore, load_into

        store = PostgresStore(self.parameters, self.description)
        return load_into(store, paths, strict=strict, account=account, progress=progress)

    def connect(self) -> Any:
        try:
            import psycopg2
        except ImportError:
            raise EngineError(
                "the postgres target needs the engines extra: pip install 'ticketflow[engines]'"
            ) from None
        try:
            return psycopg2.connect(**self.parameters)
        except psycopg2.Error as error:
            reason = (str(error).strip().splitlines() or ["cannot connect"])[0]
            raise EngineError(f"{self.description}: {reason}") from None

    def check(self, db: Path) -> None:
        from ticketflow.loader.stores import PostgresStore, upgrade

        self.connect().close()  # an unreachable server or a missing driver: an EngineError
        upgrade(PostgresStore(self.parameters, self.description))

    def dbt_env(self, db: Path) -> dict[str, str]:
        return {}  # the profile reads the libpq variables of this process's environment

    @contextlib.contextmanager
    def reader(self, db: Path) -> Iterator[Any]:
        connection = self.connect()
        try:
            yield _PostgresReader(connection)
        finally:
            connection.close()

    @contextlib.contextmanager
    def marts_file(self, db: Path) -> Iterator[Path]:
        connection = self.connect()
        try:
            with _snapshot(db, self.name) as (path, con), connection.cursor() as cursor:
                cursor.execute(
                    "select table_schema, table_name, column_name, data_type"
                    " from information_schema.columns where table_schema in %s"
                    " order by table_schema, table_name, ordinal_position",
                    [READ_SCHEMAS],
                )
                tables: dict[tuple[str, str], list[tuple[str, str]]] = {}
                for schema, table, column, data_type in cursor.fetchall():
                    duck_type = POSTGRES_TYPES.get(data_type, "varchar")
                    tables.setdefault((schema, table), []).append((column, duck_type))
                _require_marts(self.description, {t for (s, t) in tables if s == "marts"})
                for (schema, table), columns in tables.items():
                    csv = path.with_name(f"{path.stem}.{schema}.{table}.csv")
                    try:
                        with csv.open("w", encoding="utf-8") as out:
                            cursor.copy_expert(  # a query: COPY cannot read a view
                                f'copy (select * from "{schema}"."{table}") to stdout'
                                " with (format csv)",
                                out,
                            )
                        if csv.stat().st_size == 0:  # an empty table: no lines to read
                            ddl = ", ".join(f'"{name}" {kind}' for name, kind in columns)
                            con.execute(f'create table "{schema}"."{table}" ({ddl})')
                            continue
                        types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns)
                        con.execute(
                            f'create table "{schema}"."{table}" as select * from read_csv('
                            f"?, header = false, columns = {{{types}}}, allow_quoted_nulls ="
                            " false)",
                            [str(csv)],
                        )
                    finally:
                        csv.unlink(missing_ok=True)
                con.close()
                yield path
        finally:
            connection.close()


class _PostgresReader:
    """`execute(sql).fetchone()` and `.description` over a psycopg2 connection."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.cursor = connection.cursor()

    def execute(self, sql: str) -> Any:
        import psycopg2

        try:
            self.cursor.execute(sql)
        except psycopg2.Error as error:
            self.connection.rollback()
            raise duckdb.Error(str(error)) from None
        return self.cursor


class SparkEngine(Engine):
    name = "spark"

    def __init__(self) -> None:
        output = project.output(self.name)
        # The profile states the lake once: its warehouse directory is `<lake>/warehouse`.
        warehouse_dir = output["server_side_parameters"]["spark.sql.warehouse.dir"]
        self.lake = Path(warehouse_dir).parent.resolve()
        self.description = f"lake {self.lake}"

    def load(
        self,
        paths: Sequence[str | Path],
        db: Path | None,
        *,
        strict: bool,
        account: int | None,
        progress: Any = None,
    ) -> Any:
        from ticketflow.loader.stores import LakeStore, load_into

        return load_into(
            LakeStore(self.lake), paths, strict=strict, account=account, progress=progress
        )

    def check(self, db: Path) -> None:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise EngineError(
                "the spark target needs the engines extra: pip install 'ticketflow[engines]'"
            ) from None
        if not (self.lake / "raw" / "loads").is_dir():
            raise EngineError(
                f"{self.description}: no loads (load files first: ticketflow load --target"
                " spark PATH...)"
            )
        from ticketflow.loader.stores import LakeStore, upgrade

        upgrade(LakeStore(self.lake))

    def dbt_env(self, db: Path) -> dict[str, str]:
        # dbt runs in the project directory: the lake is handed over absolute.
        return {"TICKETFLOW_LAKE": str(self.lake)}

    @contextlib.contextmanager
    def reader(self, db: Path) -> Iterator[Any]:
        yield None  # a Spark session costs a minute to start: no examples for warnings

    @contextlib.contextmanager
    def marts_file(self, db: Path) -> Iterator[Path]:
        """Spark's tables are Parquet under `<lake>/warehouse/<schema>.db/<table>/`."""
        contracts = _mart_contracts()
        with _snapshot(db, self.name) as (path, con):
            found = set()
            for schema in READ_SCHEMAS:
                for directory in sorted((self.lake / "warehouse" / f"{schema}.db").glob("*")):
                    table = directory.name
                    found.add((schema, table))
                    files = sorted(directory.glob("*.parquet"))
                    columns = contracts.get(table) if schema == "marts" else None
                    if files:
                        relation = f"read_parquet({[str(f) for f in files]!r})"
                        select = (
                            ", ".join(f'cast("{n}" as {t}) as "{n}"' for n, t in columns)
                            if columns
                            else "*"
                        )
                        con.execute(
                            f'create table "{schema}"."{table}" as select {select} from {relation}'
                        )
                    elif columns:  # Spark writes no file for an empty table
                        ddl = ", ".join(f'"{n}" {t}' for n, t in columns)
                        con.execute(f'create table "{schema}"."{table}" ({ddl})')
            _require_marts(self.description, {t for (s, t) in found if s == "marts"})
            con.close()
            yield path


ENGINES: dict[str, type[Engine]] = {
    "duckdb": Engine,
    "postgres": PostgresEngine,
    "spark": SparkEngine,
}


def get(target: str | None) -> Engine:
    """The engine of a profiles.yml target (default duckdb)."""
    return ENGINES[check_target(target or DEFAULT_TARGET)]()


@contextlib.contextmanager
def _snapshot(db: Path, target: str) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    """A new private DuckDB file beside the working file, with the read schemas; removed
    on exit."""
    directory = Path(db).resolve().parent
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{target}-marts-{uuid.uuid4().hex}.duckdb"
    try:
        con = duckdb.connect(str(path))
        con.execute("set TimeZone = 'UTC'")
        for schema in READ_SCHEMAS:
            con.execute(f"create schema {schema}")
        with con:
            yield path, con
    finally:
        for leftover in (path, path.with_name(path.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _require_marts(description: str, found: set[str]) -> None:
    missing = [name for name in marts.MARTS if name not in found]
    if missing:
        names = ", ".join(f"{marts.SCHEMA}.{name}" for name in missing)
        raise EngineError(f"{description}: missing {names} (run `dbt build` first)")


def _mart_contracts() -> dict[str, list[tuple[str, str]]]:
    """Each mart's contract columns (name, DuckDB type), from the marts' YAML."""
    path = project.project_dir() / "dbt_project" / "models" / "marts" / "_marts__models.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        model["name"]: [(column["name"], column["data_type"]) for column in model["columns"]]
        for model in document["models"]
    }
