"""The working database opened for a load, with the raw schema in place."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from ticketflow import warehouse


def record_hash(md5_text: str) -> str:
    """A record's identity hash (`raw.activities.record_hash`) from the md5 of its minified
    JSON text, as 32 hex digits: the first 16 of them as a number, shifted right one bit (63
    bits, a bigint that is never negative on any engine). 8 bytes a row, where the hex text
    took about 19 compressed; the identity groups by ticket and time too, so two records
    would have to collide within one ticket to be taken for one."""
    return f"cast(cast('0x' || left({md5_text}, 16) as ubigint) >> 1 as bigint)"


# Databases whose record_hash is the md5 text (before 2026-12-04) get the number made of it.
RECORD_HASH_IS_TEXT = """
select count(*) from information_schema.columns
where table_schema = 'raw' and table_name = 'activities' and column_name = 'record_hash'
    and data_type = 'VARCHAR'
"""


def connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open (creating when missing) the working file read-write, with schema `raw` present
    and in its current layout."""
    connection = warehouse.connect(Path(db_path), read_only=False)
    connection.execute(resources.files(__package__).joinpath("schema.sql").read_text())
    if connection.execute(RECORD_HASH_IS_TEXT).fetchone()[0]:
        try:
            connection.execute(
                "alter table raw.activities alter record_hash set data type bigint"
                f" using {record_hash('record_hash')}"
            )
        except duckdb.Error as error:
            connection.close()
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise warehouse.WarehouseError(
                f"{db_path}: cannot convert raw.activities.record_hash to a number: {reason}"
            ) from None
    return connection


def upgrade(db_path: Path) -> None:
    """Bring an existing working file's raw schema to the current layout (before a build)."""
    if Path(db_path).exists():
        connect(db_path).close()
