"""The report a person reads: ticket metrics from the marts as text, Markdown, CSV or HTML.

One module per job: `catalogue` (dimensions, age buckets, labels), `queries` (every aggregate
in DuckDB -> `ReportData`), `tables` (the figures and tables, defined once for every format),
`units` (how values read), `text` (text and Markdown), `html`, `csv` (report.csv and the
formula rule of every CSV). The output depends on the marts alone (and the period asked
for), so the same marts give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ticketflow import files, marts
from ticketflow.report import csv, html, queries, text
from ticketflow.report.queries import Period, ReportData, ReportError
from ticketflow.warehouse import WarehouseError

__all__ = ["FORMATS", "Period", "ReportError", "write_report", "write_reports"]

RENDERERS: dict[str, Callable[[ReportData], str]] = {
    ".txt": text.render_text,
    ".md": text.render_markdown,
    ".csv": csv.render_csv,
    ".html": html.render_html,
}
FORMATS = tuple(RENDERERS)


def write_report(db_path: Path, out_path: Path, period: Period | None = None) -> Path:
    """Write the report for the marts in `db_path` to `out_path`; the format follows its suffix."""
    return write_reports(db_path, [out_path], period)[0]


def write_reports(
    db_path: Path, out_paths: Sequence[Path], period: Period | None = None
) -> tuple[Path, ...]:
    """Write the report of `period` (default: every day, in UTC) in each of `out_paths` (the
    format follows each suffix) from one connection to the marts and one collection of the
    data, whatever the number of formats."""
    for out_path in out_paths:
        suffix = out_path.suffix.lower()
        if suffix not in FORMATS:
            raise ReportError(
                f"{out_path}: unknown report format {suffix or '(none)'!r}; "
                f"use {', '.join(FORMATS)}"
            )
    with marts.connect(db_path) as con:
        if not queries.has_status_categories(con):
            missing = queries.STATUS_CATEGORIES
            raise WarehouseError(f"{db_path}: missing {missing} (run `dbt build` first)")
        try:
            data = queries.collect(con, period)
        except duckdb.Error as error:  # marts of an older build lack a column read here
            reason = str(error).strip().splitlines()[0]
            raise WarehouseError(
                f"{db_path}: the marts lack what the report reads ({reason});"
                " rebuild them: ticketflow build"
            ) from None
    for out_path in out_paths:
        rendered = RENDERERS[out_path.suffix.lower()](data)
        with _atomic_path(out_path) as tmp:
            tmp.write_text(rendered, encoding="utf-8", newline="")
    return tuple(out_paths)


@contextmanager
def _atomic_path(out_path: Path) -> Iterator[Path]:
    """`files.atomic_path`, with a failure to write as a ReportError."""
    try:
        with files.atomic_path(out_path) as tmp:
            yield tmp
    except OSError as error:
        raise ReportError(f"{out_path}: cannot write: {error.strerror}") from error
