"""Landing of Freshdesk activity exports into the `raw` schema of a DuckDB file.

from loader import load_paths
summary = load_paths(["exports/"], "data/warehouse.duckdb", strict=False)
"""

from loader.errors import DatabaseLockedError, LoaderError
from loader.landing import FileResult, LoadSummary, Progress, load_paths
from loader.sources import SourceFile

__all__ = [
    "DatabaseLockedError",
    "FileResult",
    "LoadSummary",
    "LoaderError",
    "Progress",
    "SourceFile",
    "load_paths",
]
