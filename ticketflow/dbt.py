"""Run the dbt project (models, seeds, tests) against the working DuckDB file.

The one place that invokes dbt from Python. dbt runs in a subprocess: the working file is
handed over through `$TICKETFLOW_DB` without touching this process's environment, a caller's
open DuckDB connection cannot clash with dbt's, and dbt's memory is its own.

The project is the one `ticketflow.project` finds. dbt's artifacts (`target/`) go beside it in
a source checkout, where plain `dbt` writes them too; an installed project is read-only
package data, so there they go into `target/` beside the working database.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import yaml

from ticketflow import engines, project
from ticketflow.errors import TicketflowError
from ticketflow.loader.landing import EARLIEST, LATEST

FAILED_STATUSES = ("error", "fail", "runtime error")
STOP_SECONDS = 10  # dbt's grace to stop on SIGTERM before it is killed
PR_SET_PDEATHSIG = 1  # prctl(2)


class DbtError(TicketflowError):
    """dbt could not run, or the run failed; the message is one line for a person."""


class DbtVarError(DbtError):
    """A value given for a dbt var is not valid; dbt was not started."""

    exit_code = 2


@dataclass(frozen=True)
class NodeResult:
    """The outcome of one model, seed, test or unit test."""

    unique_id: str
    status: str
    message: str
    compiled_code: str = field(default="", repr=False)
    example: str = ""  # a warned test's first row, `column=value, ...`

    @property
    def name(self) -> str:
        """`model.ticketflow.dim_tickets` -> `dim_tickets` (tests keep their full name)."""
        return self.unique_id.split(".", 2)[-1]


@dataclass(frozen=True)
class DbtRun:
    """What a dbt invocation did."""

    args: tuple[str, ...]
    returncode: int
    results: tuple[NodeResult, ...] = ()
    elapsed_seconds: float = 0.0
    output: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def failures(self) -> list[NodeResult]:
        return [result for result in self.results if result.status in FAILED_STATUSES]

    @property
    def warnings(self) -> list[NodeResult]:
        return [result for result in self.results if result.status == "warn"]

    def counts(self) -> dict[str, int]:
        """Number of nodes per status (pass, success, warn, error, fail, skipped)."""
        return dict(sorted(Counter(result.status for result in self.results).items()))

    def describe(self) -> str:
        """One line: `dbt build: 150 nodes in 7.1 s (pass 128, success 22)`."""
        counts = ", ".join(f"{status} {count}" for status, count in self.counts().items())
        return (
            f"dbt {self.args[0]}: {len(self.results)} nodes in {self.elapsed_seconds:.1f} s"
            f" ({counts})"
        )


def format_as_of(as_of: datetime | str) -> str:
    """The `as_of` var as dbt expects it: `YYYY-MM-DD HH:MM:SS` (UTC, naive)."""
    if isinstance(as_of, str):
        try:
            as_of = datetime.fromisoformat(as_of.strip())
        except ValueError:
            raise DbtVarError(
                f"as_of {as_of!r} is not a time (expected e.g. 2026-04-28 06:00:00)"
            ) from None
    if as_of.tzinfo is not None:
        raise DbtVarError("as_of must be UTC without a time zone (e.g. 2026-04-28 06:00:00)")
    if not datetime.fromisoformat(EARLIEST) <= as_of <= datetime.fromisoformat(LATEST):
        raise DbtVarError(f"as_of {as_of} is out of range ({EARLIEST} to {LATEST[:19]} UTC)")
    return as_of.strftime("%Y-%m-%d %H:%M:%S")


def format_time_zone(name: str) -> str:
    """The `account_time_zone` var: an IANA time zone name the zone database knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DbtVarError(
            f"unknown time zone {name!r} (expected an IANA name such as America/Mexico_City)"
        ) from None
    return name


def default_time_zone() -> str:
    """The `account_time_zone` a build without --time-zone uses: dbt_project.yml's var."""
    config = yaml.safe_load((project.project_dir() / "dbt_project.yml").read_text())
    return format_time_zone(str((config.get("vars") or {}).get("account_time_zone") or "UTC"))


def dbt_vars(
    *, as_of: datetime | str | None = None, time_zone: str | None = None
) -> dict[str, str]:
    """The vars ticketflow passes to dbt; unset ones are left to dbt_project.yml's defaults
    (so a build without them parses like plain `dbt`)."""
    given: dict[str, str] = {}
    if as_of is not None:
        given["as_of"] = format_as_of(as_of)
    if time_zone is not None:
        given["account_time_zone"] = format_time_zone(time_zone)
    return given


def run_dbt(
    args: Sequence[str],
    db: Path,
    *,
    dbt_vars: dict[str, str] | None = None,
    target_path: Path | None = None,
    echo: Callable[[str], None] | None = None,
    target: str | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> DbtRun:
    """Run `dbt <args>` from the repository root against the DuckDB file `db`, or against
    another `target` of profiles.yml (`ticketflow.engines`).

    `dbt_vars` (see `dbt_vars()`) are passed as `--vars`; `target_path` keeps artifacts apart
    from the project's `target/` (tests use it); `echo` receives dbt's output line by line;
    `extra_env` adds to dbt's environment over this process's (the libpq variables of one
    Postgres database among several, say: threads cannot each have their own `os.environ`).
    Raises DbtError when dbt cannot be started or its run fails.
    """
    executable = _dbt_executable()
    project_dir = project.project_dir()
    db = Path(db).resolve()
    engine = engines.get(target)
    command = [executable, *args, "--project-dir", str(project_dir)]
    command += ["--profiles-dir", str(project_dir), "--target", engine.name]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
    target = target_path or default_target_path(db)
    command += ["--target-path", str(target)]
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **(extra_env or {}),
        **engine.dbt_env(db),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }
    # $TICKETFLOW_DB is set only when the profile would not name `db` as it is: the rendered
    # profile then stays the text plain `dbt` renders, and dbt's partial parse survives
    # alternating between the two (a changed profile makes dbt parse everything again).
    if (project_dir / project.duckdb_output()["path"]).resolve() != db:
        env["TICKETFLOW_DB"] = str(db)
    if target_path is not None or not project.is_source_checkout():
        env["DBT_LOG_PATH"] = str(target / "logs")
    results_file = target / "run_results.json"
    results_file.unlink(missing_ok=True)
    lines: list[str] = []
    with _terminated_as_error():
        process = subprocess.Popen(
            command,
            cwd=project_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_die_with_parent,
        )
        try:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line)
                if echo is not None:
                    echo(line.rstrip("\n"))
            returncode = process.wait()
        finally:
            _stop(process)
    run = DbtRun(tuple(args), returncode, *_read_results(results_file), "".join(lines))
    if not run.ok:
        raise DbtError(_failure_message(run))
    return run


def build(
    db: Path,
    *,
    as_of: datetime | str | None = None,
    time_zone: str | None = None,
    select: str | None = None,
    full_refresh: bool = False,
    target_path: Path | None = None,
    echo: Callable[[str], None] | None = None,
    target: str | None = None,
) -> DbtRun:
    """`dbt build`: seeds, models and their data tests on the file `db` (or on another
    `target` of profiles.yml), incrementally unless `full_refresh` (DECISIONS.md,
    "Incremental builds"). Unit tests check the project's SQL on fixed inputs, not the
    user's data: `unit_tests()` runs them.

    `as_of` and `time_zone` set the dbt vars `as_of` and `account_time_zone`."""
    given = dbt_vars(as_of=as_of, time_zone=time_zone)
    engines.get(target).check(Path(db))
    args = ["build", "--exclude-resource-type", "unit_test"]
    args += ["--select", select] if select else []
    args += ["--full-refresh"] if full_refresh else []
    run = run_dbt(args, db, dbt_vars=given, target_path=target_path, echo=echo, target=target)
    return with_examples(run, Path(db), target)


def unit_tests(db: Path, *, target_path: Path | None = None, target: str | None = None) -> DbtRun:
    """dbt's unit tests (`dbt test --select test_type:unit`) on a built file `db`."""
    return run_dbt(
        ["test", "--select", "test_type:unit"], db, target_path=target_path, target=target
    )


def with_examples(run: DbtRun, db: Path, target: str | None = None) -> DbtRun:
    """Each warned test with its first row (`file_name=..., ...`), so a warning names a case.

    The test's compiled query is run read-only once dbt has released the file."""
    warned = [result for result in run.results if result.status == "warn" and result.compiled_code]
    if not warned:
        return run
    examples = {}
    with engines.get(target).reader(db) as con:
        if con is None:  # the warnings stand alone
            return run
        for result in warned:
            try:
                cursor = con.execute(f"select * from ({result.compiled_code}) as failing limit 1")
                row = cursor.fetchone()
            except duckdb.Error:
                continue
            if row is not None:
                names = [column[0] for column in cursor.description]
                examples[result.unique_id] = ", ".join(
                    f"{name}={value}" for name, value in zip(names, row, strict=True)
                )
    results = tuple(
        replace(result, example=examples.get(result.unique_id, "")) for result in run.results
    )
    return replace(run, results=results)


def default_target_path(db: Path) -> Path:
    """`target/` of the checkout, or beside the working database for an installed project."""
    if project.is_source_checkout():
        return project.project_dir() / "target"
    return Path(db).resolve().parent / "target"


class Terminated(TicketflowError):
    """SIGTERM arrived while dbt ran; dbt was stopped (and released the database)."""

    exit_code = 128 + signal.SIGTERM


@contextmanager
def _terminated_as_error() -> Iterator[None]:
    """While dbt runs, SIGTERM raises `Terminated` here (the default would end this process
    at once and leave dbt running, holding the database's lock), so `_stop` runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated("terminated")

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(process: subprocess.Popen[str]) -> None:
    """dbt ended, or stop it: SIGTERM, then SIGKILL after a grace period; always reaped."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


# Looked up before any fork: the child calls it and nothing else.
_PRCTL = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """In the dbt child (Linux): SIGTERM when ticketflow dies, even by SIGKILL."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("dbt")
    if found is None:
        raise DbtError("dbt is not installed (run `make setup`)")
    return found


def _read_results(results_file: Path) -> tuple[tuple[NodeResult, ...], float]:
    if not results_file.exists():
        return (), 0.0
    document = json.loads(results_file.read_text(encoding="utf-8"))
    results = tuple(
        NodeResult(
            item["unique_id"],
            item["status"],
            (item.get("message") or "").strip(),
            item.get("compiled_code") or "",
        )
        for item in document.get("results", [])
    )
    return results, float(document.get("elapsed_time", 0.0))


def _failure_message(run: DbtRun) -> str:
    failures = run.failures
    if failures:
        names = ", ".join(result.name for result in failures[:5])
        more = f" and {len(failures) - 5} more" if len(failures) > 5 else ""
        first = failures[0].message.splitlines()[0] if failures[0].message else ""
        detail = f": {first}" if first else ""
        return (
            f"dbt {run.args[0]} failed: {len(failures)} failing node(s): {names}{more}"
            f" ({failures[0].name}{detail})"
        )
    lines = run.output.splitlines()
    errors = [index for index, line in enumerate(lines) if "rror" in line]
    if not errors:
        return f"dbt {run.args[0]} failed: exit code {run.returncode}"
    reason = _strip_log_prefix(lines[errors[-1]])
    detail = lines[errors[-1] + 1] if errors[-1] + 1 < len(lines) else ""
    if detail.startswith(" ") and detail.strip():  # the error's own words, indented below it
        reason = f"{reason}: {detail.strip()}"
    return f"dbt {run.args[0]} failed: {reason}"


def _strip_log_prefix(line: str) -> str:
    """dbt prefixes lines with a colour code and a `HH:MM:SS` stamp; keep the text."""
    text = line.strip()
    stamp, _, rest = text.partition("  ")
    return rest.strip() if stamp.count(":") == 2 and rest else text
