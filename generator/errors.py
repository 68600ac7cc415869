"""The generator's domain errors: the CLI prints them as one line, never a traceback."""

from __future__ import annotations

from ticketflow.errors import TicketflowError


class GeneratorError(TicketflowError, ValueError):
    """Bad options or output for the generator (the message is shown to the user as is)."""


class ConfigError(GeneratorError):
    """An invalid generator configuration; the message names the offending key."""
