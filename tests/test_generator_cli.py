"""`ticketflow generate`: its options, and the refusal of bad options and configurations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ticketflow.cli import app

runner = CliRunner()


def test_generate_writes_json_lines_to_stdout_and_a_summary_to_stderr() -> None:
    result = runner.invoke(app, ["generate", "-n", "20", "--seed", "1", "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len({record["ticket_id"] for record in records}) == 20
    assert result.stderr.startswith(f"Wrote {len(records)} activities of 20 tickets to stdout: ")
    assert result.stderr.endswith(" with notes.\n")
    assert result.stderr.count("\n") == 1


def test_generate_quiet_daily_gzip(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["generate", "-n", "50", "-o", str(tmp_path / "out"), "--daily", "--gzip", "--days", "2"],
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "activities_1000001_1_4_2026.json.gz",
        "activities_1000001_2_4_2026.json.gz",
    ]
    quiet = runner.invoke(app, ["generate", "-n", "5", "-o", str(tmp_path / "a.jsonl"), "-q"])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    assert (tmp_path / "a.jsonl").stat().st_size > 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-n", "-5"], "tickets must be 0 or more (got -5)"),
        (["--format", "xml"], 'unknown format "xml" (choose jsonl or export)'),
        (["--days", "0"], "days must be at least 1 (got 0)"),
        (["--workers", "0"], "workers must be at least 1 (got 0)"),
        (["--start", "2026-02-30"], 'start must be a date YYYY-MM-DD (got "2026-02-30")'),
        (["--daily", "-o", "-"], "daily files need a directory, not stdout"),
        (
            ["--daily", "--format", "jsonl", "-o", "{tmp}/days"],
            "daily files are exports: format jsonl does not apply",
        ),
        (
            ["--gzip", "-o", "{tmp}/a.jsonl"],
            "gzip applies to daily files; name a single output file *.gz",
        ),
        (
            ["-o", "{tmp}/file/a.jsonl"],
            "cannot write {tmp}/file/a.jsonl: {tmp}/file is not a directory",
        ),
        (
            ["-o", "{tmp}/file/days", "--daily"],
            "cannot write {tmp}/file/days: {tmp}/file is not a directory",
        ),
        (["-o", "{tmp}"], "cannot write {tmp}: Is a directory"),
    ],
)
def test_bad_options_are_refused_in_one_line(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    (tmp_path / "file").write_text("in the way")
    arguments = [argument.replace("{tmp}", str(tmp_path)) for argument in arguments]
    result = runner.invoke(app, ["generate", "-n", "3", *arguments])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message.replace('{tmp}', str(tmp_path))}\n"
    assert result.stdout == ""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[workflow.transitions.Open]\nSolved = 1.0\n",
            'workflow.transitions.Open: unknown status "Solved"',
        ),
        (
            "[workflow.transitions.Solved]\nOpen = 1.0\n",
            'workflow.transitions: unknown status "Solved"',
        ),
        (
            "[workflow.transitions.Open]\nPending = 0.5\nResolved = 0.4\n",
            "workflow.transitions.Open: probabilities sum to 0.9, not 1",
        ),
        (
            '[workflow.transitions."Waiting for Customer"]\nOpen = 0.5\nClosed = 0.6\n',
            'workflow.transitions."Waiting for Customer": probabilities sum to 1.1, not 1',
        ),
        (
            "[workflow.transitions.Resolved]\nResolved = 1.0\n",
            'workflow.transitions.Resolved: "Resolved" cannot move to itself',
        ),
        (
            "[workflow.dwell.Pending]\nmedian_minutes = -5\nsigma = 1\n",
            "workflow.dwell.Pending.median_minutes: negative duration (got -5)",
        ),
        (
            "[workflow.dwell.Open]\nmedian_minutes = 5\npriority_factors = { 7 = 1.0 }\n",
            'workflow.dwell.Open.priority_factors: "7" is not a priority (1-4)',
        ),
        (
            '[values]\nstatuses = ["Open", "Resolved", "Closed"]\n',
            'workflow.transitions.Open: unknown status "Pending"',
        ),
        (
            '[values]\nstatuses = ["Pending"]\n',
            'values.statuses: must include "Open" (the status of a new ticket)',
        ),
        ("[values]\ncolours = 3\n", "values.colours: unknown key"),
        (
            "[activity]\nreassignment = 1.5\n",
            "activity.reassignment: probability must be between 0 and 1 (got 1.5)",
        ),
        ("[people]\nrequesters = 0\n", "people.requesters: must be at least 1 (got 0)"),
        ("[values.groups]\n", "values.groups: expected at least one value"),
        ("workflow = 3\n", "workflow: expected a table"),
        (
            "[values\n",
            "invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 8)",
        ),
    ],
)
def test_bad_configs_are_refused_naming_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml)
    result = runner.invoke(app, ["generate", "-n", "3", "--config", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: {message}\n"
    assert result.stdout == ""


def test_a_missing_config_file_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {tmp_path / 'nope.toml'}: cannot read: No such file or directory\n"
    )
