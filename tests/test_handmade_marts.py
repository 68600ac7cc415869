"""The hand-made marts the report, publish and export tests read agree with the dbt contracts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import create_contract_tables, mart_contracts

from ticketflow.marts import MARTS


def test_every_mart_has_a_contract() -> None:
    assert sorted(mart_contracts()) == sorted(MARTS)


def test_handmade_marts_have_the_contract_columns_and_types(handmade_marts: Path) -> None:
    with duckdb.connect(str(handmade_marts), read_only=True) as con:
        for mart, contract in mart_contracts().items():
            columns = con.execute(
                "select column_name, lower(data_type) from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
            assert columns == contract, mart
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] > 0, mart


def test_a_handmade_column_the_contract_lacks_fails() -> None:
    with duckdb.connect() as con:
        create_contract_tables(con)
        with pytest.raises(duckdb.BinderException, match="ticket_colour"):
            con.execute(
                "insert into marts.dim_tickets by name "
                "select 1 as ticket_id, 'red' as ticket_colour"
            )
