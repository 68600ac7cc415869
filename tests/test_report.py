"""The report: units, each format's content checked against the marts, errors."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import ReportCells, mart_contracts
from typer.testing import CliRunner

from ticketflow import charts
from ticketflow.cli import app
from ticketflow.report import FORMATS, ReportError, queries, write_report, write_reports
from ticketflow.report.catalogue import METRICS, category_label
from ticketflow.report.queries import collect
from ticketflow.report.units import format_duration, format_number
from ticketflow.warehouse import WarehouseError

runner = CliRunner()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "-"),
        (0, "0s"),
        (0.4, "0s"),
        (45, "45s"),
        (90, "1m 30s"),
        (3_569.6, "59m 30s"),
        (3_600, "1h"),
        (3_629, "1h"),
        (3_631, "1h 1m"),
        (86_399, "1d"),
        (187_200, "2d 4h"),
        (1_209_600, "14d"),
        (-90, "-1m 30s"),
    ],
)
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("value", "text"), [(None, "-"), (0, "0"), (0.5, "0.5"), (1.25, "1.25"), (2.0 / 3, "0.67")]
)
def test_format_number(value: float | None, text: str) -> None:
    assert format_number(value) == text


def test_every_metric_is_a_numeric_column_of_the_metrics_contract() -> None:
    contract = dict(mart_contracts()["fct_ticket_metrics"])
    assert {m.column: contract.get(m.column) for m in METRICS} == {
        m.column: "bigint" for m in METRICS
    }


@pytest.mark.parametrize(
    ("category", "label"),
    [
        ("open", "Open"),
        ("pending", "Pending"),
        ("waiting_on_customer", "Waiting on Customer"),
        ("waiting_on_third_party", "Waiting on Third Party"),
        ("other", "Other"),
        ("on_hold", "On Hold"),
    ],
)
def test_category_label(category: str, label: str) -> None:
    assert category_label(category) == label


def test_backlog_categories_are_the_unsolved_backlog_columns(handmade_marts: Path) -> None:
    unsolved = ("open", "pending", "waiting_on_customer", "waiting_on_third_party", "other")
    with duckdb.connect(str(handmade_marts), read_only=True) as con:
        data = collect(con)
    assert data.backlog_categories == unsolved
    assert data.days[-1].backlog == dict(zip(unsolved, [1, 1, 1, 0, 0], strict=True))
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute(
            "update seeds.ticketflow_status_categories set is_solved = true "
            "where status_category = 'other'"
        )
        assert collect(con).backlog_categories == unsolved[:-1]


def test_report_without_the_status_categories_seed(handmade_marts: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("drop table seeds.ticketflow_status_categories")
    with pytest.raises(WarehouseError) as caught:
        write_report(handmade_marts, tmp_path / "r.txt")
    assert str(caught.value) == (
        f"{handmade_marts}: missing seeds.ticketflow_status_categories (run `dbt build` first)"
    )
    assert not (tmp_path / "r.txt").exists()
    assert write_report(handmade_marts, tmp_path / "r.csv").is_file()


def _text_row(text: str, cells: list[str]) -> bool:
    """Is there a text-table line of exactly `cells` (columns are 2+ spaces apart)?"""
    pattern = r"^ +" + r"\s{2,}".join(map(re.escape, cells)) + r"$"
    return re.search(pattern, text, re.MULTILINE) is not None


def test_text_report_overall_numbers_match_the_marts(
    handmade_marts: Path, tmp_path: Path, report_cells: ReportCells
) -> None:
    out = write_report(handmade_marts, tmp_path / "report.txt")
    text = out.read_text()
    assert "As of: 2026-04-20 00:00:00 UTC" in text
    assert (
        "Resolved or closed now: 3; unresolved: 3; status unknown (no status exported): 0;"
        " reopened at least once: 2"
    ) in text
    expected = report_cells(handmade_marts)
    for metric in METRICS:
        assert _text_row(text, [metric.label, metric.scope_label, *expected[metric.column]])
    # the same numbers worked out by hand from tests/fixtures/handmade_marts.sql
    assert expected["first_response_seconds"] == ["5", "42m 20s", "30m", "1h 32m"]


@pytest.mark.parametrize(
    ("title", "label", "where"),
    [
        ("Priority", "2 Medium", "priority = 2"),
        ("Group", "Billing", "group_name = 'Billing'"),
        ("Group", "(no group)", "group_name is null"),
        ("Agent", "10", "agent_id = 10"),
        ("Agent", "(unassigned)", "agent_id is null"),
    ],
)
def test_text_report_breakdowns_match_the_marts(
    handmade_marts: Path,
    tmp_path: Path,
    report_cells: ReportCells,
    title: str,
    label: str,
    where: str,
) -> None:
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    expected = report_cells(handmade_marts, where)
    for metric in METRICS:
        section = text.split(f"\n{metric.label} (over {metric.scope_label})\n", 1)[1]
        table = section.split(f"By {title.lower()}:\n\n", 1)[1].split("\n\n", 1)[0]
        if expected[metric.column][0] == "0":
            assert f"  {label}  " not in table, (metric.label, table)
        else:
            assert _text_row(table, [label, *expected[metric.column]]), (metric.label, table)


def test_text_report_lists_the_oldest_unresolved_tickets(
    handmade_marts: Path, tmp_path: Path
) -> None:
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    oldest = text.split("Oldest unresolved tickets (top 10)\n", 1)[1].splitlines()[3:]
    assert [line.split()[0] for line in oldest if line.strip()] == ["2", "4", "5"]
    assert _text_row(
        text, ["2", "2026-04-15 09:00:00 UTC", "4d 15h", "Open", "2 Medium", "Billing", "11"]
    )


def test_markdown_report_has_tables_with_the_same_numbers(
    handmade_marts: Path, tmp_path: Path, report_cells: ReportCells
) -> None:
    text = write_report(handmade_marts, tmp_path / "report.md").read_text()
    assert text.startswith("# Ticket metrics report\n")
    assert "| Metric | Over | Count | Mean | Median | p90 |\n| :--- | :--- | ---: |" in text
    expected = report_cells(handmade_marts, "group_name = 'Shipping'")
    assert "| Shipping | " + " | ".join(expected["seconds_open"]) + " |" in text
    assert "| 4 | 2026-04-17 11:00:00 UTC | 2d 13h | Pending | 3 High | (no group) |" in text


def test_csv_report_is_fct_ticket_metrics(handmade_marts: Path, tmp_path: Path) -> None:
    out = write_report(handmade_marts, tmp_path / "metrics.csv")
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    with duckdb.connect(str(handmade_marts), read_only=True) as con:
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_name = 'fct_ticket_metrics' order by ordinal_position"
            ).fetchall()
        ]
        ids = [
            i
            for (i,) in con.execute(
                "select ticket_id from marts.fct_ticket_metrics order by ticket_id"
            ).fetchall()
        ]
    assert list(rows[0]) == columns
    assert [int(row["ticket_id"]) for row in rows] == ids
    assert rows[1]["resolution_seconds"] == ""
    assert rows[2]["seconds_waiting_on_third_party"] == "86400"
    assert rows[0]["created_at"] == "2026-04-15 08:00:00"


def test_html_report_is_self_contained(handmade_marts: Path, tmp_path: Path) -> None:
    html = write_report(handmade_marts, tmp_path / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"@import|url\(|https?://|<script|<link", html, re.IGNORECASE)
    assert html.count("<svg ") == 5
    for title in (
        "Time in status per ticket",
        "Median first response and resolution by group",
        "Median first response and resolution by priority",
        "Tickets created and resolved per account-local day",
        "Unresolved backlog at the end of each account-local day, by status",
    ):
        assert f'aria-label="{title}"' in html


def test_html_report_numbers_match_the_marts(
    handmade_marts: Path, tmp_path: Path, report_cells: ReportCells
) -> None:
    html = write_report(handmade_marts, tmp_path / "report.html").read_text()
    fr = report_cells(handmade_marts)["first_response_seconds"]
    assert f'<div class="value">{fr[2]}</div>' in html  # median first response card
    assert f"p90 {fr[3]}, n={fr[0]}" in html
    # time in status box plot: median and p90 of the tickets that were Pending
    pending = report_cells(handmade_marts)["seconds_pending"]
    assert f"median {pending[2]} · p90 {pending[3]} · n={pending[0]}" in html
    # backlog chart axis reaches the largest end-of-day unresolved backlog (3 tickets)
    assert ">3</text>" in html


@pytest.mark.parametrize("suffix", [".txt", ".md", ".csv", ".html"])
def test_report_is_deterministic(handmade_marts: Path, tmp_path: Path, suffix: str) -> None:
    first = write_report(handmade_marts, tmp_path / f"a{suffix}").read_bytes()
    second = write_report(handmade_marts, tmp_path / f"b{suffix}").read_bytes()
    assert first == second


def test_write_reports_writes_every_format_from_one_collection(
    handmade_marts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = {
        suffix: write_report(handmade_marts, tmp_path / f"alone{suffix}") for suffix in FORMATS
    }
    collections = []
    monkeypatch.setattr(queries, "collect", lambda con: collections.append(con) or collect(con))
    paths = [tmp_path / "together" / f"report{suffix}" for suffix in FORMATS]
    assert write_reports(handmade_marts, paths) == tuple(paths)
    assert len(collections) == 1
    for path in paths:
        assert path.read_bytes() == alone[path.suffix].read_bytes(), path.name


def test_write_reports_checks_every_format_before_writing(
    handmade_marts: Path, tmp_path: Path
) -> None:
    paths = [tmp_path / "out" / "report.txt", tmp_path / "out" / "report.pdf"]
    with pytest.raises(ReportError) as caught:
        write_reports(handmade_marts, paths)
    assert str(caught.value) == (
        f"{paths[1]}: unknown report format '.pdf'; use .txt, .md, .csv, .html"
    )
    assert not (tmp_path / "out").exists()


def test_report_of_empty_marts(handmade_marts: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        for table in ("fct_ticket_metrics", "dim_tickets", "fct_daily_ticket_summary"):
            con.execute(f"delete from marts.{table}")
    text = write_report(handmade_marts, tmp_path / "r.txt").read_text()
    assert "As of: -" in text
    assert _text_row(text, ["Time Open", "tickets that were Open", "0", "-", "-", "-"])
    html = write_report(handmade_marts, tmp_path / "r.html").read_text()
    assert "No unresolved tickets." in html


def test_cli_report_writes_the_file(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "report.md"
    result = runner.invoke(app, ["report", "-o", str(out), "--db", str(handmade_marts)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Report written to {out}\n"
    assert out.read_text().startswith("# Ticket metrics report")


def test_cli_report_unknown_format(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", "-o", str(out), "--db", str(handmade_marts)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: unknown report format '.pdf'; use .txt, .md, .csv, .html\n"
    )
    assert not out.exists()


def test_report_without_marts(tmp_path: Path) -> None:
    db = tmp_path / "raw_only.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(WarehouseError) as caught:
        write_report(db, tmp_path / "r.txt")
    assert str(caught.value) == (
        f"{db}: missing marts.dim_tickets, marts.dim_ticket_details, "
        "marts.fct_ticket_activities, marts.fct_ticket_status_intervals, "
        "marts.fct_ticket_metrics, marts.fct_daily_ticket_summary (run `dbt build` first)"
    )
    assert not (tmp_path / "r.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["raw_only.duckdb"]


def test_daily_chart_breaks_the_line_on_a_missing_day_and_shades_it() -> None:
    days = [date(2026, 4, 24), date(2026, 4, 25), date(2026, 4, 26), date(2026, 4, 27)]
    svg = charts.daily_lines(
        days, [("Created", [3, 1, None, 2])], "t", marks={2: "missing", 3: "partial"}
    )
    # Two stretches (24-25, then 27 alone): one polyline each, no point drawn for the 26th.
    assert svg.count("<polyline ") == 2
    assert svg.count("<circle ") == 3
    assert ">no export</text>" in svg and ">partial</text>" in svg
    assert svg == charts.daily_lines(
        days, [("Created", [3, 1, None, 2])], "t", marks={2: "missing", 3: "partial"}
    )
