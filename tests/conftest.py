"""Shared pytest fixtures; each part of the project keeps its fixtures in its own section."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.dbt import build
from ticketflow.publish import publish
from ticketflow.report.units import format_duration, format_hours, format_share

# --- the shared Freshdesk files (../shared/fixtures beside the repository) ------------------

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
SPEC_SAMPLE = SHARED_FIXTURES / "spec-sample.json"
REAL_FILES = sorted((SHARED_FIXTURES / "freshdesk-real").glob("activities_*.json"))


@pytest.fixture(scope="session")
def real_files() -> list[Path]:
    """The twelve real Freshdesk export files, in name order."""
    assert len(REAL_FILES) == 12, f"expected the twelve real exports in {SHARED_FIXTURES}"
    return REAL_FILES


@pytest.fixture(scope="session")
def spec_sample() -> Path:
    """SPEC.md's original two-activity export sample."""
    assert SPEC_SAMPLE.is_file(), f"missing {SPEC_SAMPLE}"
    return SPEC_SAMPLE


# --- report, publish, export (ticketflow/) ---------------------------------------------------

REPOSITORY = Path(__file__).resolve().parents[1]
MART_CONTRACTS = REPOSITORY / "dbt_project" / "models" / "marts" / "_marts__models.yml"
SEEDS = REPOSITORY / "dbt_project" / "seeds"
HANDMADE_MARTS = Path(__file__).parent / "fixtures" / "handmade_marts.sql"
PLAIN_TYPE = re.compile(r"[a-z][a-z0-9_]*")


def mart_contracts() -> dict[str, list[tuple[str, str]]]:
    """Each mart's contract: (column, data_type) in contract order, from the marts' YAML."""
    contracts = {}
    for model in yaml.safe_load(MART_CONTRACTS.read_text())["models"]:
        columns = [(column["name"], column["data_type"]) for column in model["columns"]]
        for name, data_type in columns:
            assert PLAIN_TYPE.fullmatch(data_type), f"{model['name']}.{name}: {data_type!r}"
        contracts[model["name"]] = columns
    return contracts


def create_contract_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty `marts.<mart>` tables with the contracts' columns and types, in contract order."""
    con.execute("create schema marts")
    for mart, columns in mart_contracts().items():
        con.execute(f"create table marts.{mart} ({', '.join(f'{n} {t}' for n, t in columns)})")


def create_seed_tables(con: duckdb.DuckDBPyConnection) -> None:
    """`seeds.<seed>` from dbt_project/seeds, typed by the seeds' `column_types`, as dbt does."""
    con.execute("create schema seeds")
    for seed in yaml.safe_load((SEEDS / "_seeds.yml").read_text())["seeds"]:
        column_types = seed["config"]["column_types"].items()
        # A type may be chosen by the engine in Jinja (string on Spark): as dbt renders it here.
        types = ", ".join(f"'{n}': '{_render_for_duckdb(t)}'" for n, t in column_types)
        con.execute(
            f"create table seeds.{seed['name']} as select * from read_csv(?, header = true, "
            f"columns = {{{types}}})",
            [str(SEEDS / f"{seed['name']}.csv")],
        )


def _render_for_duckdb(text: str) -> str:
    return jinja2.Template(text).render(target={"type": "duckdb"})


@pytest.fixture
def handmade_marts(tmp_path: Path) -> Path:
    """A working DuckDB file holding six hand-made tickets in the six marts (no dbt needed).

    The marts are created from the dbt contracts and the seeds from dbt_project/seeds; the
    rows, small enough to check by hand, are in tests/fixtures/handmade_marts.sql.
    """
    db_path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db_path)) as con:
        create_contract_tables(con)
        create_seed_tables(con)
        con.execute(HANDMADE_MARTS.read_text())
    return db_path


ReportCells = Callable[..., list[str]]


def _expected_report_cells(db_path: Path, where: str = "true") -> list[str]:
    """A breakdown row's cells after its label (tickets, solved, median first response in
    calendar and business time, the same for resolution, SLA compliance of first response and
    resolution, reopen rate), computed here straight from the marts."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(
            f"""
            select count(*), count(*) filter (where metrics.is_resolved),
                median(metrics.first_response_seconds),
                median(metrics.first_response_business_seconds),
                median(metrics.resolution_seconds), median(metrics.resolution_business_seconds),
                count(*) filter (where metrics.first_response_sla_status = 'met'),
                count(*) filter (where metrics.first_response_sla_status in ('met', 'breached')),
                count(*) filter (where metrics.resolution_sla_status = 'met'),
                count(*) filter (where metrics.resolution_sla_status in ('met', 'breached')),
                count(*) filter (where metrics.reopen_count > 0),
                count(*) filter (where metrics.resolution_count > 0)
            from marts.fct_ticket_metrics as metrics
            inner join marts.dim_tickets as tickets on metrics.ticket_id = tickets.ticket_id
            where {where}
            """
        ).fetchone()
    tickets, solved, *medians = row[:6]
    fr_met, fr_decided, res_met, res_decided, reopened, ever = row[6:]
    return [
        f"{tickets:,}",
        f"{solved:,}",
        *(
            (format_hours if business else format_duration)(median)
            for median, business in zip(medians, (False, True, False, True), strict=True)
        ),
        *(
            format_share(part / whole if whole else None)
            for part, whole in ((fr_met, fr_decided), (res_met, res_decided), (reopened, ever))
        ),
    ]


@pytest.fixture
def report_cells() -> ReportCells:
    """`report_cells(db, where="true")`: a breakdown row's expected cells after its label."""
    return _expected_report_cells


# --- a built and published warehouse, for the BI tests (dbt; shared by the session) ----------

REAL_TIME_ZONE = "America/Mexico_City"  # the real account's zone (its days start 06:00 UTC)


@dataclass(frozen=True)
class PublishedBuild:
    db: Path  # the working file
    serve: Path  # the published serve.duckdb
    # A dbt project directory (links to the repository's files) whose target/ holds this
    # build's artifacts: `mf` reads `<project>/target/semantic_manifest.json`.
    project: Path
    time_zone: str


@pytest.fixture(scope="session")
def published_build(
    tmp_path_factory: pytest.TempPathFactory, real_files: list[Path]
) -> PublishedBuild:
    """The twelve real files loaded, built by dbt in the account's own zone and published,
    once for the session (tests/test_bi.py, tests/test_semantic.py)."""
    work = tmp_path_factory.mktemp("published")
    project = work / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "dbt_project"):
        (project / name).symlink_to(REPOSITORY / name)
    db = work / "warehouse.duckdb"
    loaded = CliRunner().invoke(app, ["load", *map(str, real_files), "--db", str(db), "-q"])
    assert loaded.exit_code == 0, loaded.output
    run = build(db, time_zone=REAL_TIME_ZONE, target_path=project / "target")
    assert run.ok, run.output
    return PublishedBuild(db, publish(db).serve_path, project, REAL_TIME_ZONE)


# --- a throwaway Postgres cluster (tests/test_engines.py, tests/test_incremental.py) ----------


def _postgres_bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        bindir = subprocess.run(
            [found, "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if (Path(bindir) / "initdb").exists():
            return Path(bindir)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert candidates, "Postgres's server programs are missing (make test-engines installs them)"
    return candidates[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres() -> Iterator[dict[str, str]]:
    """libpq variables of a new cluster (trust authentication, localhost only) and its
    database `ticketflow`; started when a test first asks for it, stopped at the session's
    end, whatever happens."""
    bindir = _postgres_bindir()
    # Not under pytest's folder, which the `postgres` user could not enter.
    root = Path(tempfile.mkdtemp(prefix="ticketflow-postgres-"))
    data = root / "data"
    # initdb refuses to run as root: then the cluster belongs to the `postgres` user.
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(root, "postgres")
    port = _free_port()

    def pg(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, cwd=root)

    try:
        pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "ticketflow", "--no-sync")
        options = f"-p {port} -c listen_addresses=localhost -k {root} -c fsync=off"
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options, "-w",
           "start")  # fmt: skip
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        raise AssertionError(f"Postgres did not start: {error.stderr}") from None
    try:
        env = {"PGHOST": "localhost", "PGPORT": str(port), "PGUSER": "ticketflow"}
        _create_postgres_database(env, "ticketflow")
        yield {**env, "PGDATABASE": "ticketflow", "PGPASSWORD": ""}
    finally:
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _create_postgres_database(env: dict[str, str], name: str) -> None:
    subprocess.run(
        ["psql", "-d", "postgres", "-c", f"create database {name}"],
        check=True,
        capture_output=True,
        env={**os.environ, **env},
    )


PostgresDatabase = Callable[[str], dict[str, str]]


@pytest.fixture
def postgres_database(postgres: dict[str, str]) -> PostgresDatabase:
    """`postgres_database(name)`: a new database `name` in the cluster; its libpq variables."""

    def create(name: str) -> dict[str, str]:
        _create_postgres_database(postgres, name)
        return {**postgres, "PGDATABASE": name}

    return create
