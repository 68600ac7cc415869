"""Domain errors of the loader; the CLI prints them as one line."""

from __future__ import annotations


class LoaderError(Exception):
    """A load that cannot start: a bad path argument or an unusable database."""


class DatabaseLockedError(LoaderError):
    """The DuckDB file is held by another process."""
