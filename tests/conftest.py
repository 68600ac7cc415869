"""Shared pytest fixtures; each part of the project keeps its fixtures in its own section."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

# --- report, publish, export (ticketflow/) ---------------------------------------------------

HANDMADE_MARTS = Path(__file__).parent / "fixtures" / "handmade_marts.sql"


@pytest.fixture
def handmade_marts(tmp_path: Path) -> Path:
    """A working DuckDB file holding six hand-made tickets in the six marts (no dbt needed).

    Its numbers are small enough to check by hand; see tests/fixtures/handmade_marts.sql.
    """
    db_path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db_path)) as con:
        con.execute(HANDMADE_MARTS.read_text())
    return db_path
