"""The installed `ticketflow` console script: usage errors are one line, help works."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

TICKETFLOW = str(Path(sys.executable).parent / "ticketflow")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["generate", "-n", "abc"],
            "Error: Invalid value for '--tickets' / '-n': Input should be a valid integer,"
            " unable to parse string as an integer (see ticketflow generate --help)",
        ),
        (["nope"], "Error: No such command 'nope'. (see ticketflow --help)"),
        (["load"], "Error: Missing argument 'PATH'. (see ticketflow load --help)"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    result = subprocess.run([TICKETFLOW, *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == message + "\n"
    assert result.stdout == ""


COMMANDS = ["generate", "load", "build", "report", "publish", "export", "run"]


def test_help_lists_every_command() -> None:
    """The rows of the Commands panel, exactly: a hidden or missing command fails it."""
    result = subprocess.run([TICKETFLOW, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    panel = result.stdout.split("Commands", 1)[1]
    listed = re.findall(r"^│ ([a-z-]+)  ", panel, flags=re.MULTILINE)
    assert listed == COMMANDS


def test_no_command_shows_the_help_and_exits_2() -> None:
    result = subprocess.run([TICKETFLOW], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Usage: ticketflow [OPTIONS] COMMAND [ARGS]..." in result.stdout


def test_version_is_the_installed_distribution() -> None:
    result = subprocess.run([TICKETFLOW, "--version"], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"ticketflow {version('ticketflow')}\n"


MART_READERS = [["report", "-o", "r.txt"], ["publish"], ["export", "--sqlite", "x.sqlite"]]


@pytest.mark.parametrize("command", MART_READERS)
def test_a_missing_db_is_one_line(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "none.duckdb"
    result = subprocess.run(
        [TICKETFLOW, *command, "--db", str(db)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: {db}: no such database (load files first: ticketflow load PATH...)\n"
    )
    assert not db.exists()


@pytest.mark.parametrize("command", [["build"], *MART_READERS])
def test_a_db_that_is_not_duckdb_is_one_line(tmp_path: Path, command: list[str]) -> None:
    not_a_db = tmp_path / "export.json"
    not_a_db.write_text('{"activities_data": []}')
    result = subprocess.run(
        [TICKETFLOW, *command, "--db", str(not_a_db)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr == f"Error: {not_a_db} is not a DuckDB database\n"


def test_report_never_replaces_what_is_not_a_regular_file(handmade_marts: Path) -> None:
    target = handmade_marts.parent / "kept.txt"
    target.write_text("the link's target")
    link = handmade_marts.parent / "report.txt"
    link.symlink_to(target.name)
    result = subprocess.run(
        [TICKETFLOW, "report", "-o", str(link), "--db", str(handmade_marts)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: {link}: a symbolic link, not a regular file: refusing to replace it\n"
    )
    assert link.is_symlink()
    assert target.read_text() == "the link's target"
