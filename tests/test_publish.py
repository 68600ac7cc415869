"""Publishing the marts to serve.duckdb and parquet/: content, atomic replacement, errors."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ticketflow import publish as publish_module
from ticketflow.cli import app
from ticketflow.marts import GRAINS, MARTS
from ticketflow.publish import PublishError, publish
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


def _layout(directory: Path) -> dict[str, str]:
    """Each entry of `directory`: a link's target, or `dir` / `file`."""
    return {
        path.name: os.readlink(path) if path.is_symlink() else "dir" if path.is_dir() else "file"
        for path in sorted(directory.iterdir())
    }


def test_republish_replaces_atomically_and_keeps_one_previous_generation(
    handmade_marts: Path,
) -> None:
    directory = handmade_marts.parent
    publish(handmade_marts)
    first = os.readlink(directory / ".publication")
    assert first.startswith(".publication-")
    reader = duckdb.connect(str(directory / "serve.duckdb"), read_only=True)
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("delete from marts.fct_ticket_metrics where ticket_id > 4")
    publish(handmade_marts)
    second = os.readlink(directory / ".publication")
    # a reader holding the old file keeps its consistent snapshot while the new one lands
    assert reader.execute("select count(*) from marts.fct_ticket_metrics").fetchone()[0] == 6
    reader.close()
    with duckdb.connect(str(directory / "serve.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_ticket_metrics").fetchone()[0] == 4
    assert _parquet_rows(directory / "parquet" / "fct_ticket_metrics.parquet") == 4
    publish(handmade_marts)
    third = os.readlink(directory / ".publication")
    assert len({first, second, third}) == 3
    assert _layout(directory) == {
        ".publication": third,
        ".publication.lock": "file",
        second: "dir",
        third: "dir",
        "parquet": ".publication/parquet",
        "serve.duckdb": ".publication/serve.duckdb",
        "warehouse.duckdb": "file",
    }
    assert sorted(p.name for p in (directory / third).iterdir()) == ["parquet", "serve.duckdb"]


def test_publish_replaces_the_layout_before_publications(handmade_marts: Path) -> None:
    """A plain serve.duckdb and parquet -> .parquet-<id> become the links; the old go."""
    directory = handmade_marts.parent
    (directory / "serve.duckdb").write_text("old")
    (directory / ".parquet-old").mkdir()
    (directory / ".parquet-old" / "stale.parquet").write_text("old")
    (directory / "parquet").symlink_to(".parquet-old")
    (directory / ".parquet-older").mkdir()
    publish(handmade_marts)
    layout = _layout(directory)
    assert layout == {
        ".publication": layout[".publication"],
        ".publication.lock": "file",
        layout[".publication"]: "dir",
        "parquet": ".publication/parquet",
        "serve.duckdb": ".publication/serve.duckdb",
        "warehouse.duckdb": "file",
    }
    assert _parquet_rows(directory / "parquet" / "fct_ticket_metrics.parquet") == 6


def test_publish_replaces_a_plain_parquet_directory(handmade_marts: Path) -> None:
    plain = handmade_marts.parent / "parquet"
    plain.mkdir()
    (plain / "stale.parquet").write_text("old")
    publish(handmade_marts)
    assert plain.is_symlink()
    assert not (plain / "stale.parquet").exists()
    assert not any(p.name.startswith(".parquet-") for p in handmade_marts.parent.iterdir())


def _fail_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename that switches the publication fails (as on a full or read-only disk)."""

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module.os, "replace", refuse)


def _fail_after_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve.duckdb and the Parquet files of the new generation are written, then a failure."""
    copy = publish_module._copy_marts

    def copy_then_fail(*args: Path) -> dict[str, int]:
        copy(*args)
        raise duckdb.IOException("IO Error: injected after writing serve.duckdb")

    monkeypatch.setattr(publish_module, "_copy_marts", copy_then_fail)


@pytest.mark.parametrize(
    ("inject", "reason"),
    [
        (_fail_switch, "[Errno 28] No space left on device"),
        (_fail_after_copy, "IO Error: injected after writing serve.duckdb"),
    ],
)
def test_a_failure_before_the_switch_leaves_the_previous_publication_whole(
    handmade_marts: Path, monkeypatch: pytest.MonkeyPatch, inject, reason: str
) -> None:
    directory = handmade_marts.parent
    publish(handmade_marts)
    before = _layout(directory)
    with duckdb.connect(str(handmade_marts)) as con:
        con.execute("delete from marts.fct_ticket_metrics where ticket_id > 4")
    inject(monkeypatch)
    with pytest.raises(PublishError) as caught:
        publish(handmade_marts)
    assert str(caught.value) == f"{handmade_marts}: publishing failed: {reason}"
    assert _layout(directory) == before  # the new generation is removed, nothing switched
    with duckdb.connect(str(directory / "serve.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_ticket_metrics").fetchone()[0] == 6
    assert _parquet_rows(directory / "parquet" / "fct_ticket_metrics.parquet") == 6


def test_a_killed_publish_leaves_nothing_the_next_publish_keeps(handmade_marts: Path) -> None:
    directory = handmade_marts.parent
    publish(handmade_marts)
    kept = _layout(directory)
    leftovers = [
        ".serve.duckdb.0a1b.tmp",
        ".serve.duckdb.0a1b.tmp.wal",
        ".parquet.0a1b.link",
        "..publication.0a1b.link",
    ]
    for name in leftovers:
        (directory / name).write_bytes(b"x" * 1000)
    (directory / ".publication-killed").mkdir()
    (directory / ".publication-killed" / "serve.duckdb").write_bytes(b"half")
    (directory / "notes.txt").write_text("mine")  # not ours: left alone
    publish(handmade_marts)
    after = _layout(directory)
    # the previous generation, the new one and the user's file; no leftover
    assert sorted(after) == sorted([*kept, after[".publication"], "notes.txt"])


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("serve.duckdb", lambda path: path.symlink_to("elsewhere.duckdb"), "a symbolic link"),
        ("serve.duckdb", os.mkfifo, "a FIFO"),
        ("parquet", lambda path: path.symlink_to("/tmp"), "a symbolic link"),
    ],
)
def test_publish_never_replaces_what_is_not_a_publication(
    handmade_marts: Path, name: str, make, kind: str
) -> None:
    path = handmade_marts.parent / name
    make(path)
    result = runner.invoke(app, ["publish", "--db", str(handmade_marts)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: {kind}, not a regular file: refusing to replace it\n"
    assert sorted(p.name for p in handmade_marts.parent.iterdir()) == [name, "warehouse.duckdb"]


def test_two_publishes_of_one_directory_do_not_run_at_once(handmade_marts: Path) -> None:
    directory = handmade_marts.parent
    with (directory / ".publication.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(PublishError) as caught:
            publish(handmade_marts)
    assert str(caught.value) == (
        f"{directory}: another publish is writing there; try again when it ends"
    )
    assert sorted(p.name for p in directory.iterdir()) == [".publication.lock", "warehouse.duckdb"]


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
