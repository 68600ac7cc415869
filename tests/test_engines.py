"""The same project on Postgres and on Spark: the same marts as DuckDB, value for value.

Run by `make test-engines` (deselected from `make test`): it needs the engines extra, a Java
runtime and Postgres's server programs, which that target installs. A throwaway Postgres
cluster (the `postgres` fixture of tests/conftest.py) is started on a free local port for the
session and stopped at its end, whatever happens; Spark runs in-process (dbt-spark session
mode) over a lake in a temporary folder.

One data set per engine, loaded by `ticketflow load --target T` in three calls: the twelve
real Freshdesk files, the odd-value records of issue 16, and a generated sample (tickets
from 100000 on, so they join the real account's database without meeting its tickets).
Then `ticketflow build --target T` and `ticketflow publish --target T`; the published
serve.duckdb of each engine must equal DuckDB's (JSON compared parsed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.test_engines_odd_values import write_odd_records
from ticketflow import marts
from ticketflow.cli import app

pytestmark = [pytest.mark.slow, pytest.mark.engines]

REAL_ACCOUNT = "3748365"
REAL_TIME_ZONE = "America/Mexico_City"
SAMPLE_TICKETS = 150


# --- the data set, loaded and built on one engine ---------------------------------------------


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, real_files: list[Path]) -> list[list[str]]:
    """The `ticketflow load` argument lists of the data set."""
    directory = tmp_path_factory.mktemp("data")
    config = directory / "sample.toml"
    config.write_text("[account]\nfirst_ticket_id = 100000\n", encoding="utf-8")
    sample = directory / "sample.jsonl"
    generated = CliRunner().invoke(
        app,
        ["generate", "-n", str(SAMPLE_TICKETS), "--seed", "7", "--config", str(config),
         "--start", "2026-04-15", "--days", "12", "-o", str(sample), "--quiet"],
    )  # fmt: skip
    assert generated.exit_code == 0, generated.output
    odd = write_odd_records(directory)
    return [
        [str(path) for path in real_files],
        [str(odd), "--account", REAL_ACCOUNT],
        [str(sample), "--account", REAL_ACCOUNT],
    ]


@dataclass(frozen=True)
class Built:
    target: str
    db: Path  # the working DuckDB file; other engines publish beside it
    env: dict[str, str]

    @property
    def serve(self) -> Path:
        return self.db.parent / "serve.duckdb"


def _cli(args: list[str], env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, f"ticketflow {' '.join(args)}: {result.output}"


def _build(target: str, directory: Path, env: dict[str, str], loads: list[list[str]]) -> Built:
    db = directory / "warehouse.duckdb"
    common = ["--target", target, "--db", str(db), "--quiet"]
    for load in loads:
        _cli(["load", *load, *common], env)
    _cli(["build", *common, "--time-zone", REAL_TIME_ZONE, "--no-publish"], env)
    _cli(["publish", *common], env)
    return Built(target, db, env)


@pytest.fixture(scope="module")
def duckdb_build(tmp_path_factory: pytest.TempPathFactory, dataset: list[list[str]]) -> Built:
    return _build("duckdb", tmp_path_factory.mktemp("duckdb"), {}, dataset)


@pytest.fixture(scope="module")
def postgres_build(
    tmp_path_factory: pytest.TempPathFactory, dataset: list[list[str]], postgres: dict[str, str]
) -> Built:
    return _build("postgres", tmp_path_factory.mktemp("pg"), postgres, dataset)


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory: pytest.TempPathFactory, dataset: list[list[str]]) -> Built:
    """Built twice: the real files first, in a lake then aged to the layout of before
    2026-12-04 (record_hash as text, the metastore registered by that build); the next load
    upgrades it and the second build, incremental, must give the same marts as DuckDB."""
    directory = tmp_path_factory.mktemp("spark")
    env = {"TICKETFLOW_LAKE": str(directory / "lake")}
    db = directory / "warehouse.duckdb"
    common = ["--target", "spark", "--db", str(db), "--quiet"]
    _cli(["load", *dataset[0], *common], env)
    _cli(["build", *common, "--time-zone", REAL_TIME_ZONE, "--no-publish"], env)
    _age_raw("spark", env)
    return _build("spark", directory, env, dataset[1:])


def published_marts(serve: Path) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
    """Each published mart: its columns (name, type) and rows in grain order, JSON parsed."""
    published = {}
    with duckdb.connect(str(serve), read_only=True) as con:
        for mart, grain in marts.GRAINS.items():
            cursor = con.execute(f"select * from {marts.SCHEMA}.{mart} order by {grain}")
            columns = [(name, str(kind)) for name, kind, *_ in cursor.description]
            rows = [
                tuple(
                    json.loads(value) if kind == "JSON" and value is not None else value
                    for value, (_, kind) in zip(row, columns, strict=True)
                )
                for row in cursor.fetchall()
            ]
            published[mart] = (columns, rows)
    return published


def _assert_same_marts(built: Built, reference: Built) -> None:
    expected = published_marts(reference.serve)
    actual = published_marts(built.serve)
    assert sorted(actual) == sorted(expected)
    for mart, (columns, rows) in expected.items():
        assert actual[mart][0] == columns, mart
        assert len(actual[mart][1]) == len(rows), mart
        for got, want in zip(actual[mart][1], rows, strict=True):
            assert got == want, f"{mart}: {dict(zip([c for c, _ in columns], got, strict=True))}"
    # The data set is the one meant: real, odd and generated tickets, each file loaded once.
    tickets = {row[0] for row in expected["dim_tickets"][1]}
    assert {526, 900001, 900002, 100001} <= tickets
    assert len(tickets) == 44 + 2 + SAMPLE_TICKETS


# --- tests ----------------------------------------------------------------------------------


def test_postgres_gives_duckdbs_marts(postgres_build: Built, duckdb_build: Built) -> None:
    _assert_same_marts(postgres_build, duckdb_build)


def test_spark_gives_duckdbs_marts(spark_build: Built, duckdb_build: Built) -> None:
    _assert_same_marts(spark_build, duckdb_build)


# --- the loader's rules on Postgres and in the lake (no dbt) -----------------------------------


def _records(ticket_id: int, count: int, bad: bool = False) -> str:
    lines = [
        json.dumps(
            {
                "performed_at": f"20-04-2026 08:{minute:02d}:00 +0000",
                "ticket_id": ticket_id,
                "performer_type": "system",
                "activity": {"status": "Open"},
            }
        )
        for minute in range(count)
    ]
    if bad:
        lines.append('{"ticket_id": "x"}')
    return "\n".join(lines) + "\n"


def _raw(target: str, env: dict[str, str], sql: str) -> list[tuple]:
    """A query over raw.loads / raw.activities / raw.rejects of the target's store."""
    if target == "postgres":
        import psycopg2

        with (
            psycopg2.connect(
                host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], dbname=env["PGDATABASE"]
            ) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
            return cursor.fetchall()
    lake = Path(env["TICKETFLOW_LAKE"]) / "raw"
    with duckdb.connect() as con:
        con.execute("create schema raw")
        for table in ("loads", "activities", "rejects"):
            files = sorted(str(path) for path in (lake / table).glob("load_*.parquet"))
            source = f"read_parquet({files!r})" if files else "(select 1 where false)"
            con.execute(f"create view raw.{table} as select * from {source}")
        return con.execute(sql).fetchall()


@pytest.fixture(params=["postgres", "spark"])
def store_env(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: dict[str, str]
) -> tuple[str, dict[str, str]]:
    if request.param == "postgres":
        database = f"loads_{tmp_path.name.replace('-', '_').lower()}"
        subprocess.run(
            ["psql", "-d", "postgres", "-c", f"create database {database}"],
            check=True,
            capture_output=True,
            env={**os.environ, **postgres},
        )
        return "postgres", {**postgres, "PGDATABASE": database}
    return "spark", {"TICKETFLOW_LAKE": str(tmp_path / "lake")}


def test_the_loaders_rules_hold_in_the_store(
    store_env: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    """Skip, replace, reject and refuse as on DuckDB; the ledger, rows and rejects agree."""
    target, env = store_env
    day = tmp_path / "day.jsonl"
    day.write_text(_records(1, 3, bad=True), encoding="utf-8")
    other = tmp_path / "other.jsonl"
    other.write_text(_records(2, 2), encoding="utf-8")
    runner = CliRunner()
    common = ["--target", target, "--db", str(tmp_path / "w.duckdb"), "--quiet"]

    assert runner.invoke(app, ["load", str(day), str(other), *common], env=env).exit_code == 0
    again = runner.invoke(app, ["load", str(day), *common], env=env)
    assert again.exit_code == 0
    day.write_text(_records(1, 5), encoding="utf-8")  # a re-export of the same day
    assert runner.invoke(app, ["load", str(day), *common], env=env).exit_code == 0
    refused = runner.invoke(
        app, ["load", str(other), "--account", "5", *common], env=env, catch_exceptions=False
    )

    assert _raw(
        target, env, "select load_id, file_name, status, records, loaded, rejected"
        " from raw.loads order by load_id"
    ) == [
        (1, "day.jsonl", "loaded", 4, 3, 1),
        (2, "other.jsonl", "loaded", 2, 2, 0),
        (3, "day.jsonl", "replaced", 5, 5, 0),
    ]  # fmt: skip
    assert _raw(
        target, env, "select load_id, ticket_id, count(*) from raw.activities"
        " group by load_id, ticket_id order by load_id"
    ) == [(2, 2, 2), (3, 1, 5)]  # fmt: skip
    assert _raw(target, env, "select count(*) from raw.rejects") == [(0,)]
    assert refused.exit_code == 2
    assert "is of account 5 but" in refused.stderr
    assert "stage.duckdb" not in refused.stderr


def _age_raw(target: str, env: dict[str, str]) -> None:
    """The store's record_hash as the text of before 2026-12-04 (32 hex digits) that the
    upgrade reads back as the same number: its first 16 digits, shifted right one bit."""
    if target == "postgres":
        _raw(
            target,
            env,
            "alter table raw.activities alter record_hash type varchar using"
            " lpad(to_hex(record_hash << 1), 16, '0') || 'f0f0f0f0f0f0f0f0'; select 1",
        )
        return
    with duckdb.connect() as con:
        for path in (Path(env["TICKETFLOW_LAKE"]) / "raw" / "activities").glob("*.parquet"):
            aged = path.with_name(f".{path.name}.aged")
            con.execute(
                "copy (select * replace (lpad(lower(hex(record_hash::ubigint << 1)), 16, '0')"
                f" || 'f0f0f0f0f0f0f0f0' as record_hash) from read_parquet('{path}'))"
                f" to '{aged}' (format parquet)"
            )
            aged.replace(path)


def test_raw_data_of_before_the_numeric_record_hash_is_upgraded(
    store_env: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    """A store whose record_hash is the md5 text gets the numbers back at the next load, so
    the activities it holds and a new export of them keep one identity."""
    target, env = store_env
    day, later = tmp_path / "day.jsonl", tmp_path / "later.jsonl"
    day.write_text(_records(1, 3), encoding="utf-8")
    later.write_text(_records(1, 4), encoding="utf-8")  # the same three and one more
    common = ["--target", target, "--db", str(tmp_path / "w.duckdb"), "--quiet"]
    first = "select position, record_hash from raw.activities where load_id = 1 order by 1"

    assert CliRunner().invoke(app, ["load", str(day), *common], env=env).exit_code == 0
    landed = _raw(target, env, first)
    _age_raw(target, env)
    if target == "postgres":  # a built warehouse: views read the column (staging, marts)
        _raw(
            target,
            env,
            "create schema staging; create view staging.hashes as select record_hash"
            " from raw.activities; create view staging.counted as select count(*)"
            " from staging.hashes; select 1",
        )
    assert all(isinstance(hash_, str) and len(hash_) == 32 for _, hash_ in _raw(target, env, first))
    assert CliRunner().invoke(app, ["load", str(later), *common], env=env).exit_code == 0

    assert _raw(target, env, first) == landed
    assert all(isinstance(hash_, int) for _, hash_ in landed)
    identities = "select count(distinct (ticket_id, record_hash, occurrence)) from raw.activities"
    assert _raw(target, env, identities) == [(4,)]
    if target == "postgres":
        views = "select count(*) from information_schema.views where table_schema = 'staging'"
        assert _raw(target, env, views) == [(0,)]  # dropped for the upgrade


def test_a_load_interrupted_before_its_ledger_file_is_removed(tmp_path: Path) -> None:
    """In the lake a load commits by its ledger file: rows of a load the ledger does not name
    (interrupted) are invisible to the models and removed by the next load."""
    lake = tmp_path / "lake"
    env = {"TICKETFLOW_LAKE": str(lake)}
    first = tmp_path / "first.jsonl"
    first.write_text(_records(1, 2), encoding="utf-8")
    common = ["--target", "spark", "--db", str(tmp_path / "w.duckdb"), "--quiet"]
    assert CliRunner().invoke(app, ["load", str(first), *common], env=env).exit_code == 0
    orphan = lake / "raw" / "activities" / "load_2.parquet"
    shutil.copy(lake / "raw" / "activities" / "load_1.parquet", orphan)
    (lake / "raw" / "loads" / ".load_2.parquet.tmp").write_bytes(b"partial")

    second = tmp_path / "second.jsonl"
    second.write_text(_records(2, 1), encoding="utf-8")
    assert CliRunner().invoke(app, ["load", str(second), *common], env=env).exit_code == 0

    assert sorted(path.name for path in (lake / "raw" / "activities").iterdir()) == [
        "load_1.parquet",
        "load_2.parquet",
    ]
    assert _raw("spark", env, "select load_id, ticket_id from raw.activities order by all") == [
        (1, 1),
        (1, 1),
        (2, 2),
    ]
    assert not list((lake / "raw" / "loads").glob(".*"))
