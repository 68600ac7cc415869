"""Landing of Freshdesk activity exports into the `raw` schema of a DuckDB file."""
