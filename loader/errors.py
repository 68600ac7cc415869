"""Domain errors of the loader; the CLI prints them as one line."""

from __future__ import annotations

from ticketflow.errors import TicketflowError


class LoaderError(TicketflowError):
    """A load that cannot start: a bad path argument (nothing is written)."""

    exit_code = 2
