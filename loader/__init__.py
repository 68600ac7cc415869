"""Landing of Freshdesk activity exports into the `raw` schema of a DuckDB file.

from ticketflow.loader import load_paths
summary = load_paths(["exports/"], "data/warehouse.duckdb", strict=False)
"""

from .errors import LoaderError
from .landing import FileResult, LoadSummary, Progress, load_paths
from .sources import SourceFile

__all__ = [
    "FileResult",
    "LoadSummary",
    "LoaderError",
    "Progress",
    "SourceFile",
    "load_paths",
]
