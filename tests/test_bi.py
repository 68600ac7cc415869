"""BI tools on the published marts: SQLAlchemy reflection (the `bi` extra's pins) and the
column descriptions (dbt's persist_docs, kept by `ticketflow publish`)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from conftest import PublishedBuild, mart_contracts

from ticketflow.marts import MARTS
from ticketflow.publish import publish

# The SQLAlchemy type a BI tool sees for each contract data_type (JSON is text to a driver).
REFLECTED_TYPES = {
    "bigint": sa.BigInteger,
    "integer": sa.Integer,
    "varchar": sa.String,
    "json": sa.String,
    "boolean": sa.Boolean,
    "timestamp": sa.DateTime,
    "date": sa.Date,
}
# duckdb-engine warns that it reflects no indexes; the marts have none.
NO_INDEX_REFLECTION = "ignore:duckdb-engine doesn't yet support reflection on indices"


def serve_engine(serve: Path) -> sa.Engine:
    """A SQLAlchemy engine on serve.duckdb as a BI tool opens it (read-only)."""
    return sa.create_engine(f"duckdb:///{serve}", connect_args={"read_only": True})


def manifest_descriptions(build: PublishedBuild) -> dict[str, tuple[str, dict[str, str]]]:
    """Each mart's description and column descriptions as dbt rendered them (doc blocks)."""
    manifest = json.loads((build.project / "target" / "manifest.json").read_text())
    return {
        node["name"]: (
            node["description"],
            {name: column["description"] for name, column in node["columns"].items()},
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"] in MARTS
    }


@pytest.mark.slow
@pytest.mark.filterwarnings(NO_INDEX_REFLECTION)
def test_sqlalchemy_reflects_every_mart_as_its_contract_says(
    published_build: PublishedBuild,
) -> None:
    contracts = mart_contracts()
    assert sorted(contracts) == sorted(MARTS)
    engine = serve_engine(published_build.serve)
    try:
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names(schema="marts")) == sorted(MARTS)
        for mart, contract in contracts.items():
            columns = inspector.get_columns(mart, schema="marts")
            assert [column["name"] for column in columns] == [name for name, _ in contract]
            for column, (name, data_type) in zip(columns, contract, strict=True):
                assert isinstance(column["type"], REFLECTED_TYPES[data_type]), (mart, name)
            table = sa.Table(mart, sa.MetaData(), schema="marts", autoload_with=engine)
            assert [column.name for column in table.columns] == [name for name, _ in contract]
            with engine.connect() as connection:
                rows = connection.execute(sa.select(sa.func.count()).select_from(table))
                assert rows.scalar_one() > 0, mart
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.filterwarnings(NO_INDEX_REFLECTION)
def test_published_marts_keep_every_description(published_build: PublishedBuild) -> None:
    descriptions = manifest_descriptions(published_build)
    assert sorted(descriptions) == sorted(MARTS)
    with duckdb.connect(str(published_build.serve), read_only=True) as con:
        tables = dict(
            con.execute(
                "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        )
        comments = {
            (table, column): comment
            for table, column, comment in con.execute(
                "select table_name, column_name, comment from duckdb_columns() "
                "where schema_name = 'marts'"
            ).fetchall()
        }
    expected_columns = {
        (mart, column): description
        for mart, (_, columns) in descriptions.items()
        for column, description in columns.items()
    }
    assert set(comments) == set(expected_columns)  # every mart column is described
    for key, description in expected_columns.items():
        assert description.strip(), f"{key}: no description in _marts__models.yml"
        assert comments[key] == description, key
    assert tables == {mart: description for mart, (description, _) in descriptions.items()}
    # and a BI tool reading through SQLAlchemy sees them
    engine = serve_engine(published_build.serve)
    try:
        table = sa.Table("fct_ticket_metrics", sa.MetaData(), schema="marts", autoload_with=engine)
        assert table.comment == descriptions["fct_ticket_metrics"][0]
        assert (
            table.columns["reopen_count"].comment
            == (descriptions["fct_ticket_metrics"][1]["reopen_count"])
        )
    finally:
        engine.dispose()


def test_publish_copies_comments_quotes_and_all(handmade_marts: Path) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("comment on table marts.dim_tickets is 'One row per ticket, it''s said.'")
        con.execute("comment on column marts.dim_tickets.status is 'The \"current\" status'")
    serve = publish(handmade_marts).serve_path
    with duckdb.connect(str(serve), read_only=True) as con:
        table = con.execute(
            "select comment from duckdb_tables() where table_name = 'dim_tickets'"
        ).fetchone()
        columns = con.execute(
            "select column_name, comment from duckdb_columns() "
            "where table_name = 'dim_tickets' and comment is not null"
        ).fetchall()
    assert table == ("One row per ticket, it's said.",)
    assert columns == [("status", 'The "current" status')]
