"""The `ticketflow` command line: parses options, calls the library, prints.

Each command turns the library's domain errors into one line `Error: ...` on stderr and a
non-zero exit; users never see a traceback for bad input.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="ticketflow",
    help="Helpdesk ticket analytics from Freshdesk activity exports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line on stderr and return the Exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


# --- generate (generator/) -------------------------------------------------------------------

# --- load (loader/) --------------------------------------------------------------------------

# --- build, report, publish, export, run (ticketflow/) --------------------------------------
