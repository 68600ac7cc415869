"""The report a person reads: ticket metrics from the marts as text, Markdown, CSV or HTML.

One module per job: `catalogue` (the metrics and dimensions), `queries` (every aggregate in
DuckDB -> `ReportData`), `units` (how numbers read), `text` (text and Markdown), `html`,
`csv`. The output depends on the marts alone, so the same marts give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ticketflow import files, marts
from ticketflow.errors import TicketflowError
from ticketflow.report import csv, html, queries, text
from ticketflow.report.queries import ReportData
from ticketflow.warehouse import WarehouseError

FORMATS = (".txt", ".md", ".csv", ".html")


class ReportError(TicketflowError):
    """The report cannot be written (unknown format, unwritable file)."""


RENDERERS: dict[str, Callable[[ReportData], str]] = {
    ".txt": text.render_text,
    ".md": text.render_markdown,
    ".html": html.render_html,
}


def write_report(db_path: Path, out_path: Path) -> Path:
    """Write the report for the marts in `db_path` to `out_path`; the format follows its suffix."""
    return write_reports(db_path, [out_path])[0]


def write_reports(db_path: Path, out_paths: Sequence[Path]) -> tuple[Path, ...]:
    """Write the report in each of `out_paths` (the format follows each suffix) from one
    connection to the marts and one collection of the data, whatever the number of formats."""
    for out_path in out_paths:
        suffix = out_path.suffix.lower()
        if suffix not in FORMATS:
            raise ReportError(
                f"{out_path}: unknown report format {suffix or '(none)'!r}; "
                f"use {', '.join(FORMATS)}"
            )
    with marts.connect(db_path) as con:
        renders = [RENDERERS.get(path.suffix.lower()) for path in out_paths]
        data = None
        if any(renders):
            if not queries.has_status_categories(con):
                missing = queries.STATUS_CATEGORIES
                raise WarehouseError(f"{db_path}: missing {missing} (run `dbt build` first)")
            try:
                data = queries.collect(con)
            except duckdb.Error as error:  # marts of an older build lack a column read here
                reason = str(error).strip().splitlines()[0]
                raise WarehouseError(
                    f"{db_path}: the marts lack what the report reads ({reason});"
                    " rebuild them: ticketflow build"
                ) from None
        for out_path, render in zip(out_paths, renders, strict=True):
            with _atomic_path(out_path) as tmp:
                if render is None:
                    csv.write_csv(con, tmp)
                else:
                    tmp.write_text(render(data), encoding="utf-8")
    return tuple(out_paths)


@contextmanager
def _atomic_path(out_path: Path) -> Iterator[Path]:
    """`files.atomic_path`, with a failure to write as a ReportError."""
    try:
        with files.atomic_path(out_path) as tmp:
            yield tmp
    except OSError as error:
        raise ReportError(f"{out_path}: cannot write: {error.strerror}") from error
