"""The report a person reads: ticket metrics from the marts as text, Markdown, CSV or HTML.

One module per job: `catalogue` (the metrics and dimensions), `queries` (every aggregate in
DuckDB -> `ReportData`), `units` (how numbers read), `text` (text and Markdown), `html`,
`csv`. The output depends on the marts alone, so the same marts give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ticketflow import files, marts
from ticketflow.report import csv, html, text
from ticketflow.report.queries import collect

FORMATS = (".txt", ".md", ".csv", ".html")


class ReportError(Exception):
    """The report cannot be written (unknown format, missing marts, unwritable file)."""


def write_report(db_path: Path, out_path: Path) -> Path:
    """Write the report for the marts in `db_path` to `out_path`; the format follows its suffix."""
    suffix = out_path.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(
            f"{out_path}: unknown report format {suffix or '(none)'!r}; use {', '.join(FORMATS)}"
        )
    try:
        with marts.connect(db_path) as con:
            if suffix == ".csv":
                with _atomic_path(out_path) as tmp:
                    csv.write_csv(con, tmp)
                return out_path
            data = collect(con)
    except marts.MartsError as error:
        raise ReportError(str(error)) from error
    rendered = {".txt": text.render_text, ".md": text.render_markdown, ".html": html.render_html}[
        suffix
    ](data)
    with _atomic_path(out_path) as tmp:
        tmp.write_text(rendered, encoding="utf-8")
    return out_path


@contextmanager
def _atomic_path(out_path: Path) -> Iterator[Path]:
    """`files.atomic_path`, with a failure to write as a ReportError."""
    try:
        with files.atomic_path(out_path) as tmp:
            yield tmp
    except OSError as error:
        raise ReportError(f"{out_path}: cannot write: {error.strerror}") from error
