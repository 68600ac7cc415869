"""The loader: every activity lands once, bad records are rejected with a reason."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ticketflow import loader
from ticketflow.cli import app

GOOD = {
    "performed_at": "16-04-2026 14:00:58 +0200",
    "ticket_id": 526,
    "performer_type": "user",
    "performer_id": 7,
    "activity": {"status": "Open", "cf_x_1": None},
}


def line(record: object) -> str:
    return json.dumps(record, separators=(",", ":"))


def with_(**changes: object) -> str:
    record = {**GOOD, **changes}
    return line({key: value for key, value in record.items() if value is not ...})


def invoke(*args: str | Path) -> object:
    return CliRunner().invoke(app, ["load", *map(str, args)])


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_real_exports_and_spec_sample_land_completely(
    tmp_path: Path, real_files: list[Path], spec_sample: Path
) -> None:
    db = tmp_path / "w.duckdb"
    # The spec sample's name carries no account: --account puts it in the real files' one.
    result = invoke(real_files[0].parent, spec_sample, "--account", "3748365", "--db", db, "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    declared = {
        path.name: json.loads(path.read_text())["metadata"]["activities_count"]
        for path in [*real_files, spec_sample]
    }
    ledger = query(db, "select file_name, records, loaded, rejected, declared_count from raw.loads")
    assert {row[0]: row[1:] for row in ledger} == {
        name: (count, count, 0, count) for name, count in declared.items()
    }
    landed = query(db, "select file_name, count(*) from raw.activities group by all")
    assert dict(landed) == {name: count for name, count in declared.items() if count}
    assert query(db, "select count(*) from raw.rejects") == [(0,)]
    # files in order of metadata.start_at: the 2017 sample first, then the days of April 2026
    order = [name for (name,) in query(db, "select file_name from raw.loads order by load_id")]
    assert order[0] == "spec-sample.json"
    assert order[1:] == sorted(order[1:], key=lambda name: int(name.split("_")[2]))


def test_typed_columns_are_utc_and_activity_kept_whole(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    system = {k: v for k, v in GOOD.items() if k != "performer_id"} | {"performer_type": "system"}
    source.write_text(line(GOOD) + "\n" + line(system) + "\n")
    assert invoke(source, "--db", tmp_path / "w.duckdb", "-q").exit_code == 0
    rows = query(
        tmp_path / "w.duckdb",
        "select position, performed_at::varchar, ticket_id, performer_type, performer_id,"
        " activity::varchar from raw.activities order by position",
    )
    assert rows == [
        (1, "2026-04-16 12:00:58", 526, "user", 7, '{"status":"Open","cf_x_1":null}'),
        (2, "2026-04-16 12:00:58", 526, "system", None, '{"status":"Open","cf_x_1":null}'),
    ]


@pytest.mark.parametrize(
    ("time", "utc"),
    [
        ("01-01-1900 00:00:00 +0000", "1900-01-01 00:00:00"),
        ("30-12-9999 23:59:59 +0000", "9999-12-30 23:59:59"),
        ("31-12-9999 09:59:59 +1400", "9999-12-30 19:59:59"),
        ("16-04-2026 14:00:58 +1400", "2026-04-16 00:00:58"),
        ("16-04-2026 14:00:58 -14:00", "2026-04-17 04:00:58"),
        ("16-04-2026 14:00:58 +0545", "2026-04-16 08:15:58"),
        ("16-04-2026 14:00:58 -03", "2026-04-16 17:00:58"),
    ],
)
def test_times_at_the_ends_of_the_range_are_read(tmp_path: Path, time: str, utc: str) -> None:
    source = tmp_path / "edge.jsonl"
    source.write_text(with_(performed_at=time))
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "--strict", "-q").exit_code == 0
    assert query(db, "select performed_at::varchar from raw.activities") == [(utc,)]


def test_a_time_written_with_json_escapes_is_read(tmp_path: Path) -> None:
    source = tmp_path / "escaped.jsonl"
    source.write_text(
        with_(performed_at=...)[:-1] + ',"performed_at":"16-04-2026 14:00:58 \\u002b0200"}'
    )
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "-q").exit_code == 0
    assert query(db, "select performed_at::varchar from raw.activities") == [
        ("2026-04-16 12:00:58",)
    ]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (b'{"ticket_id": 1,', "malformed JSON"),
        (b"[1, 2]", "not a JSON object"),
        (with_(ticket_id=...).encode(), "missing ticket_id"),
        (with_(ticket_id="526").encode(), 'ticket_id is not an integer: "526"'),
        (with_(ticket_id=5.5).encode(), "ticket_id is not an integer: 5.5"),
        (with_(performed_at=...).encode(), "missing performed_at"),
        (
            with_(performed_at="2026-04-16 14:00").encode(),
            'performed_at is not a time like "21-04-2017 09:33:38 +0000": "2026-04-16 14:00"',
        ),
        *[
            (
                with_(performed_at=time).encode(),
                "performed_at out of range (1900-01-01..9999-12-30 UTC, offsets -14:00..+14:00):"
                f' "{time}"',
            )
            for time in [
                "01-01-0000 00:00:00 +0000",
                "31-12-1899 23:59:59 +0000",
                "01-01-1900 00:30:00 +0100",
                "31-12-9999 23:00:00 -1200",
                "31-12-9999 00:00:00 +0000",
                "16-04-2026 14:00:58 +9999",
                "16-04-2026 14:00:58 +1401",
                "16-04-2026 14:00:58 -0260",
            ]
        ],
        (with_(activity=[1]).encode(), "activity is not a JSON object: [1]"),
        (with_(activity=...).encode(), "missing activity"),
        (with_(performer_id="x").encode(), 'performer_id is not an integer: "x"'),
        (
            line(GOOD).replace("Open", "Op\\xffen").encode().replace(b"\\xff", b"\xff"),
            "invalid UTF-8",
        ),
    ],
)
def test_bad_record_is_rejected_and_the_rest_loads(tmp_path: Path, bad: bytes, reason: str) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(line(GOOD).encode() + b"\n" + bad + b"\n" + with_(ticket_id=9).encode())
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    assert query(db, "select position, ticket_id from raw.activities order by 1") == [
        (1, 526),
        (3, 9),
    ]
    assert query(db, "select file_name, position, reason from raw.rejects") == [
        ("mixed.jsonl", 2, reason)
    ]
    assert query(db, "select records, loaded, rejected, status, message from raw.loads") == [
        (3, 2, 1, "loaded", f"1 of 3 records rejected, first at line 2: {reason} (see raw.rejects)")
    ]


def test_rejects_are_a_warning_naming_the_first_bad_line(tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text(line(GOOD) + "\n" + with_(ticket_id=...) + "\n" + "[1]\n")
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db)
    assert result.exit_code == 0
    warning = "2 of 3 records rejected, first at line 2: missing ticket_id (see raw.rejects)"
    assert result.stderr.endswith(f"Warning: {source}: {warning}\n")
    assert result.stderr.count("Warning:") == 1


def test_bom_crlf_and_blank_lines_are_not_errors(tmp_path: Path) -> None:
    source = tmp_path / "windows.jsonl"
    body = "\r\n".join([line(GOOD), "", "   ", with_(ticket_id=2), ""])
    source.write_bytes(b"\xef\xbb\xbf" + body.encode())
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "-q").exit_code == 0
    assert query(db, "select position, ticket_id from raw.activities order by 1") == [
        (1, 526),
        (4, 2),
    ]
    assert query(db, "select records, rejected from raw.loads") == [(2, 0)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,name\n1,x\n", "not JSON: none of its 2 lines is a JSON value"),
        (
            b'{"activities_data": [{"ticket_id": 1}, {"tick',
            "not a complete export file: Malformed JSON",
        ),
        (
            b"\x1f\x8b\x08\x00garbage",
            "damaged gzip: the file ends before the end of its compressed stream",
        ),
        (b'{"a": "x\ry"}\n', "not JSON: none of its 1 lines is a JSON value"),
    ],
)
def test_unreadable_file_fails_alone(tmp_path: Path, content: bytes, message: str) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(content)
    good = tmp_path / "good.jsonl"
    good.write_text(line(GOOD))
    db = tmp_path / "w.duckdb"
    result = invoke(broken, good, "--db", db, "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {broken}: {message}")
    assert len(result.stderr.splitlines()) == 1
    ledger = query(db, "select file_name, status, loaded, message from raw.loads order by 1")
    assert [row[:3] for row in ledger] == [
        ("broken.json", "failed", 0),
        ("good.jsonl", "loaded", 1),
    ]
    assert ledger[0][3].startswith(message)
    assert query(db, "select file_name from raw.activities") == [("good.jsonl",)]


def test_declared_count_mismatch_is_a_warning(tmp_path: Path) -> None:
    export = {
        "metadata": {"start_at": "20-04-2017 10:00:00 +0000", "activities_count": 3},
        "activities_data": [GOOD],
    }
    source = tmp_path / "short.json"
    source.write_text(json.dumps(export))
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db)
    assert result.exit_code == 0
    warning = "metadata.activities_count is 3 but the file holds 1 records"
    assert result.stderr.endswith(f"Warning: {source}: {warning}\n")
    assert result.stderr.count("Warning:") == 1
    assert query(db, "select status, loaded, message from raw.loads") == [("loaded", 1, warning)]


def test_strict_fails_a_file_with_any_reject_writing_nothing(tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text(line(GOOD) + "\n" + with_(ticket_id=...) + "\n")
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "--strict", "-q")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {source}: strict: 1 of 2 records rejected, first at line 2: missing ticket_id\n"
    )
    assert query(db, "select count(*) from raw.activities") == [(0,)]
    assert query(db, "select count(*) from raw.rejects") == [(0,)]
    assert query(db, "select status, loaded from raw.loads") == [("failed", 0)]


def test_quotes_and_spaces_in_a_file_name(tmp_path: Path) -> None:
    source = tmp_path / 'it\'s a "day" ; drop table x.jsonl'
    source.write_text(line(GOOD))
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "-q").exit_code == 0
    assert query(db, "select file_name from raw.activities") == [(source.name,)]


def test_same_content_is_skipped_and_said(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text(line(GOOD))
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "-q").exit_code == 0
    summary = loader.load_paths([source], db)
    assert [(r.status, r.message) for r in summary.files] == [
        ("skipped", "same content already loaded")
    ]
    assert query(db, "select count(*) from raw.activities") == [(1,)]
    assert query(db, "select count(*) from raw.loads") == [(1,)]


def test_re_export_replaces_the_files_rows(tmp_path: Path) -> None:
    source = tmp_path / "day.jsonl"
    source.write_text(line(GOOD) + "\n" + with_(ticket_id="bad"))
    db = tmp_path / "w.duckdb"
    loader.load_paths([source], db)
    source.write_text("\n".join([with_(ticket_id=1), with_(ticket_id=2), with_(ticket_id=3)]))
    summary = loader.load_paths([source], db)
    assert [(r.status, r.loaded) for r in summary.files] == [("replaced", 3)]
    assert query(db, "select ticket_id from raw.activities order by 1") == [(1,), (2,), (3,)]
    assert query(db, "select count(*) from raw.rejects") == [(0,)]
    assert query(db, "select status from raw.loads order by load_id") == [
        ("loaded",),
        ("replaced",),
    ]


def test_reloading_the_original_folder_after_a_re_export_keeps_the_re_export(
    tmp_path: Path,
) -> None:
    (tmp_path / "original").mkdir()
    (tmp_path / "re-export").mkdir()
    original = tmp_path / "original" / "day.jsonl"
    original.write_text("\n".join([with_(ticket_id=1), with_(ticket_id=2)]))
    (tmp_path / "original" / "other.jsonl").write_text(with_(ticket_id=9))
    (tmp_path / "re-export" / "day.jsonl").write_text(
        "\n".join([with_(ticket_id=1), with_(ticket_id=2), with_(ticket_id=3)])
    )
    db = tmp_path / "w.duckdb"
    loader.load_paths([tmp_path / "original"], db)
    replaced = loader.load_paths([tmp_path / "re-export"], db)
    assert [(r.status, r.loaded) for r in replaced.files] == [("replaced", 3)]
    again = loader.load_paths([tmp_path / "original"], db)
    assert [(r.path.name, r.status, r.message) for r in again.files] == [
        (
            "day.jsonl",
            "skipped",
            f"an older export of this file, replaced by load {replaced.files[0].load_id}:"
            " kept the newer",
        ),
        ("other.jsonl", "skipped", "same content already loaded"),
    ]
    assert query(db, "select file_name, ticket_id from raw.activities order by 1, 2") == [
        ("day.jsonl", 1),
        ("day.jsonl", 2),
        ("day.jsonl", 3),
        ("other.jsonl", 9),
    ]
    # A new export under the name still replaces whatever stands.
    original.write_text(with_(ticket_id=4))
    newest = loader.load_paths([original], db)
    assert [(r.status, r.loaded) for r in newest.files] == [("replaced", 1)]
    assert query(db, "select ticket_id from raw.activities where file_name = 'day.jsonl'") == [(4,)]


def test_envelope_gzip_and_json_lines_land_the_same_activities(tmp_path: Path) -> None:
    records = [GOOD, {**GOOD, "ticket_id": 2}, GOOD]  # GOOD twice: occurrences 1 and 2
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pretty = json.dumps({"metadata": {"activities_count": 3}, "activities_data": records}, indent=2)
    (tmp_path / "a" / "export.jsonl").write_text(pretty)  # the name says nothing
    with gzip.open(tmp_path / "b" / "lines.json", "wt") as handle:
        handle.write("\n".join(json.dumps(record) for record in records))
    columns = (
        "position, performed_at, ticket_id, performer_type, performer_id, activity::varchar,"
        " record_hash, occurrence"
    )
    landed = []
    for folder in ("a", "b"):
        db = tmp_path / f"{folder}.duckdb"
        assert invoke(tmp_path / folder, "--db", db, "-q").exit_code == 0
        landed.append(query(db, f"select {columns} from raw.activities order by position"))
    assert landed[0] == landed[1]
    assert [row[-1] for row in landed[0]] == [1, 1, 2]
    assert query(tmp_path / "b.duckdb", "select container, is_compressed from raw.loads") == [
        ("jsonl", True)
    ]


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def test_record_hash_is_63_bits_of_the_md5_of_the_minified_record(tmp_path: Path) -> None:
    records = [line(GOOD), with_(ticket_id=2), with_(activity={"note": {"id": 9, "type": 0}})]
    source = tmp_path / "a.jsonl"  # written with spaces: the hash is of the minified text
    source.write_text("\n".join(json.dumps(json.loads(record)) for record in records) + "\n")
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "-q").exit_code == 0
    expected = [(n, int(md5_hex(r)[:16], 16) >> 1) for n, r in enumerate(records, 1)]
    assert query(db, "select position, record_hash from raw.activities order by 1") == expected


def test_a_warehouse_with_the_md5_text_is_upgraded_and_keeps_its_identities(
    tmp_path: Path,
) -> None:
    """Before 2026-12-04 record_hash was the md5's 32 hex digits: the next load turns them into
    the number, so an activity landed then and exported again now still counts once."""
    first = [line(GOOD), with_(ticket_id=2)]
    (tmp_path / "day1.jsonl").write_text("\n".join(first) + "\n")
    (tmp_path / "day2.jsonl").write_text("\n".join([first[1], with_(ticket_id=3)]) + "\n")
    old, new = tmp_path / "old.duckdb", tmp_path / "new.duckdb"
    for db in (old, new):
        assert invoke(tmp_path / "day1.jsonl", "--db", db, "-q").exit_code == 0
    with duckdb.connect(str(old)) as connection:  # the layout and values the old loader wrote
        connection.execute("alter table raw.activities alter record_hash type varchar")
        for position, record in enumerate(first, 1):
            connection.execute(
                "update raw.activities set record_hash = ? where position = ?",
                [md5_hex(record), position],
            )
    for db in (old, new):
        assert invoke(tmp_path / "day2.jsonl", "--db", db, "-q").exit_code == 0
    columns = "file_name, position, ticket_id, record_hash, occurrence"
    landed = [query(db, f"select {columns} from raw.activities order by all") for db in (old, new)]
    assert landed[0] == landed[1]
    assert query(
        old, "select count(distinct (ticket_id, record_hash, occurrence)) from raw.activities"
    ) == [(3,)]


def test_a_record_hash_that_cannot_be_converted_is_one_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    source = tmp_path / "day.jsonl"
    source.write_text(line(GOOD) + "\n")
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "-q").exit_code == 0
    with duckdb.connect(str(db)) as connection:  # not an md5: no number can be made of it
        connection.execute(
            "alter table raw.activities alter record_hash type varchar using 'not hex'"
        )
    (tmp_path / "other.jsonl").write_text(with_(ticket_id=2) + "\n")
    loaded = invoke(tmp_path / "other.jsonl", "--db", db, "-q")
    built = CliRunner().invoke(app, ["build", "--db", str(db), "--quiet"])
    for result in (loaded, built):
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: {db}: cannot convert raw.activities.record_hash")
        assert len(result.stderr.strip().splitlines()) == 1
    assert query(db, "select record_hash from raw.activities") == [("not hex",)]


def test_locked_database_names_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); "
            "print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "ready\n"
        source = tmp_path / "a.jsonl"
        source.write_text(line(GOOD))
        result = invoke(source, "--db", db, "-q")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: database {db} is locked by another process: ")
    assert result.stderr.endswith(f"(PID {holder.pid})\n")


KILLER = """
import os, signal, sys, threading, time
from ticketflow import loader
from ticketflow.loader import landing

def kill():
    os.kill(os.getpid(), signal.SIGKILL)

class KillDuring:
    def begin(self, sources): pass
    def file_started(self, source):
        if source.file_name == "b_big.jsonl" and sys.argv[1] == "parse":
            threading.Timer(0.1, kill).start()
    def file_finished(self, source, result): pass

write_ledger = landing._insert_ledger
def write_ledger_then_die(connection, source, *args):
    write_ledger(connection, source, *args)
    if source.file_name == "b_big.jsonl":
        kill()  # rows and ledger row written, not committed

if sys.argv[1] == "commit":
    landing._insert_ledger = write_ledger_then_die
loader.load_paths(sys.argv[3:], sys.argv[2], progress=KillDuring())
time.sleep(30)
"""
BIG = 400_000


@pytest.mark.parametrize("moment", ["parse", "commit"])
def test_killed_load_leaves_the_database_as_before_and_the_next_run_completes(
    tmp_path: Path, moment: str
) -> None:
    small, big, db = tmp_path / "a_small.jsonl", tmp_path / "b_big.jsonl", tmp_path / "w.duckdb"
    small.write_text(line(GOOD))
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select json_object('performed_at', '16-04-2026 14:00:58 +0000', "
            "'ticket_id', i, 'performer_type', 'user', 'activity', json_object('note', i)) "
            f"from range({BIG}) t(i)) to '{big}' (format csv, header false, quote '')"
        )
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, moment, str(db), str(small), str(big)], check=False
    )
    assert killed.returncode == -9
    assert query(db, "select file_name, loaded from raw.loads") == [("a_small.jsonl", 1)]
    assert query(db, "select file_name, count(*) from raw.activities group by all") == [
        ("a_small.jsonl", 1)
    ]
    summary = loader.load_paths([small, big], db)
    assert [(r.status, r.loaded) for r in summary.files] == [("skipped", 0), ("loaded", BIG)]
    assert query(db, "select file_name, loaded from raw.loads where status = 'loaded'") == [
        ("a_small.jsonl", 1),
        ("b_big.jsonl", BIG),
    ]
    # the positions of a file read by several threads are its line numbers
    assert query(
        db,
        "select count(*), count(*) filter (where position = ticket_id + 1) from raw.activities"
        " where file_name = 'b_big.jsonl'",
    ) == [(BIG, BIG)]


def test_db_defaults_to_ticketflow_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETFLOW_DB", str(tmp_path / "env" / "w.duckdb"))
    source = tmp_path / "a.jsonl"
    source.write_text(line(GOOD))
    assert invoke(source, "-q").exit_code == 0
    assert query(tmp_path / "env" / "w.duckdb", "select count(*) from raw.activities") == [(1,)]


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("missing.jsonl", "no such file or directory: missing.jsonl"),
        ("nothing-*.json", "no file matches: nothing-*.json"),
        ("empty", "no export files (*.json, *.jsonl, *.ndjson, *.gz) in empty"),
    ],
)
def test_bad_path_argument_loads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argument: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not an export")
    result = invoke(argument, "--db", tmp_path / "w.duckdb")
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert not (tmp_path / "w.duckdb").exists()


def test_two_files_of_one_name_in_one_load_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "day.jsonl").write_text(line(GOOD) + "\n")
    (tmp_path / "b" / "day.jsonl").write_text(with_(ticket_id=9) + "\n")
    db = tmp_path / "w.duckdb"
    result = invoke(tmp_path / "a", tmp_path / "b", "--db", db, "-q")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: two files named day.jsonl in one load ({tmp_path / 'a' / 'day.jsonl'},"
        f" {tmp_path / 'b' / 'day.jsonl'}): a file name identifies an export and the later"
        " would replace the earlier; rename one\n"
    )
    assert not db.exists()


def test_db_that_is_not_a_duckdb_file_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "day.jsonl"
    source.write_text(line(GOOD) + "\n")
    not_a_db = tmp_path / "other.jsonl"
    not_a_db.write_text(line(GOOD) + "\n")
    result = invoke(source, "--db", not_a_db, "-q")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {not_a_db} is not a DuckDB database\n"
    assert not_a_db.read_text() == line(GOOD) + "\n"


# --- accounts: one per database ---------------------------------------------------------------


def test_account_comes_from_freshdesk_file_names(tmp_path: Path, real_files: list[Path]) -> None:
    db = tmp_path / "w.duckdb"
    assert invoke(*real_files[:2], "--db", db, "-q").exit_code == 0
    assert query(db, "select distinct account_id from raw.loads") == [(3748365,)]
    other = tmp_path / "day.jsonl"
    other.write_text(line(GOOD) + "\n")
    assert invoke(other, "--db", tmp_path / "n.duckdb", "-q").exit_code == 0
    assert query(tmp_path / "n.duckdb", "select account_id from raw.loads") == [(None,)]
    assert invoke(other, "--db", tmp_path / "a.duckdb", "--account", "42", "-q").exit_code == 0
    assert query(tmp_path / "a.duckdb", "select account_id from raw.loads") == [(42,)]


@pytest.mark.parametrize(
    ("first_account", "second_account", "held", "offered"),
    [
        ([], [], "no account", "account 3748365"),  # generated JSON lines, then real exports
        (["--account", "7"], [], "account 7", "account 3748365"),
        ([], ["--account", "9"], "no account", "account 9"),
    ],
)
def test_another_account_is_refused_and_nothing_written(
    tmp_path: Path,
    real_files: list[Path],
    first_account: list[str],
    second_account: list[str],
    held: str,
    offered: str,
) -> None:
    db = tmp_path / "w.duckdb"
    generated = tmp_path / "activities.jsonl"
    generated.write_text(line(GOOD) + "\n")
    assert invoke(generated, "--db", db, "-q", *first_account).exit_code == 0
    before = query(db, "select * from raw.loads"), query(db, "select * from raw.activities")
    incoming = [real_files[0]] if not second_account else [tmp_path / "other.jsonl"]
    if second_account:
        incoming[0].write_text(with_(ticket_id=1) + "\n")
    result = invoke(*incoming, "--db", db, *second_account)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {incoming[0].resolve()} is of {offered} but {db} holds {held}: a database"
        " holds one account; load it into another with --db PATH\n"
    )
    assert (query(db, "select * from raw.loads"), query(db, "select * from raw.activities")) == (
        before
    )


def test_files_of_two_accounts_in_one_call_are_refused(
    tmp_path: Path, real_files: list[Path], spec_sample: Path
) -> None:
    db = tmp_path / "w.duckdb"
    result = invoke(real_files[0], spec_sample, "--db", db)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {spec_sample.resolve()} is of no account but {real_files[0].resolve()} of"
        " account 3748365: a database holds one account; load each account with its own --db\n"
    )
    assert not db.exists()


def test_a_database_of_the_seed_era_gains_the_account_column(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    source = tmp_path / "day.jsonl"
    source.write_text(line(GOOD) + "\n")
    assert invoke(source, "--db", db, "-q").exit_code == 0
    with duckdb.connect(str(db)) as connection:
        connection.execute("alter table raw.loads drop column account_id")
    other = tmp_path / "next.jsonl"
    other.write_text(with_(ticket_id=2) + "\n")
    assert invoke(other, "--db", db, "-q").exit_code == 0
    assert query(db, "select file_name, account_id from raw.loads order by load_id") == [
        ("day.jsonl", None),
        ("next.jsonl", None),
    ]


@pytest.mark.parametrize("megabytes", [9, 16, 40])
@pytest.mark.parametrize("compressed", [False, True])
def test_a_line_over_the_limit_is_rejected_whatever_its_length(
    tmp_path: Path, megabytes: int, compressed: bool
) -> None:
    long = with_(ticket_id=2, activity={"note": "x" * megabytes * 2**20})
    body = "\n".join([line(GOOD), long, with_(ticket_id=3), "[1]", with_(ticket_id=5)]).encode()
    source = tmp_path / "long.jsonl"
    source.write_bytes(gzip.compress(body, compresslevel=1) if compressed else body)
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    assert query(db, "select records, loaded, rejected from raw.loads") == [(5, 3, 2)]
    assert query(db, "select position, ticket_id from raw.activities order by 1") == [
        (1, 526),
        (3, 3),
        (5, 5),
    ]
    assert query(db, "select position, reason from raw.rejects order by 1") == [
        (2, "line longer than the 8 MiB limit"),
        (4, "not a JSON object"),
    ]
    strict = invoke(source, "--db", tmp_path / "strict.duckdb", "--strict", "-q")
    assert (strict.exit_code, strict.stderr) == (
        1,
        f"Error: {source}: strict: 2 of 5 records rejected, first at line 2:"
        " line longer than the 8 MiB limit\n",
    )


def test_carriage_returns_are_whitespace_and_a_line_they_break_alone_is_rejected(
    tmp_path: Path,
) -> None:
    body = "\n".join(
        [
            line(GOOD),
            with_(ticket_id=2) + "\r",  # one CRLF line among LF lines
            with_(ticket_id=3).replace(',"ticket_id"', ',\r"ticket_id"'),  # CR as whitespace
            with_(ticket_id=4, activity={"note": "a\rb"}).replace("\\r", "\r"),  # CR in a string
            with_(ticket_id=5),
        ]
    )
    source = tmp_path / "cr.jsonl"
    source.write_bytes(body.encode())
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    assert query(db, "select records, loaded, rejected from raw.loads") == [(5, 4, 1)]
    assert query(db, "select position, ticket_id from raw.activities order by 1") == [
        (1, 526),
        (2, 2),
        (3, 3),
        (5, 5),
    ]
    assert query(db, "select position, reason from raw.rejects") == [(4, "malformed JSON")]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda data: data[:-8] + bytes([data[-8] ^ 1]) + data[-7:],
            "damaged gzip: CRC check failed",
        ),
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "damaged gzip: length check failed"),
        (
            lambda data: data[:-8],
            "damaged gzip: the file ends before the end of its compressed stream",
        ),
    ],
)
def test_a_damaged_gzip_file_fails_and_nothing_lands(
    tmp_path: Path, damage: object, message: str
) -> None:
    source = tmp_path / "day.jsonl.gz"
    source.write_bytes(damage(gzip.compress(f"{line(GOOD)}\n{with_(ticket_id=2)}\n".encode())))
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "-q")
    assert (result.exit_code, result.stderr) == (1, f"Error: {source}: {message}\n")
    assert query(db, "select status, records, loaded, rejected, message from raw.loads") == [
        ("failed", 0, 0, 0, message)
    ]
    assert query(db, "select count(*) from raw.activities") == [(0,)]


def test_json_lines_whose_first_key_is_metadata_are_records(tmp_path: Path) -> None:
    records = [{"metadata": {"n": n}, **GOOD, "ticket_id": n} for n in (1, 2, 3)]
    source = tmp_path / "metadata-first.jsonl"
    source.write_text("\n".join(map(line, records)) + "\n")
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "--strict", "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    assert query(db, "select container, records, loaded, rejected from raw.loads") == [
        ("jsonl", 3, 3, 0)
    ]
    assert query(db, "select position, ticket_id from raw.activities order by 1") == [
        (1, 1),
        (2, 2),
        (3, 3),
    ]
    single = tmp_path / "one.jsonl"
    single.write_text(line(records[0]))
    assert loader.load_paths([single], db).files[0].loaded == 1


@pytest.mark.parametrize(
    "order",
    [
        ["metadata", "activities_data"],
        ["activities_data", "metadata"],
        ["account", "activities_data", "metadata"],
        ["metadata", "export", "activities_data", "account"],
    ],
)
def test_an_envelope_is_read_whatever_the_order_of_its_keys(
    tmp_path: Path, order: list[str]
) -> None:
    parts = {
        "metadata": {"start_at": "20-04-2017 10:00:00 +0000", "activities_count": 3},
        "activities_data": [GOOD, json.loads(with_(ticket_id=2)), json.loads(with_(ticket_id=3))],
        "account": 3748365,
        "export": {"activities_data": [], "ticket_id": 1},
    }
    source = tmp_path / "export.json"
    source.write_text(json.dumps({key: parts[key] for key in order}))
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "--strict", "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    assert query(db, "select container, records, loaded, declared_count from raw.loads") == [
        ("export", 3, 3, 3)
    ]
    assert query(db, "select ticket_id from raw.activities order by position") == [
        (526,),
        (2,),
        (3,),
    ]


@pytest.mark.parametrize("argument", ["pipe.jsonl", "*.jsonl", "."])
def test_a_fifo_is_refused_before_anything_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argument: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.jsonl").write_text(line(GOOD))
    os.mkfifo(tmp_path / "pipe.jsonl")
    result = invoke(argument, "--db", tmp_path / "w.duckdb")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: not a regular file: {Path(argument).parent / 'pipe.jsonl'}\n",
    )
    assert not (tmp_path / "w.duckdb").exists()


def test_a_recursive_glob_through_a_symlink_loop_ends_and_takes_each_file_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "exports" / "day").mkdir(parents=True)
    (tmp_path / "exports" / "day" / "a.jsonl").write_text(line(GOOD))
    (tmp_path / "exports" / "day" / "up").symlink_to("..")
    (tmp_path / "exports" / "day" / "top").symlink_to(tmp_path / "exports")
    db = tmp_path / "w.duckdb"
    # in a child process, which the timeout stops if the walk never ends
    result = subprocess.run(
        [
            Path(sys.executable).with_name("ticketflow"),
            "load",
            f"{tmp_path}/exports/**/*.jsonl",
            "--db",
            db,
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert query(db, "select file_name, records, loaded from raw.loads") == [("a.jsonl", 1, 1)]


class CommitFails:
    """A connection whose commit fails as on a full disk: DuckDB rolls back by itself."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> object:
        return getattr(self._connection, name)

    def commit(self) -> None:
        self._connection.rollback()
        raise duckdb.IOException("IO Error: Could not write file: No space left on device")


def test_a_failed_commit_is_one_line_and_the_next_load_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text(line(GOOD))
    db = tmp_path / "w.duckdb"
    real_connect = loader.landing.connect
    monkeypatch.setattr(loader.landing, "connect", lambda path: CommitFails(real_connect(path)))
    result = invoke(source, "--db", db, "-q")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {source}: cannot write to the database: Could not write file:"
        " No space left on device\n",
    )
    monkeypatch.setattr(loader.landing, "connect", real_connect)
    assert query(db, "select count(*) from raw.loads") == [(0,)]
    assert invoke(source, "--db", db, "-q").exit_code == 0
    assert query(db, "select count(*) from raw.activities") == [(1,)]


def test_ctrl_c_during_a_query_is_one_line_and_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text(line(GOOD))
    db = tmp_path / "w.duckdb"

    def interrupted(*args: object) -> None:
        raise RuntimeError("Query interrupted")  # what DuckDB raises on SIGINT

    monkeypatch.setattr(loader.landing, "_stage", interrupted)
    result = invoke(source, "--db", db, "-q")
    assert (result.exit_code, result.stderr) == (130, "Error: interrupted\n")
    assert query(db, "select count(*) from raw.loads") == [(0,)]


def test_a_file_name_with_rich_markup_shows_as_written(tmp_path: Path) -> None:
    source = tmp_path / "[bracket].jsonl"
    source.write_text(line(GOOD))
    bold = tmp_path / "[bold]x.jsonl"
    bold.write_text(with_(ticket_id="[red]"))
    result = invoke(tmp_path, "--db", tmp_path / "w.duckdb")
    assert result.exit_code == 0
    rows = [row for row in result.stderr.splitlines() if row.startswith("│ [")]
    assert [[cell.strip() for cell in row.split("│")[1:3]] for row in rows] == [
        ["[bold]x.jsonl", "loaded"],
        ["[bracket].jsonl", "loaded"],
    ]
    assert '"[red]"' in result.stderr  # the note (a reject's reason) too


def test_a_file_compressed_twice_fails_saying_so(tmp_path: Path) -> None:
    source = tmp_path / "day.jsonl.gz"
    source.write_bytes(gzip.compress(gzip.compress(line(GOOD).encode())))
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "-q")
    message = "compressed twice: its content is gzip again; decompress it once (gunzip)"
    assert (result.exit_code, result.stderr) == (1, f"Error: {source}: {message}\n")
    assert query(db, "select status, container, message from raw.loads") == [
        ("failed", None, message)
    ]


def test_a_reject_reason_shows_a_number_as_written(tmp_path: Path) -> None:
    source = tmp_path / "numbers.jsonl"
    source.write_text(
        "\n".join(
            [
                with_(ticket_id=...)[:-1] + ',"ticket_id":6e2}',
                # a nested key of the same name does not stand in for the record's own
                with_(performer_id=..., activity={"performer_id": 2})[:-1]
                + ',"performer_id" : 7.5E0}',
            ]
        )
    )
    db = tmp_path / "w.duckdb"
    assert invoke(source, "--db", db, "-q").exit_code == 0
    assert query(db, "select position, reason from raw.rejects order by 1") == [
        (1, "ticket_id is not an integer: 6e2"),
        (2, "performer_id is not an integer: 7.5E0"),
    ]


@pytest.mark.parametrize("compressed", [False, True])
def test_an_envelope_with_an_activity_nested_over_128_levels_loads_whole(
    tmp_path: Path, compressed: bool
) -> None:
    """DuckDB's JSON reader refuses the whole document; its JSON functions read it."""
    deep: object = {"x": 1}
    for _ in range(200):
        deep = {"n": deep}
    records = [GOOD, {**GOOD, "ticket_id": 2, "activity": {"status": "Open", "deep": deep}}, GOOD]
    text = json.dumps(
        {
            "metadata": {"end_at": "17-04-2026 00:00:00 +0000", "activities_count": 3},
            "activities_data": records,
        }
    ).encode()
    source = tmp_path / ("deep.json.gz" if compressed else "deep.json")
    source.write_bytes(gzip.compress(text) if compressed else text)
    db = tmp_path / "w.duckdb"
    result = invoke(source, "--db", db, "--strict", "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    assert query(db, "select records, loaded, metadata_end_at::varchar from raw.loads") == [
        (3, 3, "2026-04-17 00:00:00")
    ]
    landed = query(db, "select position, ticket_id, activity from raw.activities order by 1")
    assert [(position, ticket) for position, ticket, _ in landed] == [(1, 526), (2, 2), (3, 526)]
    assert json.loads(landed[1][2]) == records[1]["activity"]
