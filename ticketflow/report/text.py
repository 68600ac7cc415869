"""The text and Markdown reports: one document layout, two ways to write headings and tables."""

from __future__ import annotations

from collections.abc import Callable

from ticketflow.report.catalogue import DIMENSIONS, Metric, priority_label
from ticketflow.report.queries import OLDEST_UNRESOLVED, OpenTicket, ReportData, Stat
from ticketflow.report.units import format_duration, format_time, format_value

Row = list[str]


def render_text(data: ReportData) -> str:
    return _render_document(data, _text_heading, _text_table)


def render_markdown(data: ReportData) -> str:
    return _render_document(data, _markdown_heading, _markdown_table)


def _render_document(
    data: ReportData,
    heading: Callable[[str, int], str],
    table: Callable[[Row, list[Row], str], str],
) -> str:
    t = data.totals
    blocks = [
        heading("Ticket metrics report", 1),
        "\n".join(
            [
                f"As of: {format_time(data.as_of)}",
                f"Tickets: {t.tickets:,} ({t.created_in_window:,} created in the export window, "
                f"first {format_time(t.first_created_at)}, last {format_time(t.last_created_at)})",
                f"Resolved or closed now: {t.resolved:,}; unresolved: {t.unresolved:,}; "
                f"status unknown (no status exported): {t.status_unknown:,}; "
                f"reopened at least once: {t.reopened:,}",
                *_left_out_lines(data),
                *_coverage_lines(data),
                "Statistics per metric: count of tickets, mean, median, p90 "
                "(continuous quantiles).",
            ]
        ),
        heading("Summary", 2),
        table(
            ["Metric", "Over", "Count", "Mean", "Median", "p90"],
            [
                [b.metric.label, b.metric.scope_label, *_stat_cells(b.metric, b.overall)]
                for b in data.breakdowns
            ],
            "llrrrr",
        ),
    ]
    for b in data.breakdowns:
        blocks.append(heading(f"{b.metric.label} (over {b.metric.scope_label})", 2))
        for key, title in DIMENSIONS:
            rows = [[label, *_stat_cells(b.metric, stat)] for label, stat in b.by[key]]
            blocks.append(heading(f"By {title.lower()}", 3))
            blocks.append(table([title, "Count", "Mean", "Median", "p90"], rows, "lrrrr"))
    blocks.append(heading(f"Oldest unresolved tickets (top {OLDEST_UNRESOLVED})", 2))
    blocks.append(
        table(
            ["Ticket", "Created", "Age", "Status", "Priority", "Group", "Agent"],
            [_open_ticket_cells(ticket) for ticket in data.oldest_unresolved],
            "rlrllll",
        )
    )
    return "\n\n".join(blocks) + "\n"


def _left_out_lines(data: ReportData) -> list[str]:
    """How many tickets each statistic measured from creation leaves out, and why."""
    counts = [
        f"{b.metric.label.lower()}: {data.left_out[b.metric.column]:,} tickets"
        for b in data.breakdowns
        if data.left_out.get(b.metric.column)
    ]
    if not counts:
        return []
    return [
        "Left out, created before the first export (creation time unknown): "
        + "; ".join(counts)
        + "."
    ]


def _coverage_lines(data: ReportData) -> list[str]:
    """Days no export covers, and the partial as_of day: their counts are not real zeros."""
    lines = []
    missing = [f"{day.summary_date}" for day in data.days if day.is_missing]
    if missing:
        lines.append(f"Days without an export (counts unknown): {', '.join(missing)}")
    partial = [f"{day.summary_date}" for day in data.days if day.is_partial_day]
    if partial:
        lines.append(f"Partial day (data up to {format_time(data.as_of)}): {', '.join(partial)}")
    return lines


def _stat_cells(metric: Metric, stat: Stat) -> Row:
    return [
        f"{stat.count:,}",
        format_value(metric, stat.mean),
        format_value(metric, stat.median),
        format_value(metric, stat.p90),
    ]


def _open_ticket_cells(ticket: OpenTicket) -> Row:
    return [
        str(ticket.ticket_id),
        format_time(ticket.created_at),
        format_duration(ticket.age_seconds),
        ticket.status or "-",
        priority_label(ticket.priority),
        ticket.group_name or "(no group)",
        str(ticket.agent_id) if ticket.agent_id is not None else "(unassigned)",
    ]


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
    return f"{'#' * level} {title}"


def _markdown_table(headers: Row, rows: list[Row], align: str) -> str:
    if not rows:
        return "_none_"

    def line(cells: Row) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    separator = "|" + "".join(" :--- |" if side == "l" else " ---: |" for side in align)
    return "\n".join([line(headers), separator] + [line(row) for row in rows])
