"""The one base of every error ticketflow reports to a person.

Each module raises a subclass with a one-line message; the CLI's entry point alone turns any
`TicketflowError` into `Error: <message>` on stderr and the exit code the class carries:
2 when nothing could start (a bad argument, a path that is not there, a database that cannot
be used), 1 when the work ran and failed (bad data under --strict, a failing dbt test).
"""

from __future__ import annotations


class TicketflowError(Exception):
    """An error for a person to read: `str(error)` is one line, `exit_code` the exit status."""

    exit_code = 1
