"""The report: units, each section's numbers checked against the marts by hand and by SQL,
the period, the time zone, Markdown escaping, errors."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import ReportCells
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.report import FORMATS, Period, ReportError, queries, write_report, write_reports
from ticketflow.report.catalogue import category_label, clean_label
from ticketflow.report.queries import collect
from ticketflow.report.text import markdown_escape
from ticketflow.report.units import format_duration, format_share
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
    ("share", "text"), [(None, "-"), (0, "0.0%"), (0.5, "50.0%"), (2 / 3, "66.7%"), (1, "100.0%")]
)
def test_format_share(share: float | None, text: str) -> None:
    assert format_share(share) == text


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


@pytest.mark.parametrize(
    ("value", "label"),
    [("Billing", "Billing"), (" two\nlines\r\n", "two lines"), ("a\tb\x00c\u2028d", "a b c d")],
)
def test_clean_label_keeps_a_value_on_one_line(value: str, label: str) -> None:
    assert clean_label(value) == label


def test_markdown_escape() -> None:
    assert markdown_escape("<b>x</b> | *y* & [z](u) `c`") == (
        r"&lt;b&gt;x&lt;/b&gt; \| \*y\* &amp; \[z\](u) \`c\`"
    )


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


def _text_row(text: str, cells: list[str]) -> bool:
    """Is there a text-table line of exactly `cells` (columns are 2+ spaces apart)?"""
    pattern = r"^ +" + r"\s{2,}".join(map(re.escape, cells)) + r"$"
    return re.search(pattern, text, re.MULTILINE) is not None


def _table_rows(text: str, title: str) -> list[str]:
    """The lines of the table of section `title`, its header left out."""
    return [line for line in _section(text, title).splitlines() if line.startswith("  ")][1:]


def _first_cell(line: str) -> str:
    return re.split(r"\s{2,}", line.strip())[0]


def _section(text: str, title: str) -> str:
    """The text report's section under `title` (up to the next section heading)."""
    body = text.split(f"\n{title}\n{'-' * len(title)}\n", 1)[1]
    return re.split(r"\n\n[^\n]+\n-+\n", body, maxsplit=1)[0]


def test_text_report_headline_worked_out_by_hand(handmade_marts: Path, tmp_path: Path) -> None:
    """tests/fixtures/handmade_marts.sql: five tickets created in the exports (ticket 3 before
    them); resolutions per day 1, 0, 1, 0, 1, 0; tickets 2, 4, 5 unresolved; reopened 2 and
    4 of the 4 resolved at least once; first responses 100, 600, 1800, 3000, 7200 s;
    resolutions 6000, 10800 s (ticket 3, created before the exports, left out)."""
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    assert text.startswith("Ticket report\n=============\n")
    assert (
        "Period: 2026-04-15 to 2026-04-20 (account-local days, UTC); as of 2026-04-20 00:00:00 UTC."
    ) in text
    headline = _section(text, "Headline")
    assert _text_row(headline, ["Created", "5", "tickets created in the period"])
    assert _text_row(headline, ["Resolutions", "3", "on the period's days"])
    assert _text_row(headline, ["Backlog", "3", "unresolved at the end"])
    assert _text_row(headline, ["Reopen rate", "50.0%", "2 of 4 tickets resolved at least once"])
    # median of 5 values: 1800 s; p90: 3000 + 0.6 * (7200 - 3000) = 5520 s
    assert _text_row(headline, ["First response, median", "30m", "p90 1h 32m, 5 tickets"])
    # in business hours 0, 0, 0, 600, 7200 s: p90 600 + 0.6 * 6600 = 4560 s
    assert _text_row(
        headline, ["First response, business hours, median", "0s", "p90 1h 16m, 5 tickets"]
    )
    # median of 6000 and 10800: 8400 s; p90: 6000 + 0.9 * 4800 = 10320 s
    assert _text_row(headline, ["Resolution, median", "2h 20m", "p90 2h 52m, 2 tickets"])
    assert _text_row(
        headline, ["Resolution, business hours, median", "1h", "p90 1h 48m, 2 tickets"]
    )
    assert _text_row(headline, ["First response SLA met", "80.0%", "met 4, breached 1; 0 pending"])
    assert _text_row(headline, ["Resolution SLA met", "33.3%", "met 1, breached 2; 2 pending"])
    assert "Status unknown" not in headline
    assert (
        "Left out, created before the first export (creation time unknown): time to"
        " resolution: 1 tickets."
    ) in text


@pytest.mark.parametrize(
    ("title", "label", "where"),
    [
        ("Groups ranked", "Billing", "metrics.group_name = 'Billing'"),
        ("Groups ranked", "(no group)", "metrics.group_name is null"),
        ("Agents ranked", "Agent 10", "metrics.agent_id = 10"),
        ("Agents ranked", "(unassigned)", "metrics.agent_id is null"),
        ("By priority", "2 Medium", "metrics.priority = 2"),
        ("By channel", "Email", "tickets.source = 1"),
        ("By product", "mobile", "tickets.product = 'mobile'"),
        ("By ticket type", "Question", "tickets.ticket_type = 'Question'"),
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
    assert _text_row(_section(text, title), [label, *report_cells(handmade_marts, where)])


def test_groups_and_agents_are_ranked_by_tickets_solved(
    handmade_marts: Path, tmp_path: Path
) -> None:
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    groups = [_first_cell(line) for line in _table_rows(text, "Groups ranked")]
    # Billing solves 2 (tickets 1, 6), Shipping 1 (ticket 3); no group last.
    assert groups == ["Billing", "Shipping", "(no group)"]
    agents = [_first_cell(line) for line in _table_rows(text, "Agents ranked")]
    assert agents == ["Agent 10", "Agent 11", "(unassigned)"]  # agent 10 solves 3, agent 11 none


def test_agents_take_their_names_from_the_seed(handmade_marts: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("insert into seeds.ticketflow_agents values (10, 'Ana Ruiz')")
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    agents = _section(text, "Agents ranked")
    assert re.search(r"^  Agent +Id +Tickets", agents, re.MULTILINE)
    assert re.search(r"^  Ana Ruiz +10 +3 +3 ", agents, re.MULTILINE)
    assert re.search(r"^  Agent 11 +11 +2 +0 ", agents, re.MULTILINE)
    oldest = _section(text, "Oldest unresolved tickets (top 10)")
    assert re.search(r"^  5 .* Agent 11$", oldest, re.MULTILINE)


def test_a_breakdown_no_ticket_has_is_named_not_drawn(handmade_marts: Path, tmp_path: Path) -> None:
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    assert "\nBy issue type\n" in text
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("update marts.dim_tickets set issue_type = null")
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    assert "\nBy issue type\n" not in text
    assert "Not in the period's tickets (no value exported): issue type." in text


def test_weekly_trends_in_account_local_weeks(handmade_marts: Path, tmp_path: Path) -> None:
    """15-19 April 2026 are Wednesday to Sunday of the week of Monday 13 April; 20 April (the
    as_of day) starts the next."""
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    weekly = _section(text, "Weekly trends")
    assert _text_row(
        weekly,
        ["2026-04-13", "5", "0", "5", "3", "30m", "1h 32m", "2h 20m", "2h 52m", "80.0%", "33.3%"],
    )
    assert _text_row(weekly, ["2026-04-20", "1", "0", "0", "0", *["-"] * 6])


def test_backlog_by_status_and_age(handmade_marts: Path, tmp_path: Path) -> None:
    """At as_of: ticket 2 Open, 4d 15h old; 4 Pending, 2d 13h; 5 Waiting on Customer, 1d 12h."""
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    backlog = _section(text, "Backlog by status and age")
    assert re.search(
        r"^  Status +Tickets +under 1 day +1-3 days +3-7 days +7-30 days +over 30 days$",
        backlog,
        re.MULTILINE,
    )
    assert _text_row(backlog, ["Open", "1", "0", "0", "1", "0", "0"])
    assert _text_row(backlog, ["Pending", "1", "0", "1", "0", "0", "0"])
    assert _text_row(backlog, ["Waiting on Customer", "1", "0", "1", "0", "0", "0"])
    assert _text_row(backlog, ["All unresolved", "3", "0", "2", "1", "0", "0"])
    assert "Waiting on Third Party" not in backlog


def test_oldest_unresolved_tickets(handmade_marts: Path, tmp_path: Path) -> None:
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    oldest = _table_rows(text, "Oldest unresolved tickets (top 10)")
    assert [line.split()[0] for line in oldest] == ["2", "4", "5"]
    assert _text_row(
        "\n".join(oldest),
        ["2", "2026-04-15 09:00", "4d 15h", "Open", "2 Medium", "Billing", "Agent 11"],
    )


def test_the_period_narrows_every_section(handmade_marts: Path, tmp_path: Path) -> None:
    """15-17 April: tickets 1-4; the backlog at the end of the 17th (UTC): ticket 2 Open
    (2d 15h old) and ticket 4 Pending (13h old)."""
    period = Period(since=None, until=date(2026, 4, 17))
    text = write_report(handmade_marts, tmp_path / "r.txt", period).read_text()
    assert "Period: 2026-04-15 to 2026-04-17 (account-local days, UTC)" in text
    assert "the backlog is at the end of 2026-04-17." in text
    headline = _section(text, "Headline")
    assert _text_row(headline, ["Created", "3", "tickets created in the period"])
    assert _text_row(headline, ["Resolutions", "2", "on the period's days"])
    assert _text_row(headline, ["Backlog", "2", "unresolved at the end"])
    backlog = _section(text, "Backlog by status and age")
    assert _text_row(backlog, ["Open", "1", "0", "1", "0", "0", "0"])
    assert _text_row(backlog, ["Pending", "1", "1", "0", "0", "0", "0"])
    oldest = _table_rows(text, "Oldest unresolved tickets (top 10)")
    assert [line.split()[0] for line in oldest] == ["2", "4"]
    assert _text_row(
        _section(text, "Weekly trends"),
        ["2026-04-13", "3", "0", "3", "2", "30m", "1h 42m", "3h", "3h", "66.7%", "0.0%"],
    )
    later = Period(since=date(2026, 4, 19))
    text = write_report(handmade_marts, tmp_path / "r.txt", later).read_text()
    assert "Period: 2026-04-19 to 2026-04-20" in text
    assert _text_row(_section(text, "Headline"), ["Created", "1", "tickets created in the period"])


def test_the_report_checks_its_time_zone_against_the_marts(
    handmade_marts: Path, tmp_path: Path
) -> None:
    """At UTC+14 ticket 4 (11:00 UTC on 17 April) is created on the 18th, which the daily
    summary (built in UTC) does not count; UTC-7 keeps every creation date."""
    with pytest.raises(ReportError) as caught:
        write_report(handmade_marts, tmp_path / "r.txt", Period("Pacific/Kiritimati"))
    assert str(caught.value) == (
        "the marts count days in another time zone than Pacific/Kiritimati (tickets created on"
        " 2026-04-17 differ); give the report the zone they were built with: --time-zone"
    )
    assert caught.value.exit_code == 2
    text = write_report(
        handmade_marts, tmp_path / "r.txt", Period("America/Los_Angeles")
    ).read_text()
    assert "Local times are in America/Los_Angeles" in text
    assert "2026-04-15 02:00" in text  # ticket 2, created 09:00 UTC


def test_markdown_report_escapes_names(handmade_marts: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute(
            "update marts.fct_ticket_metrics set group_name = '<img src=x onerror=alert(1)>|a\nb'"
            " where group_name = 'Shipping'"
        )
    text = write_report(handmade_marts, tmp_path / "report.md").read_text()
    assert text.startswith("# Ticket report\n")
    assert "<img" not in text
    row = "| &lt;img src=x onerror=alert(1)&gt;\\|a b | 2 | 1 |"
    assert row in text
    table = text.split("## Groups ranked\n", 1)[1].split("\n\n## ", 1)[0]
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + 3  # header, separator, three groups: no row broken in two
    assert all(line.count(" | ") == lines[0].count(" | ") for line in lines)
    plain = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    assert "  <img src=x onerror=alert(1)>|a b  " in plain


def test_html_report_is_self_contained_and_escaped(handmade_marts: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute(
            "update marts.fct_ticket_metrics set group_name = '<script>x</script>'"
            " where group_name = 'Shipping'"
        )
    html = write_report(handmade_marts, tmp_path / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"@import|url\(|https?://|<script|<link", html, re.IGNORECASE)
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    for section in ("headline", "trends", "backlog", "ranked", "breakdowns", "tickets", "rules"):
        assert f'<section id="{section}">' in html
    titles = re.findall(r'<svg [^>]*aria-label="([^"]+)"', html)
    assert titles == [
        "Tickets created and resolutions per week",
        "Time to first response and to resolution, by week of creation",
        "SLA met, by week of creation",
        "Tickets created and resolutions per day",
        "Unresolved tickets by age, by status",
        "Unresolved backlog at the end of each day, by status",
        "Median time to first response and to resolution, by group",
        "SLA met, by group",
        "Median time to first response and to resolution, by priority",
        "SLA met, by priority",
    ]


def test_html_report_numbers_match_the_text_report(handmade_marts: Path, tmp_path: Path) -> None:
    html = write_report(handmade_marts, tmp_path / "report.html").read_text()
    assert (
        '<div class="card" data-figure="first_response_median_seconds">'
        '<div class="label">First response, median</div>\n      <div class="value">30m</div>'
    ) in html
    assert '<div class="value">50.0%</div>' in html
    assert '<td class="text">Billing</td><td>3</td><td>2</td><td>30m</td>' in html


@pytest.mark.parametrize("suffix", FORMATS)
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
    monkeypatch.setattr(
        queries, "collect", lambda con, period: collections.append(con) or collect(con, period)
    )
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
        con.execute("delete from marts.fct_ticket_status_intervals")
    text = write_report(handmade_marts, tmp_path / "r.txt").read_text()
    assert "Period: no days in the data (account-local days, UTC); as of -." in text
    assert _text_row(_section(text, "Headline"), ["Created", "0", "tickets created in the period"])
    assert _text_row(
        _section(text, "Headline"), ["Reopen rate", "-", "0 of 0 tickets resolved at least once"]
    )
    html = write_report(handmade_marts, tmp_path / "r.html").read_text()
    assert html.count("<svg ") == 6
    assert (
        write_report(handmade_marts, tmp_path / "r.csv")
        .read_text()
        .startswith("section,row,column,value\nheadline,1,created,0\n")
    )


def test_cli_report_with_a_period(handmade_marts: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "report.md"
    result = runner.invoke(
        app,
        [
            "report",
            "-o",
            str(out),
            "--db",
            str(handmade_marts),
            "--since",
            "2026-04-16",
            "--until",
            "2026-04-18",
            "--time-zone",
            "UTC",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Report written to {out}\n"
    assert "Period: 2026-04-16 to 2026-04-18 (account-local days, UTC)" in out.read_text()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--since", "2026-04-18", "--until", "2026-04-16"],
            "Error: --since 2026-04-18 is after --until 2026-04-16\n",
        ),
        (
            ["--time-zone", "Mars/Base"],
            "Error: unknown time zone 'Mars/Base' (expected an IANA name such as"
            " America/Mexico_City)\n",
        ),
    ],
)
def test_cli_report_bad_period(
    handmade_marts: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    out = tmp_path / "r.txt"
    result = runner.invoke(app, ["report", "-o", str(out), "--db", str(handmade_marts), *arguments])
    assert result.exit_code == 2
    assert result.stderr == message
    assert not out.exists()


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


def test_report_of_a_database_built_before_the_agents_seed(
    handmade_marts: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("drop table seeds.ticketflow_agents")
    text = write_report(handmade_marts, tmp_path / "r.txt").read_text()
    assert re.search(r"^  Agent 10 +3 +3 ", _section(text, "Agents ranked"), re.MULTILINE)


def test_sla_breaches_most_overdue_first(handmade_marts: Path, tmp_path: Path) -> None:
    """Ticket 2: resolution clock 2 days against 1 h (over by 47 h); ticket 1: first response
    30 min against 15, resolution 1 h against 30 min (over by 30 min)."""
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    breaches = _table_rows(text, "SLA breaches (the 2 most overdue of 2)")
    assert [re.split(r"\s{2,}", line.strip()) for line in breaches] == [
        [
            "2",
            "2026-04-15 09:00",
            "resolution",
            "47h",
            "calendar",
            "strict",
            "2 Medium",
            "Billing",
            "Agent 11",
        ],
        [
            "1",
            "2026-04-15 08:00",
            "both",
            "30m",
            "calendar",
            "strict",
            "1 Low",
            "Billing",
            "Agent 10",
        ],
    ]


def test_the_report_states_the_calendars_and_policies_it_used(
    handmade_marts: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute(
            "insert into seeds.ticketflow_holidays values ('default', date '2026-04-17', 'x')"
        )
        con.execute(
            "insert into seeds.ticketflow_holidays values ('default', date '2026-05-01', 'y')"
        )
        con.execute(
            "insert into seeds.ticketflow_business_hours"
            " values ('default', '', 6, '10:00', '14:00')"
        )
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    assert "Business hours by calendar default; SLA policy default, strict" in text
    calendars = _table_rows(text, "Business calendars used")
    assert [re.split(r"\s{2,}", line.strip()) for line in calendars] == [
        ["default", "6", "UTC", "Mon-Fri 09:00-17:00; Sat 10:00-14:00", "1"]
    ]
    policies = [
        re.split(r"\s{2,}", line.strip()) for line in _table_rows(text, "SLA policies used")
    ]
    assert policies == [
        ["default", "4 Urgent", "1", "1h", "4h", "business hours"],
        ["default", "3 High", "1", "4h", "8h", "business hours"],
        ["default", "2 Medium", "1", "8h", "24h", "business hours"],
        ["default", "1 Low", "1", "24h", "40h", "business hours"],
        ["strict", "2 Medium", "1", "15m", "1h", "calendar"],
        ["strict", "1 Low", "1", "15m", "30m", "calendar"],
    ]
    assert "tickets have no target" not in text
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("update marts.fct_ticket_metrics set priority = null where ticket_id = 5")
    text = write_report(handmade_marts, tmp_path / "report.txt").read_text()
    assert (
        " 1 tickets have no target (no row for their policy and priority, or no priority): no"
        " SLA status."
    ) in text
