"""The installed `ticketflow` console script: usage errors are one line, help works."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import duckdb
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


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _gone(pid: int) -> bool:
    """The process has ended (a zombie counts as ended: it holds no file)."""
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "\nState:\tZ" in status.read_text()


@pytest.mark.parametrize(
    ("signum", "returncode", "stderr"),
    [
        (signal.SIGTERM, 143, "Error: terminated\n"),
        (signal.SIGINT, 130, "Error: interrupted\n"),
        (signal.SIGKILL, -9, ""),
    ],
)
def test_a_killed_build_stops_dbt_and_releases_the_database(
    tmp_path: Path, real_files: list[Path], signum: int, returncode: int, stderr: str
) -> None:
    from ticketflow import loader, warehouse

    db = tmp_path / "w.duckdb"
    loader.load_paths(real_files[:2], db)
    # the console script, with dbt's artifacts kept out of the checkout's target/
    script = (
        "import sys; from pathlib import Path; from ticketflow import cli, dbt;"
        f" dbt.default_target_path = lambda db: Path({str(tmp_path / 'target')!r});"
        f" sys.argv = ['ticketflow', 'build', '--db', {str(db)!r}, '-q', '--no-publish'];"
        " cli.main()"
    )
    # A shell's background job (nohup, `&`) starts with SIGINT ignored, and children inherit
    # that: give the build the default disposition, as an interactive user's build has.
    build = subprocess.Popen(
        [sys.executable, "-c", script],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not (dbt := _children(build.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dbt, "dbt never started"
    time.sleep(1)  # dbt is parsing the project by now
    build.send_signal(signum)
    _, err = build.communicate(timeout=60)
    assert (build.returncode, err) == (returncode, stderr)
    deadline = time.monotonic() + 30
    while not _gone(dbt[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(dbt[0])
    warehouse.connect(db, read_only=False).close()  # no lock left behind


def test_an_as_of_var_that_is_not_a_time_stops_plain_dbt(tmp_path: Path) -> None:
    """`dbt` run directly takes any --vars: the value is spliced into SQL only if it is a time."""
    from ticketflow.dbt import DbtError, run_dbt

    db = tmp_path / "w.duckdb"
    db.touch()
    with pytest.raises(DbtError) as caught:
        run_dbt(
            ["compile", "-s", "int_as_of"],
            db,
            dbt_vars={"as_of": "2026-01-01' as timestamp) or (true"},
            target_path=tmp_path / "target",
        )
    assert str(caught.value) == (
        "dbt compile failed: Compilation Error in model int_as_of"
        " (dbt_project/models/intermediate/int_as_of.sql): var as_of 2026-01-01' as timestamp)"
        " or (true is not a time like 2026-04-28 06:00:00 (UTC)"
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        *[
            (
                f"{catalog}.duckdb",
                f"a database file cannot be named {catalog!r}, a name the project's schemas or"
                " DuckDB use; rename it (e.g. warehouse.duckdb)",
            )
            for catalog in ("raw", "main", "system", "temp", "marts", "Seeds")
        ],
        ("o'brien.duckdb", "a database file name cannot hold a quote; rename it"),
        ('say "hi".duckdb', "a database file name cannot hold a quote; rename it"),
    ],
)
@pytest.mark.parametrize("command", [["load", "{source}"], ["build"], ["report", "-o", "r.txt"]])
def test_a_database_name_dbt_cannot_build_is_refused_up_front(
    tmp_path: Path, spec_sample: Path, name: str, reason: str, command: list[str]
) -> None:
    """DuckDB names the catalog after the file: `raw` made `raw.loads` ambiguous and a quote
    broke dbt-duckdb's SQL, after the load had already written the file."""
    db = tmp_path / name
    args = [arg.format(source=spec_sample) for arg in command]
    result = subprocess.run(
        [TICKETFLOW, *args, "--db", str(db)], capture_output=True, text=True, cwd=tmp_path
    )
    assert (result.returncode, result.stderr) == (2, f"Error: {db}: {reason}\n")
    assert list(tmp_path.iterdir()) == []


def test_a_database_name_with_spaces_and_dashes_builds(tmp_path: Path, spec_sample: Path) -> None:
    db = tmp_path / "my help-desk.2026.duckdb"  # the catalog is "my help-desk"
    for args in (["load", str(spec_sample)], ["build", "--no-publish"]):
        result = subprocess.run(
            [TICKETFLOW, *args, "--db", str(db), "-q"], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select current_database()").fetchone() == ("my help-desk",)
        assert con.execute("select count(*) from marts.dim_tickets").fetchone() == (2,)
