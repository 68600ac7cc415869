"""report.csv (the report's tables, one cell a row) and `ticketflow export --csv` (the metrics
mart): their layout, their values, and the bytes of cells a spreadsheet would run."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from conftest import mart_contracts
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.export import export_csv
from ticketflow.report import write_report
from ticketflow.report.csv import neutralise

runner = CliRunner()
HOSTILE = {
    "Billing": '=HYPERLINK("http://x","y")',
    "Shipping": "+cmd|' /C calc'!A0",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _cells(path: Path, section: str) -> dict[tuple[int, str], str]:
    return {
        (int(row["row"]), row["column"]): row["value"]
        for row in _rows(path)
        if row["section"] == section
    }


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        (-5, -5),
        (3.5, 3.5),
    ],
)
def test_neutralise(value: object, cell: object) -> None:
    assert neutralise(value) == cell


def test_report_csv_holds_the_report_tables(handmade_marts: Path, tmp_path: Path) -> None:
    out = write_report(handmade_marts, tmp_path / "report.csv")
    rows = _rows(out)
    assert list(rows[0]) == ["section", "row", "column", "value"]
    sections = list(dict.fromkeys(row["section"] for row in rows))
    assert sections == [
        "headline",
        "weekly",
        "backlog",
        "group",
        "agent",
        "priority",
        "channel",
        "ticket_type",
        "issue_type",
        "product",
        "oldest_unresolved",
        "sla_breaches",
        "calendars",
        "sla_policies",
    ]
    headline = {row["column"]: row["value"] for row in rows if row["section"] == "headline"}
    assert headline == {
        "created": "5",
        "resolutions": "3",
        "backlog": "3",
        "reopen_rate_share": "0.5000",
        "first_response_median_seconds": "1800",
        "first_response_business_median_seconds": "0",
        "resolution_median_seconds": "8400",
        "resolution_business_median_seconds": "3600",
        "first_response_sla_compliance_share": "0.8000",
        "resolution_sla_compliance_share": "0.3333",
    }
    breaches = _cells(out, "sla_breaches")
    assert (breaches[(1, "ticket_id")], breaches[(1, "overdue_seconds")]) == ("2", "169200")
    weekly = _cells(out, "weekly")
    assert weekly[(1, "week_start")] == "2026-04-13"
    assert weekly[(1, "first_response_p90_seconds")] == "5520"
    assert weekly[(2, "first_response_median_seconds")] == ""
    groups = _cells(out, "group")
    assert [groups[(n, "group")] for n in (1, 2, 3)] == ["Billing", "Shipping", "(no group)"]
    assert groups[(1, "reopen_rate_share")] == "0.3333"  # ticket 2 of 1, 2, 6
    oldest = _cells(out, "oldest_unresolved")
    assert [oldest[(n, "ticket_id")] for n in (1, 2, 3)] == ["2", "4", "5"]
    assert oldest[(1, "created_at_local")] == "2026-04-15 09:00:00"
    assert oldest[(1, "age_seconds")] == str(4 * 86_400 + 15 * 3_600)


def test_report_csv_neutralises_formulas(handmade_marts: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        for name, hostile in HOSTILE.items():
            con.execute(
                "update marts.fct_ticket_metrics set group_name = ? where group_name = ?",
                [hostile, name],
            )
        con.execute("update marts.dim_tickets set product = '@SUM(1+1)'")
    data = write_report(handmade_marts, tmp_path / "report.csv").read_bytes()
    assert b'\ngroup,1,group,"\'=HYPERLINK(""http://x"",""y"")"\n' in data
    assert b"\ngroup,2,group,'+cmd|' /C calc'!A0\n" in data
    assert b"\nproduct,1,product,'@SUM(1+1)\n" in data
    assert b",=" not in data and b",+" not in data and b",@" not in data


def test_export_csv_is_the_metrics_mart(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "metrics.csv"
    assert export_csv(handmade_marts, out) == 6
    rows = _rows(out)
    assert list(rows[0]) == [name for name, _ in mart_contracts()["fct_ticket_metrics"]]
    assert [row["ticket_id"] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    assert rows[1]["resolution_seconds"] == ""
    assert rows[2]["seconds_waiting_on_third_party"] == "86400"
    assert rows[0]["created_at"] == "2026-04-15 08:00:00"
    assert rows[0]["group_name"] == "Billing"


def test_export_csv_neutralises_formulas(handmade_marts: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute(
            "update marts.fct_ticket_metrics set group_name = ?, status = '-1' where ticket_id = 1",
            [HOSTILE["Billing"]],
        )
        con.execute("update marts.fct_ticket_metrics set status = '@x' where ticket_id = 2")
    out = tmp_path / "metrics.csv"
    export_csv(handmade_marts, out)
    lines = out.read_bytes().split(b"\n")
    assert lines[1].startswith(b"1,2026-04-15 08:00:00,true,'-1,resolved,1,")
    assert b',"\'=HYPERLINK(""http://x"",""y"")",10,500,' in lines[1]
    assert lines[2].startswith(b"2,2026-04-15 09:00:00,true,'@x,open,2,Billing,")


def test_cli_export_csv(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "metrics.csv"
    result = runner.invoke(app, ["export", "--csv", str(out), "--db", str(handmade_marts)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Exported to {out}: fct_ticket_metrics 6 rows\n"
    assert len(_rows(out)) == 6


def test_cli_export_needs_a_target(handmade_marts: Path) -> None:
    result = runner.invoke(app, ["export", "--db", str(handmade_marts)])
    assert result.exit_code == 2
    assert "give --sqlite FILE, --csv FILE or both" in result.output
