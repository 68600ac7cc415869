"""The text and Markdown reports: one document layout, two ways to write headings and tables.

Every value from the data is one line (`catalogue.clean_label`); Markdown escapes what it
would otherwise read as markup (raw HTML, table pipes, emphasis), so a name is text."""

from __future__ import annotations

import re
from collections.abc import Callable

from ticketflow.report import tables
from ticketflow.report.queries import ReportData
from ticketflow.report.tables import Table, format_cell
from ticketflow.report.units import format_date, format_time

Row = list[str]
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]|#!~]")


def render_text(data: ReportData) -> str:
    return _render_document(data, _text_heading, _text_table, str)


def render_markdown(data: ReportData) -> str:
    return _render_document(data, _markdown_heading, _markdown_table, markdown_escape)


def markdown_escape(text: str) -> str:
    """`text` shown as is in Markdown: HTML's & < > as entities, markup characters escaped."""
    text = _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(), text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def title_lines(data: ReportData) -> list[str]:
    """The period, the zone, the as-of time: what every format states first."""
    zone = data.period.time_zone
    if data.first_day is None:
        period = "no days in the data"
    else:
        period = f"{format_date(data.first_day)} to {format_date(data.last_day)}"
    calendars = ", ".join(c.calendar for c in data.calendars) or "-"
    policies = ", ".join(dict.fromkeys(p.sla_policy for p in data.policies)) or "-"
    return [
        f"Period: {period} (account-local days, {zone}); as of {format_time(data.as_of)}.",
        f"Local times are in {zone}; the backlog is at {_local_end(data)}.",
        f"Business hours by calendar {calendars}; SLA policy {policies} (the last section says"
        " how they count).",
    ]


def _local_end(data: ReportData) -> str:
    if data.end_at is None:
        return "-"
    if data.end_at == data.as_of:
        return "the as-of time"
    return f"the end of {format_date(data.last_day)}"


def _render_document(
    data: ReportData,
    heading: Callable[[str, int], str],
    table: Callable[[Row, list[Row], str], str],
    escape: Callable[[str], str],
) -> str:
    content = tables.build(data)
    blocks = [
        heading("Ticket report", 1),
        "\n".join(escape(line) for line in title_lines(data) + content.notes),
        heading("Headline", 2),
        table(
            ["Measure", "Value", "Note"],
            [
                [f.label, format_cell(tables.Column(f.key, f.label, f.kind), f.value), f.note]
                for f in content.headline
            ],
            "lrl",
        ),
    ]
    for section in content.tables:
        blocks.append(heading(section.title, 2))
        if section.note:
            blocks.append(escape(section.note))
        blocks.append(table(*_cells(section)))
    if content.absent:
        blocks.append(
            escape(f"Not in the period's tickets (no value exported): {', '.join(content.absent)}.")
        )
    return "\n\n".join(blocks) + "\n"


def _cells(section: Table) -> tuple[Row, list[Row], str]:
    headers = [column.header for column in section.columns]
    rows = [
        [format_cell(column, value) for column, value in zip(section.columns, row, strict=True)]
        for row in section.shown_rows
    ]
    align = "".join("l" if column.kind == "text" else "r" for column in section.columns)
    return headers, rows, align


def _text_heading(title: str, level: int) -> str:
    underline = {1: "=", 2: "-"}.get(level)
    return f"{title}\n{underline * len(title)}" if underline else f"{title}:"


def _text_table(headers: Row, rows: list[Row], align: str) -> str:
    """Columns padded to their widest cell; `align` has one 'l' or 'r' per column."""
    if not rows:
        return "  (none)"
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Row) -> str:
        padded = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        return ("  " + "  ".join(padded)).rstrip()

    return "\n".join([line(headers)] + [line(row) for row in rows])


def _markdown_heading(title: str, level: int) -> str:
    return f"{'#' * level} {markdown_escape(title)}"


def _markdown_table(headers: Row, rows: list[Row], align: str) -> str:
    if not rows:
        return "_none_"

    def line(cells: Row) -> str:
        return "| " + " | ".join(markdown_escape(cell) for cell in cells) + " |"

    separator = "|" + "".join(" :--- |" if side == "l" else " ---: |" for side in align)
    return "\n".join([line(headers), separator] + [line(row) for row in rows])
