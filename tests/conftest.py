"""Shared pytest fixtures; each part of the project keeps its fixtures in its own section."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

# --- the shared Freshdesk files (../shared/fixtures beside the repository) ------------------

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
SPEC_SAMPLE = SHARED_FIXTURES / "spec-sample.json"
REAL_FILES = sorted((SHARED_FIXTURES / "freshdesk-real").glob("activities_*.json"))


@pytest.fixture(scope="session")
def real_files() -> list[Path]:
    """The twelve real Freshdesk export files, in name order."""
    assert len(REAL_FILES) == 12, f"expected the twelve real exports in {SHARED_FIXTURES}"
    return REAL_FILES


@pytest.fixture(scope="session")
def spec_sample() -> Path:
    """SPEC.md's original two-activity export sample."""
    assert SPEC_SAMPLE.is_file(), f"missing {SPEC_SAMPLE}"
    return SPEC_SAMPLE


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
