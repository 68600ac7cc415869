"""The dbt project used as a package (README, "Use as a dbt package"): a throwaway consumer
project with `packages.yml` (`local:`), the raw tables in a database and schema of its own
(the vars raw_database and raw_schema), its own status-name seed in place of the package's,
and source freshness measured on the data's own recency."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import REAL_TIME_ZONE, REPOSITORY, SEEDS
from typer.testing import CliRunner

from ticketflow.cli import app

pytestmark = pytest.mark.slow

DBT = Path(sys.executable).with_name("dbt")
# The consumer's mapping moves one real status name to another category than the package's.
REMAPPED_STATUS = "Esperando por cliente"
REMAPPED_CATEGORY = "waiting_on_third_party"


def dbt(consumer: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DBT), *args],
        cwd=consumer,
        env={**os.environ, "DBT_PROFILES_DIR": str(consumer)},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def make_consumer(directory: Path, real_files: list[Path]) -> Path:
    """A consumer project whose raw tables are `exports.landing.*` (an attached file)."""
    consumer = directory / "consumer"
    (consumer / "models").mkdir(parents=True)
    (consumer / "seeds").mkdir()
    raw = directory / "exports.duckdb"
    loaded = CliRunner().invoke(app, ["load", *map(str, real_files), "--db", str(raw), "-q"])
    assert loaded.exit_code == 0, loaded.output
    with duckdb.connect(str(raw)) as con:
        con.execute("create schema landing")
        for table in ("loads", "activities", "rejects"):
            con.execute(f"create table landing.{table} as from raw.{table}")
            con.execute(f"drop table raw.{table}")
    write_yaml(consumer / "packages.yml", {"packages": [{"local": str(REPOSITORY)}]})
    write_yaml(
        consumer / "dbt_project.yml",
        {
            "name": "consumer",
            "version": "1.0.0",
            "config-version": 2,
            "profile": "consumer",
            "vars": {
                "ticketflow": {
                    "raw_database": "exports",
                    "raw_schema": "landing",
                    "account_time_zone": REAL_TIME_ZONE,
                    "status_names": "consumer.my_status_names",
                }
            },
            # The package's unit tests expect the package's own status mapping.
            "unit_tests": {"ticketflow": {"+enabled": False}},
        },
    )
    write_yaml(
        consumer / "profiles.yml",
        {
            "consumer": {
                "target": "dev",
                "outputs": {
                    "dev": {
                        "type": "duckdb",
                        "path": str(directory / "consumer.duckdb"),
                        "threads": 2,
                        "attach": [{"path": str(raw), "alias": "exports", "read_only": True}],
                    }
                },
            }
        },
    )
    with (SEEDS / "ticketflow_status_names.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert any(row["status_name"] == REMAPPED_STATUS for row in rows)
    for row in rows:
        if row["status_name"] == REMAPPED_STATUS:
            row["status_category"] = REMAPPED_CATEGORY
    with (consumer / "seeds" / "my_status_names.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (consumer / "models" / "ticket_count.sql").write_text(
        "select count(*) as tickets from {{ ref('fct_ticket_metrics') }}\n"
    )
    return consumer


def test_the_project_builds_as_a_package_of_another_project(
    tmp_path: Path, real_files: list[Path]
) -> None:
    consumer = make_consumer(tmp_path, real_files)
    deps = dbt(consumer, "deps")
    assert deps.returncode == 0, deps.stdout + deps.stderr
    assert (consumer / "dbt_packages" / "ticketflow" / "dbt_project.yml").is_file()

    built = dbt(consumer, "build")
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr
    with duckdb.connect(str(tmp_path / "consumer.duckdb"), read_only=True) as con:
        con.execute(f"attach '{tmp_path / 'exports.duckdb'}' as exports (read_only)")
        tickets = con.execute("select count(distinct ticket_id) from exports.landing.activities")
        expected_tickets = tickets.fetchone()[0]
        assert con.execute("from main.ticket_count").fetchone() == (expected_tickets,)
        (schema,) = con.execute(
            "select schema_name from duckdb_tables() "
            "where database_name = 'consumer' and table_name = 'fct_ticket_status_intervals'"
        ).fetchone()
        categories = con.execute(
            f"select distinct status_category from {schema}.fct_ticket_status_intervals "
            "where status = ?",
            [REMAPPED_STATUS],
        ).fetchall()
        assert categories == [(REMAPPED_CATEGORY,)]
        # dbt read the consumer's seed
        assert con.execute(
            "select status_category from main.my_status_names where status_name = ?",
            [REMAPPED_STATUS],
        ).fetchall() == [(REMAPPED_CATEGORY,)]
        latest = con.execute(
            "select (select max(performed_at) from exports.landing.activities), "
            "(select max(metadata_end_at) from exports.landing.loads)"
        ).fetchone()

    # Freshness is the data's own recency (raw.loads.finished_at is when files were loaded).
    # The real exports are from April 2026: stale (exit 1) on any later clock.
    freshness = dbt(consumer, "source", "freshness")
    assert freshness.returncode in (0, 1), freshness.stdout + freshness.stderr
    sources = json.loads((consumer / "target" / "sources.json").read_text())
    measured = {result["unique_id"]: result["max_loaded_at"][:19] for result in sources["results"]}
    assert measured == {
        "source.ticketflow.raw.activities": latest[0].isoformat(),
        "source.ticketflow.raw.loads": latest[1].isoformat(),
    }
