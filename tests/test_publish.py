"""Publishing the marts to serve.duckdb and parquet/: content, atomic replacement, errors."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ticketflow.cli import app
from ticketflow.marts import GRAINS, MARTS
from ticketflow.publish import publish
from ticketflow.warehouse import WarehouseError

runner = CliRunner()


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {name: con.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in MARTS}


def _parquet_rows(path: Path) -> int:
    with duckdb.connect() as con:
        return con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0]


def test_publish_copies_every_mart(handmade_marts: Path) -> None:
    publication = publish(handmade_marts)
    serve = handmade_marts.parent / "serve.duckdb"
    assert publication.serve_path == serve
    assert publication.parquet_dir == handmade_marts.parent / "parquet"
    with duckdb.connect(str(handmade_marts), read_only=True) as con:
        expected = _counts(con)
        metrics = con.execute("from marts.fct_ticket_metrics order by ticket_id").fetchall()
    assert publication.rows == dict(sorted(expected.items()))
    with duckdb.connect(str(serve), read_only=True) as con:
        assert _counts(con) == expected
        assert con.execute("from marts.fct_ticket_metrics order by ticket_id").fetchall() == metrics
    parquet = handmade_marts.parent / "parquet"
    assert sorted(p.name for p in parquet.iterdir()) == sorted(f"{m}.parquet" for m in MARTS)
    for name, rows in expected.items():
        assert _parquet_rows(parquet / f"{name}.parquet") == rows, name
    assert stat.S_IMODE(serve.stat().st_mode) == 0o444


def test_published_rows_are_in_grain_order_whatever_the_stored_order(
    handmade_marts: Path,
) -> None:
    with duckdb.connect(str(handmade_marts)) as con:
        for name, grain in GRAINS.items():  # store every mart in reverse grain order
            con.execute(
                f"create or replace table marts.{name} as"
                f" select * from marts.{name} order by {grain} desc"
            )
    publish(handmade_marts)
    serve = handmade_marts.parent / "serve.duckdb"
    with duckdb.connect(str(serve), read_only=True) as con:
        for name, grain in GRAINS.items():
            parquet = str(handmade_marts.parent / "parquet" / f"{name}.parquet")
            for source in (f"marts.{name}", f"read_parquet('{parquet}')"):
                rows = con.execute(f"select {grain} from {source}").fetchall()
                values = [value for (value,) in rows]
                assert len(values) > 1, name
                assert values == sorted(values), (name, source)


def test_republish_replaces_atomically_and_keeps_one_previous_generation(
    handmade_marts: Path,
) -> None:
    directory = handmade_marts.parent
    publish(handmade_marts)
    first_generation = (directory / "parquet").resolve()
    reader = duckdb.connect(str(directory / "serve.duckdb"), read_only=True)
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("delete from marts.fct_ticket_metrics where ticket_id > 4")
    publish(handmade_marts)
    second_generation = (directory / "parquet").resolve()
    # a reader holding the old file keeps its consistent snapshot while the new one lands
    assert reader.execute("select count(*) from marts.fct_ticket_metrics").fetchone()[0] == 6
    reader.close()
    with duckdb.connect(str(directory / "serve.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_ticket_metrics").fetchone()[0] == 4
    assert _parquet_rows(directory / "parquet" / "fct_ticket_metrics.parquet") == 4
    publish(handmade_marts)
    generations = sorted(p for p in directory.iterdir() if p.name.startswith(".parquet-"))
    assert first_generation not in generations
    assert sorted([second_generation, (directory / "parquet").resolve()]) == generations
    assert (directory / "parquet").is_symlink()
    assert sorted(p.name for p in directory.iterdir() if not p.name.startswith(".parquet-")) == [
        "parquet",
        "serve.duckdb",
        "warehouse.duckdb",
    ]


def test_publish_replaces_a_plain_parquet_directory(handmade_marts: Path) -> None:
    plain = handmade_marts.parent / "parquet"
    plain.mkdir()
    (plain / "stale.parquet").write_text("old")
    publish(handmade_marts)
    assert plain.is_symlink()
    assert not (plain / "stale.parquet").exists()


def test_failed_publish_leaves_the_previous_publication(handmade_marts: Path) -> None:
    publish(handmade_marts)
    directory = handmade_marts.parent
    before = {p.name: p.stat().st_mtime_ns for p in directory.iterdir()}
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("drop table marts.fct_daily_ticket_summary")
    with pytest.raises(WarehouseError) as caught:
        publish(handmade_marts)
    assert str(caught.value) == (
        f"{handmade_marts}: missing marts.fct_daily_ticket_summary (run `dbt build` first)"
    )
    after = {p.name: p.stat().st_mtime_ns for p in directory.iterdir() if p != handmade_marts}
    assert after == {name: t for name, t in before.items() if name != handmade_marts.name}


def test_cli_publish(handmade_marts: Path) -> None:
    result = runner.invoke(app, ["publish", "--db", str(handmade_marts)])
    assert result.exit_code == 0, result.output
    directory = handmade_marts.parent
    assert result.stderr == (
        "Published 6 marts (dim_ticket_details 6, dim_tickets 6, fct_daily_ticket_summary 6, "
        "fct_ticket_activities 18, fct_ticket_metrics 6, fct_ticket_status_intervals 6)\n"
        f"  serving DuckDB (read-only): {directory}/serve.duckdb\n"
        f"  Parquet, one file per mart: {directory}/parquet/\n"
    )


def test_cli_publish_uses_ticketflow_db(handmade_marts: Path, monkeypatch) -> None:
    monkeypatch.setenv("TICKETFLOW_DB", str(handmade_marts))
    result = runner.invoke(app, ["publish", "--quiet"])
    assert (result.exit_code, result.output) == (0, "")
    assert (handmade_marts.parent / "serve.duckdb").is_file()


def test_cli_publish_missing_database(tmp_path: Path) -> None:
    db = tmp_path / "missing.duckdb"
    result = runner.invoke(app, ["publish", "--db", str(db)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {db}: no such database (load files first: ticketflow load PATH...)\n"
    )
    assert os.listdir(tmp_path) == []
