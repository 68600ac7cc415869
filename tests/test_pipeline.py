"""End to end: `ticketflow run` on a small generated set, the real Freshdesk files through
load -> dbt build -> report, and BI readers of serve.duckdb while dbt builds."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from conftest import ReportCells
from typer.testing import CliRunner

from ticketflow import dbt, loader
from ticketflow.cli import app
from ticketflow.marts import MARTS
from ticketflow.pipeline import STAGES, activity_format, report_paths, run
from ticketflow.report import write_report

pytestmark = pytest.mark.slow
runner = CliRunner()


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, str]] = []

    def stage_started(self, number: int, name: str, description: str) -> None:
        self.events.append(("start", number, name))

    def stage_detail(self, line: str) -> None:
        pass

    def stage_finished(self, number: int, name: str, summary: str, seconds: float) -> None:
        self.events.append(("finish", number, name))


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("run")
    recorder = Recorder()
    result = run(
        tickets=60,
        activities_path=work / "activities.jsonl.gz",
        report_path=work / "report.txt",
        db_path=work / "warehouse.duckdb",
        seed=11,
        progress=recorder,
        target_path=work / "target",
    )
    return result, recorder, work


def test_run_goes_through_every_stage_and_writes_everything(pipeline_run) -> None:
    result, recorder, work = pipeline_run
    assert recorder.events == [
        (event, number, name)
        for number, name in enumerate(STAGES, start=1)
        for event in ("start", "finish")
    ]
    assert result.tickets == 60
    assert result.build.ok and not result.build.failures
    assert result.reports == (work / "report.txt", work / "report.html", work / "report.csv")
    assert all(path.is_file() for path in result.reports)
    assert (work / "serve.duckdb").is_file()
    assert sorted(p.name for p in (work / "parquet").iterdir()) == sorted(
        f"{m}.parquet" for m in MARTS
    )
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        loaded = con.execute("select count(*) from raw.activities").fetchone()[0]
        tickets = con.execute("select count(*) from marts.fct_ticket_metrics").fetchone()[0]
    assert loaded == result.activities
    assert tickets == 60
    assert result.publication.rows["fct_ticket_metrics"] == 60
    with (work / "report.csv").open(newline="") as handle:
        headline = [row for row in csv.DictReader(handle) if row["section"] == "headline"]
    assert headline[0] == {"section": "headline", "row": "1", "column": "created", "value": "60"}


def test_run_reports_match_the_built_marts(pipeline_run, report_cells: ReportCells) -> None:
    _, _, work = pipeline_run
    text = (work / "report.txt").read_text()
    db = work / "warehouse.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        as_of = con.execute("select max(as_of) from marts.fct_ticket_metrics").fetchone()[0]
        groups = [
            g
            for (g,) in con.execute("select distinct group_name from marts.dim_tickets").fetchall()
        ]
    assert f"; as of {as_of:%Y-%m-%d %H:%M:%S} UTC." in text
    assert re.search(r"^  Created +60 +tickets created in the period$", text, re.MULTILINE)
    ranked = text.split("\nGroups ranked\n", 1)[1].split("\n\n\n", 1)[0]
    for group in groups:
        cells = [group, *report_cells(db, f"metrics.group_name = '{group}'")]
        assert re.search(r"^  " + r"\s{2,}".join(map(re.escape, cells)) + "$", ranked, re.M)
    html = (work / "report.html").read_text()
    assert "https://" not in html and "http://" not in html


def test_sqlalchemy_reads_serve_duckdb_while_dbt_builds(pipeline_run) -> None:
    _, _, work = pipeline_run
    engine = sa.create_engine(
        f"duckdb:///{work / 'serve.duckdb'}", connect_args={"read_only": True}
    )
    build = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from ticketflow import dbt; "
            "dbt.build(Path(sys.argv[1]), target_path=Path(sys.argv[2]))",
            str(work / "warehouse.duckdb"),
            str(work / "target"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    reads_during_build = 0
    counts = set()
    with engine.connect() as con:
        while build.poll() is None:
            counts.add(
                con.execute(sa.text("select count(*) from marts.fct_ticket_metrics")).scalar()
            )
            reads_during_build += build.poll() is None
    output = build.communicate()[0].decode()
    engine.dispose()
    assert build.returncode == 0, output
    assert reads_during_build > 0
    assert counts == {60}


def test_cli_run_stops_at_the_failing_stage(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(
        app,
        [
            "run",
            "-n",
            "5",
            "-o",
            str(blocker / "activities.jsonl"),
            "-r",
            str(tmp_path / "report.txt"),
            "--db",
            str(tmp_path / "w.duckdb"),
            "--quiet",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: generate failed: cannot write {blocker}/activities.jsonl: "
        f"{blocker} is not a directory\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("x.report.txt", ("x.report.txt", "x.report.html", "x.report.csv")),
        ("r.md", ("r.md", "r.html", "r.csv")),
        ("r.html", ("r.html", "r.csv")),
    ],
)
def test_report_paths(report: str, expected: tuple[str, ...]) -> None:
    assert tuple(p.name for p in report_paths(Path(report))) == expected


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("x.json", "export"), ("x.JSON.gz", "export"), ("a.jsonl.gz", "jsonl"), ("a", "jsonl")],
)
def test_activity_format(name: str, fmt: str) -> None:
    assert activity_format(Path(name)) == fmt


def test_real_freshdesk_files_end_to_end(tmp_path: Path, real_files: list[Path]) -> None:
    db = tmp_path / "warehouse.duckdb"
    summary = loader.load_paths(real_files, db)
    assert summary.ok
    dbt.build(db, target_path=tmp_path / "target")
    text = write_report(db, tmp_path / "report.txt").read_text()
    with duckdb.connect(str(db), read_only=True) as con:
        tickets, unresolved = con.execute(
            "select count(*), count(*) filter (where status_category is not null"
            " and not is_resolved) from marts.fct_ticket_metrics"
        ).fetchone()
        oldest = con.execute(
            "select ticket_id from marts.fct_ticket_metrics where status_category is not null"
            " and not is_resolved order by created_at, ticket_id limit 1"
        ).fetchone()[0]
    assert re.search(rf"^  Backlog +{unresolved:,} +unresolved at the end$", text, re.MULTILINE)
    assert tickets == 44
    section = text.split("Oldest unresolved tickets (top 10)\n", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("  ")]
    assert rows[1].split()[0] == str(oldest)
    result = runner.invoke(app, ["export", "--sqlite", str(tmp_path / "x.sqlite"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Exported to {tmp_path / 'x.sqlite'}: ticket {tickets}, ")
