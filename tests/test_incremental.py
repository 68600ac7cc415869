"""Incremental builds equal a full refresh (SPEC.md, "Incremental builds").

A generated history is loaded step by step: daily files one or a few at a time, a day loaded
out of order, a re-export of an old day (an activity dropped, one changed, a ticket added), a
late activity older than everything loaded, a build that stopped half-way, a changed var and
a changed seed. After each step the working database is built incrementally, a copy of it is
rebuilt with `--full-refresh`, and every mart must be equal, row for row. Each step also
checks that the build was the kind it should be: incremental, recomputing only some
tickets, or a full rebuild where the vars or seeds changed.

The same proof runs on DuckDB (two files; `make test`) and on Postgres (two databases of the
throwaway cluster of tests/conftest.py, through the postgres target; `make test-engines`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb
import pytest
from conftest import PostgresDatabase

from ticketflow import engines, generator, loader
from ticketflow.dbt import run_dbt
from ticketflow.marts import MARTS

REPOSITORY = Path(__file__).resolve().parents[1]
ACCOUNT = 1000001
DAYS = 22
TIME_ZONE = "America/Mexico_City"
# Seeds and models, not the data tests (the proof is the comparison; `make test` runs the
# tests on other builds): a cheaper build for each of the many steps.
MODELS_AND_SEEDS = [
    "build",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
]

# The builds of a step that run the data tests too, and two tests they compile: of an
# incremental table, and of a view scoped like one (meta.incremental_test_scope).
WITH_DATA_TESTS = ["build", "--exclude-resource-type", "unit_test"]
SCOPED_TESTS = (
    "int_activities_sequenced_one_row_per_record_identity",
    "fct_ticket_activities_one_row_per_activity",
)

pytestmark = pytest.mark.slow


def day_file(directory: Path, day: int) -> Path:
    return directory / f"activities_{ACCOUNT}_{day}_4_2026.json"


def write_export(path: Path, export: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(export, separators=(",", ":")), encoding="utf-8")
    return path


def reexport(original: Path, directory: Path) -> Path:
    """The same day exported again: one ticket's activities of that day gone (only the
    replaced load names that ticket), a status changed, a new ticket."""
    export = json.loads(original.read_text(encoding="utf-8"))
    dropped = export["activities_data"][0]["ticket_id"]
    activities = [a for a in export["activities_data"] if a["ticket_id"] != dropped]
    changed = next(a for a in activities if "status" in a["activity"])
    changed["activity"]["status"] = (
        "Pending" if changed["activity"]["status"] != "Pending" else "Open"
    )
    first = activities[0]
    activities.append(
        {
            "performed_at": first["performed_at"],
            "ticket_id": 9_000_001,
            "performer_type": "user",
            "performer_id": 7,
            "activity": {"new_ticket": True, "status": "Open", "priority": 2, "source": 1},
        }
    )
    export["activities_data"] = activities
    export["metadata"]["activities_count"] = len(activities)
    return write_export(directory / original.name, export)


def late_activity(directory: Path, ticket_id: int) -> Path:
    """A file of an old day (before every loaded file) with one status change of a ticket."""
    export = {
        "activities_data": [
            {
                "performed_at": "15-03-2026 12:00:00 +0000",
                "ticket_id": ticket_id,
                "performer_type": "user",
                "performer_id": 7,
                "activity": {"status": "Waiting on Customer", "group": "Late group"},
            }
        ],
        "metadata": {
            "start_at": "15-03-2026 06:00:00 +0000",
            "end_at": "16-03-2026 05:59:59 +0000",
            "activities_count": 1,
        },
    }
    return write_export(
        day_file(directory, 15).with_name(f"activities_{ACCOUNT}_15_3_2026.json"), export
    )


class Warehouse(ABC):
    """The working database built incrementally, and its twin: the same loads, in the same
    order (so the same load ids), rebuilt with `--full-refresh` at every step. The two builds
    of a step run side by side. `db` and `twin` name the two databases; each engine says how
    to load, build and query one of them."""

    db: Any
    twin: Any

    def __init__(self, tmp_path: Path) -> None:
        self.targets = tmp_path / "target"
        self.vars = {"account_time_zone": TIME_ZONE}

    def load(self, *paths: Path) -> None:
        for db in (self.db, self.twin):
            summary = self.load_into(db, list(paths))
            assert summary.ok, [result.message for result in summary.failed]

    def execute(self, sql: str) -> None:
        for db in (self.db, self.twin):
            self.execute_on(db, sql)

    @abstractmethod
    def load_into(self, db: Any, paths: list[Path]) -> loader.LoadSummary:
        """The loader's summary of loading `paths` into `db` (strict)."""

    @abstractmethod
    def execute_on(self, db: Any, sql: str) -> None:
        """A statement on `db`, committed."""

    @abstractmethod
    def dbt(self, db: Any, args: list[str]) -> None:
        """`dbt <args>` on `db` with this warehouse's vars."""

    @abstractmethod
    def query(self, db: Any, sql: str) -> list[tuple]:
        """The rows of a query on `db`."""

    @abstractmethod
    def ordered_mart(self, db: Any, mart: str) -> str:
        """A query of every column of `mart`, its rows ordered by all of them."""

    def build(self, args: list[str] = MODELS_AND_SEEDS) -> dict:
        """Build incrementally and rebuild the twin in full; the batch of the incremental one."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            builds = [
                pool.submit(self.dbt, self.db, args),
                pool.submit(self.dbt, self.twin, [*args, "--full-refresh"]),
            ]
            for build in builds:
                build.result()
        return self.batch()

    def compiled_test(self, db: Any, name: str) -> str:
        """The SQL dbt last compiled for the test `name` on `db`."""
        directory = self.targets / (db.stem if isinstance(db, Path) else str(db))
        (path,) = (directory / "compiled").rglob(f"{name}.*sql")
        return path.read_text(encoding="utf-8")

    def batch(self) -> dict:
        ((full, touched),) = self.query(
            self.db,
            "select batch.is_full_rebuild, (select count(*) from intermediate.int_touched_tickets)"
            " from intermediate.int_build_batch as batch",
        )
        ((tickets,),) = self.query(self.db, "select count(*) from marts.dim_tickets")
        return {"full": full, "touched": touched, "tickets": tickets}

    def assert_marts_equal(self) -> None:
        for mart in MARTS:
            incremental = self.query(self.db, self.ordered_mart(self.db, mart))
            full = self.query(self.twin, self.ordered_mart(self.twin, mart))
            assert len(incremental) == len(full), mart
            assert incremental == full, (
                mart,
                sorted(set(incremental) - set(full))[:3],
                sorted(set(full) - set(incremental))[:3],
            )


class DuckDBWarehouse(Warehouse):
    """Two DuckDB files."""

    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path)
        self.db = tmp_path / "warehouse.duckdb"
        self.twin = tmp_path / "full_refresh.duckdb"

    def load_into(self, db: Path, paths: list[Path]) -> loader.LoadSummary:
        return loader.load_paths(paths, db, strict=True)

    def execute_on(self, db: Path, sql: str) -> None:
        with duckdb.connect(str(db)) as con:
            con.execute(sql)

    def dbt(self, db: Path, args: list[str]) -> None:
        run_dbt(args, db, dbt_vars=self.vars, target_path=self.targets / db.stem)

    def query(self, db: Path, sql: str) -> list[tuple]:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(sql).fetchall()

    def ordered_mart(self, db: Path, mart: str) -> str:
        return f"select * from marts.{mart} order by all"


class PostgresWarehouse(Warehouse):
    """Two databases of one Postgres cluster, loaded, built and read through the postgres
    target (`ticketflow.engines`), each named by its libpq variables."""

    def __init__(self, tmp_path: Path, create_database: PostgresDatabase) -> None:
        super().__init__(tmp_path)
        self.db, self.twin = "incremental", "full_refresh"
        self.work = tmp_path
        self.env = {name: create_database(name) for name in (self.db, self.twin)}
        # The engine reads the libpq variables when it is made: one engine per database.
        self.engines: dict[str, engines.Engine] = {}
        for name, env in self.env.items():
            with mock.patch.dict(os.environ, env):
                self.engines[name] = engines.get("postgres")

    def load_into(self, db: str, paths: list[Path]) -> loader.LoadSummary:
        return self.engines[db].load(paths, None, strict=True, account=None)

    def execute_on(self, db: str, sql: str) -> None:
        connection = self.engines[db].connect()
        try:
            with connection, connection.cursor() as cursor:  # commits
                cursor.execute(sql)
        finally:
            connection.close()

    def dbt(self, db: str, args: list[str]) -> None:
        run_dbt(
            args,
            self.work / f"{db}.duckdb",  # the DuckDB path run_dbt takes: not opened here
            dbt_vars=self.vars,
            target_path=self.targets / db,
            target="postgres",
            extra_env=self.env[db],
        )

    def query(self, db: str, sql: str) -> list[tuple]:
        connection = self.engines[db].connect()
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            connection.close()

    def ordered_mart(self, db: str, mart: str) -> str:
        """Postgres has no `order by all`: the columns from information_schema, JSON as its
        text (json has no equality, and parsed it is a dict, which a set cannot hold)."""
        columns = self.query(
            db,
            "select column_name, data_type from information_schema.columns"
            f" where table_schema = 'marts' and table_name = '{mart}' order by ordinal_position",
        )
        assert columns, mart
        select = ", ".join(
            f'"{name}"::text' if data_type == "json" else f'"{name}"' for name, data_type in columns
        )
        positions = ", ".join(str(position) for position in range(1, len(columns) + 1))
        return f"select {select} from marts.{mart} order by {positions}"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.engines)])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Warehouse:
    """The two databases on DuckDB (`make test`) or Postgres (`make test-engines`)."""
    if request.param == "postgres":
        return PostgresWarehouse(tmp_path, request.getfixturevalue("postgres_database"))
    return DuckDBWarehouse(tmp_path)


def assert_incremental(batch: dict) -> None:
    assert not batch["full"]
    assert 0 < batch["touched"] < batch["tickets"]


def test_incremental_builds_equal_a_full_refresh(tmp_path: Path, warehouse: Warehouse) -> None:
    days = tmp_path / "days"
    generator.write_activities(
        days, tickets=120, days=DAYS, seed=11, daily=True, start="2026-04-01"
    )

    # The first build is a full one: there is nothing to add to.
    warehouse.load(*(day_file(days, day) for day in range(1, 6)))
    assert warehouse.build()["full"]

    # One day, then a day out of order: 8, then 7 (its activities older than day 8's).
    for day in (8, 7):
        warehouse.load(day_file(days, day))
        assert_incremental(warehouse.build())
        warehouse.assert_marts_equal()

    # A re-export of day 3 replaces its load; a build stops half-way (only the batch and the
    # first incremental model), and the next build finishes the batch.
    warehouse.load(reexport(day_file(days, 3), tmp_path / "reexport"))
    warehouse.dbt(
        warehouse.db,
        ["run", "-s", "int_build_batch", "int_touched_tickets", "int_activities_sequenced"],
    )
    assert_incremental(warehouse.build())
    warehouse.assert_marts_equal()

    # A late activity, older than everything loaded, on a ticket of the first day.
    ((ticket_id,),) = warehouse.query(
        warehouse.db, "select min(ticket_id) from marts.dim_tickets where ticket_id < 9000000"
    )
    warehouse.load(late_activity(tmp_path / "late", ticket_id))
    assert_incremental(warehouse.build(WITH_DATA_TESTS))
    warehouse.assert_marts_equal()

    # The rest of the days in one build, day 6 among them (older than all but five). This
    # build and the one before run the data tests: after a tested build, an incremental
    # build's tests read only the rows it wrote (macros/incremental.sql), and pass.
    warehouse.load(*(day_file(days, day) for day in (6, *range(9, DAYS + 1))))
    assert_incremental(warehouse.build(WITH_DATA_TESTS))
    warehouse.assert_marts_equal()
    for test in SCOPED_TESTS:
        assert "int_touched_tickets" in warehouse.compiled_test(warehouse.db, test)
        assert "int_touched_tickets" not in warehouse.compiled_test(warehouse.twin, test)

    # A changed var (the account time zone) rebuilds in full by itself; so does a changed
    # seed (loaded as `dbt seed` would).
    warehouse.vars = {"account_time_zone": "UTC"}
    assert warehouse.build(["run"])["full"]
    warehouse.assert_marts_equal()
    warehouse.execute(
        "update seeds.ticketflow_sla_policies set first_response_target_seconds = 60"
        " where priority = 2"
    )
    assert warehouse.build(["run"])["full"]
    warehouse.assert_marts_equal()


def test_an_incremental_build_tests_the_rows_it_wrote_until_they_pass(tmp_path: Path) -> None:
    """In an incremental `dbt build` after a tested build, a data test reads only the rows the
    build wrote (`get_where_subquery`, macros/incremental.sql); after a failed test or a
    build without tests, the next build tests every row, so a failure is not passed over."""
    project = tmp_path / "project"
    shutil.copytree(REPOSITORY / "dbt_project", project / "dbt_project")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPOSITORY / name, project / name)
    # A test of a ticket-grain mart that fails on the rows of the ticket the var names.
    (project / "dbt_project" / "tests" / "assert_ticket_is_not_named.sql").write_text(
        "select ticket_id from {{ get_where_subquery(ref('fct_ticket_activities')) }}\n"
        "where ticket_id = {{ var('failing_ticket', -1) }}\n",
        encoding="utf-8",
    )
    days = tmp_path / "days"
    generator.write_activities(days, tickets=40, days=8, seed=5, daily=True, start="2026-04-01")
    tickets = {
        day: {
            a["ticket_id"] for a in json.loads(day_file(days, day).read_text())["activities_data"]
        }
        for day in (1, 2, 7, 8)
    }
    untouched = min(tickets[1] - tickets[7] - tickets[8])
    touched = min(tickets[8] - tickets[7])
    db = tmp_path / "warehouse.duckdb"

    def build(failing_ticket: int, *extra: str, command: str = "build") -> set[str]:
        """The names of the tests that failed; the named ticket's test must have run."""
        results_file = tmp_path / "target" / "run_results.json"
        results_file.unlink(missing_ok=True)
        args = [str(Path(sys.executable).with_name("dbt"))]
        args += [*(WITH_DATA_TESTS if command == "build" else [command]), *extra]
        args += ["--project-dir", str(project), "--profiles-dir", str(project)]
        args += ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path)]
        args += ["--vars", json.dumps({"failing_ticket": failing_ticket})]
        env = {**os.environ, "TICKETFLOW_DB": str(db)}
        ran = subprocess.run(args, env=env, capture_output=True, text=True)
        assert ran.returncode in (0, 1), ran.stdout[-2000:]
        results = json.loads(results_file.read_text())["results"]
        statuses = {r["unique_id"].split(".")[2]: r["status"] for r in results}
        if command == "build":
            assert statuses["assert_ticket_is_not_named"] in ("pass", "fail")
        return {name for name, status in statuses.items() if status in ("fail", "error")}

    def load(day: int) -> None:
        assert loader.load_paths([day_file(days, day)], db, strict=True).ok

    load(1)
    load(2)
    assert build(-1) == set()
    load(7)
    # The untouched ticket's rows were tested by the build that wrote them: not read again.
    assert build(untouched) == set()
    assert build(untouched, "--full-refresh") == {"assert_ticket_is_not_named"}
    assert build(-1) == set()
    load(8)
    assert build(touched) == {"assert_ticket_is_not_named"}
    # No new load; the failed build was not tested, so this one tests every row again.
    assert build(touched) == {"assert_ticket_is_not_named"}
    assert build(-1) == set()
    assert build(touched) == set()
    # A build that ran no tests (`dbt run`): the next build tests every row again.
    assert build(-1, command="run") == set()
    assert build(untouched) == {"assert_ticket_is_not_named"}
