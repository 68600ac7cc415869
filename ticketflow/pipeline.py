"""The whole pipeline in one call: generate -> load -> dbt build -> reports -> publish.

It composes the stages' library APIs (generator, loader, ticketflow.dbt, report, publish);
each stage's error stops the run as a `PipelineError` naming the stage.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from ticketflow import dbt, generator, loader
from ticketflow.errors import TicketflowError
from ticketflow.publish import Publication, publish
from ticketflow.report import Period, write_reports

STAGES = ("generate", "load", "build", "report", "publish")
SIBLING_REPORTS = (".html", ".csv")
T = TypeVar("T")


class PipelineError(TicketflowError):
    """A stage failed; `stage` names it, the message is one line, the exit code the cause's."""

    def __init__(self, stage: str, cause: TicketflowError) -> None:
        super().__init__(f"{stage} failed: {cause}")
        self.stage = stage
        self.exit_code = cause.exit_code


class Progress(Protocol):
    """Receives the pipeline's progress (the CLI shows it with rich on stderr)."""

    def stage_started(self, number: int, name: str, description: str) -> None: ...

    def stage_detail(self, line: str) -> None: ...

    def stage_finished(self, number: int, name: str, summary: str, seconds: float) -> None: ...


@dataclass(frozen=True)
class RunResult:
    activities_path: Path
    tickets: int
    activities: int
    db_path: Path
    build: dbt.DbtRun
    reports: tuple[Path, ...]
    publication: Publication
    seconds: float


def report_paths(report_path: Path) -> tuple[Path, ...]:
    """The requested report, then its .html and .csv siblings (unless it is one of them)."""
    siblings = [report_path.with_suffix(s) for s in SIBLING_REPORTS if s != report_path.suffix]
    return (report_path, *siblings)


def activity_format(activities_path: Path) -> str:
    """Freshdesk's export envelope for `*.json[.gz]` (as main_program.py wrote), else JSON lines."""
    name = activities_path.name.lower().removesuffix(".gz")
    return "export" if name.endswith(".json") else "jsonl"


def run(
    *,
    tickets: int,
    activities_path: Path,
    report_path: Path,
    db_path: Path,
    seed: int = 0,
    time_zone: str | None = None,
    progress: Progress | None = None,
    target_path: Path | None = None,
) -> RunResult:
    """Generate `tickets` tickets into `activities_path`, load them into `db_path`, build and
    test the marts, write the reports (`report_path` and siblings), publish the marts.

    `target_path` keeps dbt's artifacts apart from the project's `target/` (tests use it).
    """
    dbt.dbt_vars(time_zone=time_zone)  # a bad time zone stops the run before it starts
    started = time.perf_counter()

    def stage(number: int, description: str, work: Callable[[], T], summary: Callable[[T], str]):
        name = STAGES[number - 1]
        if progress:
            progress.stage_started(number, name, description)
        begin = time.perf_counter()
        try:
            result = work()
        except TicketflowError as error:
            raise PipelineError(name, error) from error
        if progress:
            progress.stage_finished(number, name, summary(result), time.perf_counter() - begin)
        return result

    detail = progress.stage_detail if progress else None
    generated = stage(
        1,
        f"{tickets:,} tickets (seed {seed}) -> {activities_path}",
        lambda: generator.write_activities(
            activities_path,
            tickets=tickets,
            seed=seed,
            fmt=activity_format(activities_path),
            workers=os.cpu_count() or 1,
        ),
        lambda s: f"{s.activities:,} activities of {s.tickets:,} tickets",
    )
    stage(
        2,
        f"{activities_path} -> {db_path}",
        lambda: _load(activities_path, db_path),
        lambda s: f"{s.loaded:,} activities loaded, {s.skipped} file(s) already loaded",
    )
    build = stage(
        3,
        "dbt build: seeds, models and data tests",
        lambda: dbt.build(db_path, time_zone=time_zone, target_path=target_path, echo=detail),
        lambda r: r.describe(),
    )
    reports = stage(
        4,
        ", ".join(str(p) for p in report_paths(report_path)),
        lambda: write_reports(
            db_path,
            report_paths(report_path),
            Period(time_zone=time_zone or dbt.default_time_zone()),
        ),
        lambda paths: f"{len(paths)} reports written",
    )
    publication = stage(
        5,
        f"marts -> {db_path.parent / 'serve.duckdb'}, {db_path.parent / 'parquet'}/",
        lambda: publish(db_path),
        lambda p: f"{len(p.rows)} marts, {sum(p.rows.values()):,} rows",
    )
    return RunResult(
        activities_path=activities_path,
        tickets=generated.tickets,
        activities=generated.activities,
        db_path=db_path,
        build=build,
        reports=reports,
        publication=publication,
        seconds=time.perf_counter() - started,
    )


def _load(activities_path: Path, db_path: Path) -> loader.LoadSummary:
    """Load strictly: a generated record the loader rejects is a bug, not data to skip."""
    summary = loader.load_paths([activities_path], db_path, strict=True)
    if summary.failed:
        failed = summary.failed[0]
        raise TicketflowError(f"{failed.path}: {failed.message}")
    return summary
