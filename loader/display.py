"""What a person sees of a load: a rich progress bar and a summary table (on stderr)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .landing import FileResult, LoadSummary
from .sources import SourceFile


class RichProgress:
    """Progress by bytes over the files of a load; a spinner while a large file is parsed."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("loading", total=0)

    def begin(self, sources: Sequence[SourceFile]) -> None:
        self._progress.update(self._task, total=sum(source.size for source in sources))
        self._progress.start()

    def file_started(self, source: SourceFile) -> None:
        self._progress.update(self._task, description=escape(source.file_name))

    def file_finished(self, source: SourceFile, result: FileResult) -> None:
        self._progress.advance(self._task, source.size)

    def stop(self) -> None:
        if self._progress.live.is_started:
            self._progress.stop()


def summary_table(summary: LoadSummary) -> Table:
    """One row per file, then the totals: files, loaded, rejected, skipped, failed, warnings."""
    table = Table(
        title="ticketflow load",
        caption=(
            f"{len(summary.files)} files: {summary.loaded:,} loaded, {summary.rejected:,} rejected,"
            f" {summary.skipped} skipped, {len(summary.failed)} failed,"
            f" {len(summary.warnings)} warnings"
        ),
        show_footer=True,
    )
    table.add_column("file", footer="total", no_wrap=True)
    table.add_column("status")
    table.add_column("records", justify="right", footer=f"{summary.records:,}")
    table.add_column("loaded", justify="right", footer=f"{summary.loaded:,}")
    table.add_column("rejected", justify="right", footer=f"{summary.rejected:,}")
    table.add_column("note", overflow="fold")
    for result in summary.files:  # names and notes are text, never rich markup
        table.add_row(
            escape(result.path.name),
            result.status,
            f"{result.records:,}",
            f"{result.loaded:,}",
            f"{result.rejected:,}",
            escape(result.message or result.warning or ""),
        )
    return table
