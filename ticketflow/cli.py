"""The `ticketflow` command line: parses options, calls the library, prints.

The commands let the library's errors pass; `main`, the console script, is the one handler
that turns any `TicketflowError` (and any usage error) into one line `Error: ...` on stderr
and its exit code. Users never see a traceback for bad input.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from ticketflow.errors import TicketflowError

if TYPE_CHECKING:  # the dbt module is imported only by the commands that run dbt
    from ticketflow.dbt import DbtRun


class _Commands(TyperGroup):
    """The command group: the one place a `TicketflowError` (or Ctrl-C) becomes `Error: ...`
    and an exit."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except TicketflowError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:  # Typer would exit 130 without a word
            typer.echo("Error: interrupted", err=True)
            raise typer.Exit(130) from None


app = typer.Typer(
    name="ticketflow",
    cls=_Commands,
    help="Helpdesk ticket analytics from Freshdesk activity exports.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """The console script: the app, with usage errors as one line instead of a boxed panel.

    Usage errors are Typer's (`typer.TyperException`, with an exit code and, for a bad
    command line, the context that names the command).
    """
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:
        code = error.exit_code
        context = getattr(error, "ctx", None)
        if context is not None:
            hint = f" (see {context.command_path} --help)"
            typer.echo(f"Error: {error.format_message()}{hint}", err=True)
        else:
            typer.echo(f"Error: {error.format_message()}", err=True)
    except typer.Abort:
        typer.echo("Error: interrupted", err=True)
        code = 130
    raise SystemExit(code or 0)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"ticketflow {version('ticketflow')}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _options(
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Helpdesk ticket analytics from Freshdesk activity exports."""
    if context.invoked_subcommand is None:
        typer.echo(context.get_help())
        raise typer.Exit(2)


# Options every command that touches the working database or prints progress shares.
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Working DuckDB file (default: $TICKETFLOW_DB, else data/warehouse.duckdb).",
        dir_okay=False,
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
TargetOption = Annotated[
    str,
    typer.Option(
        "--target",
        "-t",
        help="Engine (profiles.yml target): duckdb (the --db file), postgres (libpq variables "
        "PGHOST ... PGDATABASE) or spark (the lake $TICKETFLOW_LAKE, default data/lake).",
    ),
]
TimeZoneOption = Annotated[
    str | None,
    typer.Option(
        "--time-zone",
        help="The account's IANA time zone: its local days are the daily summary's and the "
        "report's days (dbt var account_time_zone). (default: UTC, or the var's value)",
        show_default=False,
    ),
]


# --- generate (ticketflow.generator) --------------------------------------------------------------


@app.command()
def generate(
    tickets: Annotated[
        int, typer.Option("--tickets", "-n", help="Number of tickets to simulate.")
    ] = 1000,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Output file (gzipped if it ends .gz), '-' for stdout, or with --daily a "
            "directory.",
        ),
    ] = "-",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="jsonl (one activity per line) or export (Freshdesk's envelope with metadata). "
            "(default: jsonl; export with --daily)",
            show_default=False,
        ),
    ] = None,
    daily: Annotated[
        bool,
        typer.Option(
            "--daily",
            help="One export file per account-local day in the output directory, named "
            "activities_<account>_<D>_<M>_<YYYY>.json like Freshdesk's.",
        ),
    ] = False,
    gzip_daily: Annotated[
        bool, typer.Option("--gzip", help="With --daily: write .json.gz files.")
    ] = False,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First account-local day of the window, YYYY-MM-DD. (default: 2026-04-01)",
            show_default=False,
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days", help="Length of the window in days. (default: 30)", show_default=False
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same bytes.")
    ] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Worker processes (the output does not depend on it). (default: the CPU count)",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="TOML file overriding any part of the generator's configuration."
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Write random ticket activity in the shape of Freshdesk's activity export."""
    import os

    from rich.console import Console
    from rich.progress import Progress

    from ticketflow.generator import load_config, write_activities

    settings = load_config(config)
    console = Console(stderr=True)
    shown = not quiet and console.is_terminal
    with Progress(console=console, disable=not shown, transient=True) as progress:
        task = progress.add_task("Generating", total=max(tickets, 0))
        summary = write_activities(
            output,
            tickets=tickets,
            config=settings,
            start=start,
            days=days,
            seed=seed,
            workers=workers if workers is not None else os.cpu_count() or 1,
            fmt=fmt,
            daily=daily,
            gzip_daily=gzip_daily,
            progress=lambda done: progress.update(task, completed=done),
        )
    if not quiet:
        share = max(summary.tickets, 1)
        where = "stdout" if output == "-" else output
        if daily:
            where = f"{len(summary.files)} daily files in {output}"
        typer.echo(
            f"Wrote {summary.activities:,} activities of {summary.tickets:,} tickets to {where}: "
            f"{summary.reopened / share:.1%} reopened, {summary.unresolved / share:.1%} "
            f"unresolved at the window end, {summary.noted / share:.1%} with notes.",
            err=True,
        )


# --- load (ticketflow.loader) ---------------------------------------------------------------------


@app.command("load")
def load_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Export files, directories or globs (envelope or JSON lines, gzip).",
        ),
    ],
    db: DbOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail a file, writing nothing, if any record is bad.")
    ] = False,
    account: Annotated[
        int | None,
        typer.Option(
            "--account",
            help="Freshdesk account id of the files (default: from Freshdesk's file names, "
            "activities_<account>_<D>_<M>_<YYYY>.json; none for other names).",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOption = False,
    target: TargetOption = "duckdb",
) -> None:
    """Land activity exports in raw.activities (bad records in raw.rejects, ledger raw.loads).

    Content already loaded is skipped; a new file under a loaded file's name replaces its rows.
    A database holds one Freshdesk account: files of another account are refused.

    Exit 1 when a file failed (unreadable, not JSON, --strict rejects), 2 on a bad argument
    or an unusable database.
    """
    from ticketflow import engines

    engine = engines.get(target)
    progress = None
    if not quiet:  # rich only when something is shown: its import is a cost of every load
        from rich.console import Console

        from ticketflow.loader.display import RichProgress, summary_table

        console = Console(stderr=True)
        progress = RichProgress(console)
    try:
        summary = engine.load(paths, db, strict=strict, account=account, progress=progress)
    finally:
        if progress:
            progress.stop()
    if not quiet:
        console.print(summary_table(summary))
        for result in summary.warnings:
            typer.echo(f"Warning: {result.path}: {result.warning}", err=True)
    for result in summary.failed:
        typer.echo(f"Error: {result.path}: {result.message}", err=True)
    if not summary.ok:
        raise typer.Exit(1)


# --- build, report, publish, export, run (ticketflow/) --------------------------------------------


def _db(db: Path | None) -> Path:
    from ticketflow import warehouse

    return db or warehouse.default_path()


@app.command()
def build(
    db: DbOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Close ongoing status intervals at this UTC time (YYYY-MM-DD HH:MM:SS). "
            "(default: the later of the latest export window end and the latest activity)",
        ),
    ] = None,
    select: Annotated[
        str | None,
        typer.Option("--select", "-s", help="dbt node selection (default: the whole project)."),
    ] = None,
    publish: Annotated[
        bool,
        typer.Option(
            "--publish/--no-publish",
            help="After a successful build, publish the marts (see `ticketflow publish`).",
        ),
    ] = True,
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh",
            help="Rebuild every ticket (default: only the tickets touched by new loads).",
        ),
    ] = False,
    time_zone: TimeZoneOption = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print dbt's log as it runs.")
    ] = False,
    quiet: QuietOption = False,
    target: TargetOption = "duckdb",
) -> None:
    """Build and test the marts: `dbt build` (seeds, models, data tests) on the working file.

    Incremental: only the tickets that loads since the last build touched are recomputed
    (and what depends on as_of); `--full-refresh` rebuilds all. A changed --as-of or
    --time-zone, seed or model rebuilds all by itself."""
    run_build(
        _db(db),
        as_of=as_of,
        time_zone=time_zone,
        select=select,
        full_refresh=full_refresh,
        verbose=verbose,
        quiet=quiet,
        target=target,
    )
    if publish:
        publish_marts(_db(db), quiet=quiet, target=target)


def run_build(
    db: Path,
    *,
    as_of: str | None,
    time_zone: str | None,
    select: str | None,
    full_refresh: bool = False,
    verbose: bool = False,
    quiet: bool,
    target: str | None = None,
) -> None:
    """dbt build, its log on stderr with `verbose`, else a one-line summary; a failed build
    exits non-zero with one line naming the failing node."""
    from ticketflow.dbt import build as dbt_build

    echo = (lambda line: typer.echo(line, err=True)) if verbose and not quiet else None
    run = dbt_build(
        db,
        as_of=as_of,
        time_zone=time_zone,
        select=select,
        full_refresh=full_refresh,
        echo=echo,
        target=target,
    )
    print_warnings(run)
    if not quiet:
        typer.echo(run.describe(), err=True)


def print_warnings(run: DbtRun) -> None:
    """Each warned dbt test on one line, with its first row when there is one."""
    for warning in run.warnings:
        example = f" (first: {warning.example})" if warning.example else ""
        typer.echo(f"Warning: {warning.name}: {warning.message}{example}", err=True)


@app.command()
def report(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Report file; the format follows the extension: .txt, .md, .csv or .html.",
            dir_okay=False,
        ),
    ],
    db: DbOption = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            help="First account-local day of the report (YYYY-MM-DD). (default: the first day)",
            formats=["%Y-%m-%d"],
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until",
            help="Last account-local day of the report, included (YYYY-MM-DD). "
            "(default: the as-of day)",
            formats=["%Y-%m-%d"],
            show_default=False,
        ),
    ] = None,
    time_zone: TimeZoneOption = None,
    quiet: QuietOption = False,
    target: TargetOption = "duckdb",
) -> None:
    """Write the ticket report from the marts (run `dbt build` first).

    The period's days are account-local: give --time-zone as to `build` (the report checks
    that the marts' days are that zone's)."""
    from ticketflow import engines
    from ticketflow.files import check_replaceable
    from ticketflow.report import Period, write_report

    period = Period(
        time_zone=_report_time_zone(time_zone),
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    output = check_replaceable(output)
    with engines.get(target).marts_file(_db(db)) as marts_db:
        write_report(marts_db, output, period)
    if not quiet:
        typer.echo(f"Report written to {output}", err=True)


def _report_time_zone(time_zone: str | None) -> str:
    """The zone given, else the dbt var's default (dbt_project.yml), checked like build's."""
    from ticketflow.dbt import default_time_zone, format_time_zone

    return format_time_zone(time_zone) if time_zone is not None else default_time_zone()


@app.command()
def publish(
    db: DbOption = None, quiet: QuietOption = False, target: TargetOption = "duckdb"
) -> None:
    """Publish the marts for BI tools: serve.duckdb and parquet/ next to the working file.

    Both are replaced atomically: readers see the previous publication or the new one,
    never a mix, and never hold a lock on the working database. `ticketflow build` does
    this after every successful build.
    """
    publish_marts(_db(db), quiet=quiet, target=target)


def publish_marts(db: Path, *, quiet: bool, target: str | None = None) -> None:
    from ticketflow import engines
    from ticketflow.publish import publish as publish_to_serving

    with engines.get(target).marts_file(db) as marts_db:
        publication = publish_to_serving(marts_db)
    if not quiet:
        typer.echo(publication.describe(), err=True)


@app.command()
def export(
    sqlite: Annotated[
        Path | None,
        typer.Option(
            "--sqlite", help="SQLite file to write (replaced if it exists).", dir_okay=False
        ),
    ] = None,
    csv: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            help="CSV file to write with the metrics mart, one row per ticket (replaced if it "
            "exists; spreadsheet formulas neutralised).",
            dir_okay=False,
        ),
    ] = None,
    db: DbOption = None,
    quiet: QuietOption = False,
    target: TargetOption = "duckdb",
) -> None:
    """Export the marts: to the original system's SQLite schema, or the metrics mart as CSV.

    SQLite tables: ticket, activity_history, ticket_details (see ticketflow/export.py for
    the column mapping). CSV: marts.fct_ticket_metrics in ticket order.
    """
    from ticketflow import engines
    from ticketflow.export import export_csv, export_sqlite

    if sqlite is None and csv is None:
        raise typer.BadParameter("give --sqlite FILE, --csv FILE or both")
    with engines.get(target).marts_file(_db(db)) as marts_db:
        if sqlite is not None:
            counts = export_sqlite(marts_db, sqlite)
            if not quiet:
                rows = ", ".join(f"{name} {count:,}" for name, count in counts.items())
                typer.echo(f"Exported to {sqlite}: {rows} rows", err=True)
        if csv is not None:
            count = export_csv(marts_db, csv)
            if not quiet:
                typer.echo(f"Exported to {csv}: fct_ticket_metrics {count:,} rows", err=True)


@app.command()
def run(
    tickets: Annotated[
        int, typer.Option("--tickets", "-n", help="Number of tickets to generate.", min=1)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Activities file to generate: *.json[.gz] Freshdesk's export envelope, "
            "otherwise JSON lines (*.jsonl[.gz]).",
            dir_okay=False,
        ),
    ],
    report_path: Annotated[
        Path,
        typer.Option(
            "--report",
            "-r",
            help="Report file (.txt, .md, .csv or .html); the .html and .csv siblings are "
            "written too.",
            dir_okay=False,
        ),
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same data.")
    ] = 0,
    time_zone: TimeZoneOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """The whole pipeline: generate -> load -> dbt build (models and tests) -> reports -> publish.

    Like the original `main_program.py -n 10 -o x.json -r x.report.txt`. A failing stage
    stops the run with one line naming it (exit 1; 2 when nothing could start).
    """
    from ticketflow.pipeline import run as run_pipeline

    progress = None if quiet else _RunProgress()
    try:
        result = run_pipeline(
            tickets=tickets,
            activities_path=output,
            report_path=report_path,
            db_path=_db(db),
            seed=seed,
            time_zone=time_zone,
            progress=progress,
        )
    finally:
        if progress:
            progress.stop()
    print_warnings(result.build)
    if quiet:
        return
    publication = result.publication
    reports = ", ".join(str(path) for path in result.reports)
    typer.echo(f"Done in {result.seconds:.1f} s. Where everything is:")
    typer.echo(
        f"  activities  {result.activities_path} "
        f"({result.activities:,} activities, {result.tickets:,} tickets)"
    )
    typer.echo(f"  warehouse   {result.db_path} (raw, staging, marts; dbt: target/)")
    typer.echo(f"  reports     {reports}")
    typer.echo(f"  serving     {publication.serve_path} (read-only), {publication.parquet_dir}/")
    typer.echo("  dbt docs    make docs -> target/static_index.html")


class _RunProgress:
    """Pipeline progress on stderr: a line per stage, a spinner with dbt's latest line."""

    def __init__(self) -> None:
        from rich.console import Console

        self._console = Console(stderr=True, highlight=False)
        self._status = self._console.status("")

    def stage_started(self, number: int, name: str, description: str) -> None:
        self._console.print(f"[bold][{number}/5] {name}[/bold] {description}", soft_wrap=True)
        self._status.update(f"{name}...")
        self._status.start()

    def stage_detail(self, line: str) -> None:
        self._status.update(line.strip()[-100:])

    def stage_finished(self, number: int, name: str, summary: str, seconds: float) -> None:
        self._status.stop()
        self._console.print(f"      {summary} ({seconds:.1f} s)", soft_wrap=True)

    def stop(self) -> None:
        self._status.stop()
