"""The working database opened for a load, with the raw schema in place."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from ticketflow import warehouse


def connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open (creating when missing) the working file read-write, with schema `raw` present."""
    connection = warehouse.connect(Path(db_path), read_only=False)
    connection.execute(resources.files(__package__).joinpath("schema.sql").read_text())
    return connection
