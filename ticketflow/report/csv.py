"""report.csv: the report's tables in one file, and the rule every CSV ticketflow writes keeps.

One row per cell, `section,row,column,value` (a "long" table: filter on section, pivot on
row x column): `section` is the table (headline, weekly, backlog, group, agent, priority,
channel, ticket_type, issue_type, product, oldest_unresolved), `row` its row number from 1 in
report order, `column` the column's key (a duration's ends in `_seconds`, a share's in
`_share`), `value` the raw value (seconds, shares from 0 to 1, ISO dates; empty: none).

Spreadsheet formulas are neutralised: a text cell starting with = + - @, a tab or a carriage
return gets a leading apostrophe, so `=HYPERLINK(...)` from a group name is text, not a
formula (OWASP's advice for CSV injection). Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io

from ticketflow.report import tables
from ticketflow.report.queries import ReportData

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("section", "row", "column", "value")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_sql(column: str) -> str:
    """SQL (DuckDB) for the same rule on a varchar column, for COPY ... TO csv."""
    starts = ", ".join("'" + start.replace("'", "''") + "'" for start in FORMULA_STARTS)
    return f"case when left({column}, 1) in ({starts}) then '''' || {column} else {column} end"


def render_csv(data: ReportData) -> str:
    content = tables.build(data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for number, figure in enumerate(content.headline, start=1):
        column = tables.Column(figure.key, figure.label, figure.kind)
        writer.writerow(("headline", number, figure.key, tables.raw_cell(column, figure.value)))
    for table in content.tables:
        for number, row in enumerate(table.rows, start=1):
            for column, value in zip(table.columns, row, strict=True):
                cell = neutralise(tables.raw_cell(column, value))
                writer.writerow((table.key, number, column.key, cell))
    return out.getvalue()
