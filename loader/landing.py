"""Landing export files into raw.activities, raw.rejects and raw.loads.

Each file is parsed, validated and typed by DuckDB in one statement (records never pass
through Python) into a temporary stage, then lands in one transaction: its good records in
raw.activities, its bad ones in raw.rejects with a reason, and one ledger row in raw.loads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb

from ticketflow import warehouse

from .database import connect, record_hash
from .errors import LoaderError
from .sources import (
    TWICE_COMPRESSED,
    Content,
    SourceFile,
    account_from_name,
    copy_lines,
    find_files,
    read_content,
    sniff,
)

TIME_FORMAT = "%d-%m-%Y %H:%M:%S %z"
# Times a person can mean: in UTC from 1900-01-01 to 9999-12-30 (strptime takes year 0 and
# makes year 10000 of 9999 with a negative offset); the last day is left out so that the
# local time stays in year 9999 in every zone (up to +14:00), where Python's dates end.
# Offsets are those of real zones.
EARLIEST, LATEST = "1900-01-01", "9999-12-30 23:59:59.999999"
TIME_OFFSET = r"\s[+-]((0\d|1[0-3])(:?[0-5]\d)?|14(:?00)?)\s*"
TIME_RANGE = "1900-01-01..9999-12-30 UTC, offsets -14:00..+14:00"
# The reader's buffer bounds its parallelism (a buffer per task): a small one for a big file.
# In parallel, DuckDB drops a line longer than its buffer without a word, and numbers the
# lines after it wrongly: a file with a line over the limit is read again in one thread.
MAX_LINE_BYTES = 8 * 2**20
LINE_BUFFER_BYTES = 16 * 2**20
# DuckDB's CSV reader ends a line at a carriage return too, and cannot read a file mixing
# that with line feeds: such a file is read again from a copy with its carriage returns as tabs.
MIXED_LINE_ENDS = "The CSV Parser state machine reached an invalid state"
# read_json buffers a whole export object: twice the file (gzip: a generous ratio), capped.
# A whole object must fit DuckDB's memory limit (several times its size): large exports
# belong in JSON lines, which stream.
MIN_EXPORT_BYTES = 16 * 2**20
MAX_EXPORT_BYTES = 2**30
EXPANSION = {False: 2, True: 32}
QUERY_INTERRUPTED = "Query interrupted"
CSV_REJECTS = "loader_line_errors"
CSV_SCANS = "loader_line_scans"

# Both containers yield one row per record, in file order; the stage table is written in that
# order (insertion order is preserved), so a record's position is its stage rowid + 1 and the
# parse runs on every thread. JSON lines: each line as one text column (no quoting, a delimiter
# JSON never holds unescaped); lines the reader cannot take (invalid UTF-8, ...) go to its own
# rejects table with their line number. Blank lines stay in the stage to keep the numbering.
JSONL_RECORDS = f"""
select line
from read_csv(
    $path, columns = {{'line': 'VARCHAR'}}, header = false, auto_detect = false,
    delim = e'\\x01', quote = '', escape = '', compression = $compression, parallel = $parallel,
    max_line_size = {MAX_LINE_BYTES}, buffer_size = {LINE_BUFFER_BYTES}, store_rejects = true,
    rejects_table = '{CSV_REJECTS}', rejects_scan = '{CSV_SCANS}'
)
"""

# Export envelope: activities_data unnested (a JSON null element is a record too).
EXPORT_RECORDS = """
select coalesce(unnest(activities_data)::varchar, 'null') as line
from read_json(
    $path, columns = {'activities_data': 'JSON[]'}, format = 'unstructured',
    compression = $compression, maximum_object_size = $object_bytes
)
"""

# DuckDB's JSON reader refuses a document nested deeper than 128 levels, its JSON functions
# do not: an export with such an activity is read again as one text (gzip: from a plain copy).
NESTED_TOO_DEEP = "JSON exceeds maximum recursion depth"
EXPORT_RECORDS_DEEP = """
select coalesce(unnest(json_extract(content, '$.activities_data[*]'))::varchar, 'null') as line
from read_text($path)
"""

# A window end out of the time range is no window end (as an unreadable one): it would
# become the build's as_of.
EXPORT_METADATA = f"""
select
    case when start_at between timestamp '{EARLIEST}' and timestamp '{LATEST}' then start_at end,
    case when end_at between timestamp '{EARLIEST}' and timestamp '{LATEST}' then end_at end,
    declared_count
from (
    select
        timezone('UTC', try_strptime(metadata ->> 'start_at', '{TIME_FORMAT}')) as start_at,
        timezone('UTC', try_strptime(metadata ->> 'end_at', '{TIME_FORMAT}')) as end_at,
        try_cast((metadata -> 'activities_count')::varchar as integer) as declared_count
    from ({{metadata}})
)
"""
METADATA = """
select metadata from read_json(
    $path, columns = {'metadata': 'JSON'}, format = 'unstructured',
    compression = $compression, maximum_object_size = $object_bytes
)
"""
METADATA_DEEP = "select json_extract(content, '$.metadata') as metadata from read_text($path)"


def as_written(key: str, value_json: str) -> str:
    """A number as the line wrote it (`6e2`, not DuckDB's `600.0`) for a reject's reason: of
    the numbers the line gives `key`, the one equal to the parsed value; else the parsed
    text. An envelope's records reach the loader already rewritten by DuckDB's reader."""
    written = f"""regexp_extract_all(line, '"{key}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)', 1)"""
    equal = f"try_cast(number as double) = try_cast({value_json} as double)"
    return f"coalesce(list_filter({written}, lambda number: {equal})[1], {value_json})"


# One parse per record: the record minified (hashed, typed) and its envelope fields.
STAGE = f"""
create or replace temp table loader_stage as
with parsed as (
    select
        line,
        try(json_extract(line, [
            '$', '$.performed_at', '$.ticket_id', '$.performer_type', '$.performer_id',
            '$.activity'
        ])) as parts
    from ({{records}})
),
unpacked as (
    select
        line,
        parts is not null as is_json,
        parts[1]::varchar as record,
        coalesce(parts[2]::varchar, 'null') as time_json,
        coalesce(parts[3]::varchar, 'null') as ticket_json,
        coalesce(parts[4]::varchar, 'null') as type_json,
        coalesce(parts[5]::varchar, 'null') as performer_json,
        parts[6] as activity
    from parsed
),
typed as (
    select
        *,
        -- a case, not an and: trim runs only on the lines that are not JSON
        case when is_json then false else coalesce(trim(line, e' \\t\\r'), '') = '' end
            as is_blank,
        -- the time read inside its quotes (no JSON parse); a string with escapes is unescaped
        timezone('UTC', coalesce(
            try_strptime(time_json, '"{TIME_FORMAT}"'),
            try_strptime(time_json ->> '$', '{TIME_FORMAT}')
        )) as performed_at,
        try_cast(ticket_json as bigint) as ticket_id,
        try_cast(performer_json as bigint) as performer_id
    from unpacked
),
judged as (
    select
        *,
        -- a cast rounds 5.5 to 6: only values written as integers are integers
        case
            when is_blank then null
            when not is_json then 'malformed JSON'
            when left(record, 1) <> '{{' then 'not a JSON object'
            when ticket_json = 'null' then 'missing ticket_id'
            when ticket_id is null or ticket_id::varchar <> ticket_json
                then 'ticket_id is not an integer: ' || {as_written("ticket_id", "ticket_json")}
            when time_json = 'null' then 'missing performed_at'
            when performed_at is null
                then 'performed_at is not a time like "21-04-2017 09:33:38 +0000": ' || time_json
            when performed_at not between timestamp '{EARLIEST}' and timestamp '{LATEST}'
                or not case
                    when regexp_matches(time_json, '{TIME_OFFSET}"$') then true
                    else regexp_matches(time_json ->> '$', '{TIME_OFFSET}$')
                end
                then 'performed_at out of range ({TIME_RANGE}): ' || time_json
            when activity is null then 'missing activity'
            when left(activity, 1) <> '{{' then 'activity is not a JSON object: ' || activity
            when performer_json <> 'null'
                and (performer_id is null or performer_id::varchar <> performer_json)
                then 'performer_id is not an integer: '
                    || {as_written("performer_id", "performer_json")}
            when type_json <> 'null' and left(type_json, 1) <> '"'
                then 'performer_type is not a string: ' || type_json
        end as reason
    from typed
)
select
    is_blank,
    is_json,
    reason,
    performed_at,
    ticket_id,
    type_json ->> '$' as performer_type,
    performer_id,
    activity,
    {record_hash("md5(record)")} as record_hash,
    case when reason is not null then line end as raw_text
from judged
"""

# The stage with positions. Reader rejects are missing from the stage, so with any of them
# a line's number is its ordinal plus the rejected lines before it.
STAGED = "select rowid + 1 as position, * from loader_stage where not is_blank"
STAGED_AFTER_LINE_REJECTS = f"""
with rejected as (
    select good_before, max(rejected_so_far) as rejected_so_far
    from (
        select line - row_number() over (order by line) as good_before,
            row_number() over (order by line) as rejected_so_far
        from (select distinct line from {CSV_REJECTS})
    )
    group by good_before
)
select stage.position + coalesce(shift.rejected_so_far, 0) as position, stage.* exclude (position)
from ({STAGED}) as stage
asof left join rejected as shift on stage.position > shift.good_before
"""

LINE_REJECTS = f"""
select
    line as position,
    ltrim(first(csv_line order by column_idx), e'\\r\\n') as raw_text,
    case
        -- a line too long is read no further: its other errors are not known
        when bool_or(error_type = 'LINE SIZE OVER MAXIMUM')
            then 'line longer than the {MAX_LINE_BYTES // 2**20} MiB limit'
        when first(error_type order by column_idx) = 'INVALID ENCODING' then 'invalid UTF-8'
        when first(error_type order by column_idx) = 'TOO MANY COLUMNS'
            then 'malformed JSON: raw control character U+0001'
        else 'unreadable line: ' || first(error_message order by column_idx)
    end as reason
from {CSV_REJECTS}
group by line
"""

CURRENT_FILES = """
select file_name, content_hash, file_bytes from (
    select file_name, content_hash, file_bytes,
        row_number() over (partition by file_name order by load_id desc) as newest
    from raw.loads where status <> 'failed'
) where newest = 1
"""
# Contents a file name held before a re-export replaced them, and the load that replaced them.
SUPERSEDED_CONTENTS = """
select content_hash, file_bytes, (
    select min(later.load_id) from raw.loads as later
    where later.file_name = earlier.file_name and later.status <> 'failed'
        and later.load_id > earlier.load_id and later.content_hash <> earlier.content_hash
) as replaced_by
from raw.loads as earlier
where file_name = $name and status <> 'failed'
"""


@dataclass
class FileResult:
    """What happened to one file."""

    path: Path
    status: str  # 'loaded' | 'replaced' | 'skipped' | 'failed'
    records: int = 0
    loaded: int = 0
    rejected: int = 0
    message: str | None = None  # why it failed or was skipped
    warning: str | None = None
    load_id: int | None = None


@dataclass
class LoadSummary:
    """The outcome of one load call, file by file in load order."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(result.records for result in self.files)

    @property
    def loaded(self) -> int:
        return sum(result.loaded for result in self.files)

    @property
    def rejected(self) -> int:
        return sum(result.rejected for result in self.files)

    @property
    def skipped(self) -> int:
        return sum(result.status == "skipped" for result in self.files)

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.files if result.status == "failed"]

    @property
    def warnings(self) -> list[FileResult]:
        return [result for result in self.files if result.warning]

    @property
    def ok(self) -> bool:
        return not self.failed


class Progress(Protocol):
    """Receives the load's progress (the CLI shows it with rich)."""

    def begin(self, sources: Sequence[SourceFile]) -> None: ...

    def file_started(self, source: SourceFile) -> None: ...

    def file_finished(self, source: SourceFile, result: FileResult) -> None: ...


def load_paths(
    paths: Iterable[str | Path],
    db_path: str | Path | None = None,
    *,
    strict: bool = False,
    account: int | None = None,
    progress: Progress | None = None,
) -> LoadSummary:
    """Load files, directories and globs into the raw schema of `db_path`.

    A database holds one Freshdesk account: each file's is `account` if given, else the one
    in its Freshdesk file name, else none (an account of its own). Files of two accounts, or
    of another account than the database's standing loads, are refused before anything is
    written.

    `db_path` defaults to the working database (`ticketflow.warehouse.default_path`). Raises
    LoaderError when the paths are unusable and WarehouseError when the database is; problems
    of single files are reported in the summary, never raised.
    """
    files = find_files(list(paths))
    accounts = {path: account if account is not None else account_from_name(path) for path in files}
    _refuse_two_accounts(accounts)
    db = Path(db_path) if db_path else warehouse.default_path()
    connection = connect(db)
    try:
        if files:
            _refuse_another_account(connection, db, files[0], accounts[files[0]])
        sources = sorted((_inspect(connection, path) for path in files), key=_load_order)
        if progress:
            progress.begin(sources)
        summary = LoadSummary()
        for source in sources:
            if progress:
                progress.file_started(source)
            result = _land(connection, source, strict, accounts[source.path])
            summary.files.append(result)
            if progress:
                progress.file_finished(source, result)
        return summary
    except RuntimeError as error:
        # DuckDB turns Ctrl-C during a query into this error (the file's transaction is
        # rolled back): it is the user's interrupt.
        if str(error) != QUERY_INTERRUPTED:
            raise
        raise KeyboardInterrupt from None
    finally:
        connection.close()


def _load_order(source: SourceFile) -> tuple[bool, datetime, str]:
    """metadata.start_at, then path; files without a window (JSON lines) after the others."""
    start = source.metadata_start_at
    return (start is None, start or datetime.min, str(source.path))


def _inspect(connection: duckdb.DuckDBPyConnection, path: Path) -> SourceFile:
    try:
        is_compressed, container, size = sniff(path)
    except OSError as error:
        return SourceFile(path, False, "jsonl", 0, error=f"cannot read: {error.strerror}")
    if container == TWICE_COMPRESSED:
        message = "compressed twice: its content is gzip again; decompress it once (gunzip)"
        return SourceFile(path, is_compressed, "jsonl", size, error=message)
    source = SourceFile(path, is_compressed, container, size)
    if container != "export":
        return source
    try:
        try:
            start_at, end_at, declared = connection.execute(
                EXPORT_METADATA.replace("{metadata}", METADATA), _file_parameters(source)
            ).fetchone()
        except duckdb.InvalidInputException as error:
            if NESTED_TOO_DEEP not in str(error):
                raise
            source = dataclasses.replace(source, nested_deep=True)
            with _plain_text(source) as plain:
                start_at, end_at, declared = connection.execute(
                    EXPORT_METADATA.replace("{metadata}", METADATA_DEEP), {"path": str(plain)}
                ).fetchone()
    except duckdb.OutOfMemoryException:
        message = (
            "an export object too large to read whole within the"
            f" {warehouse.memory_limit()} memory limit; export it as JSON lines"
        )
        return dataclasses.replace(source, error=message)
    except duckdb.Error as error:
        return dataclasses.replace(source, error=f"not a complete export file: {_reason(error)}")
    return dataclasses.replace(
        source, metadata_start_at=start_at, metadata_end_at=end_at, declared_count=declared
    )


def _file_parameters(source: SourceFile) -> dict[str, str | int]:
    parameters: dict[str, str | int] = {
        "path": str(source.path),
        "compression": "gzip" if source.is_compressed else "none",
    }
    if source.container == "jsonl":
        parameters["parallel"] = True
    if source.container == "export":
        expanded = source.size * EXPANSION[source.is_compressed]
        parameters["object_bytes"] = min(max(expanded, MIN_EXPORT_BYTES), MAX_EXPORT_BYTES)
    return parameters


def _describe_account(account: int | None) -> str:
    return f"account {account}" if account is not None else "no account"


def _refuse_two_accounts(accounts: dict[Path, int | None]) -> None:
    first = next(iter(accounts), None)
    for path, account in accounts.items():
        if account != accounts[first]:
            raise _account_conflict(
                path, account, f"{first} of", accounts[first], "load each account with its own --db"
            )


def _refuse_another_account(
    connection: duckdb.DuckDBPyConnection, db: Path, path: Path, account: int | None
) -> None:
    standing = connection.execute(
        "select distinct account_id from raw.loads where status <> 'failed'"
        " order by account_id nulls first"
    ).fetchall()
    others = [held for (held,) in standing if held != account]
    if others:
        raise _account_conflict(
            path, account, f"{db} holds", others[0], "load it into another with --db PATH"
        )


def _account_conflict(
    path: Path, account: int | None, holder: str, held: int | None, advice: str
) -> LoaderError:
    return LoaderError(
        f"{path} is of {_describe_account(account)} but {holder} {_describe_account(held)}:"
        f" a database holds one account; {advice}"
    )


def _land(
    connection: duckdb.DuckDBPyConnection, source: SourceFile, strict: bool, account: int | None
) -> FileResult:
    started_at = _now()
    current = {
        name: (digest, size) for name, digest, size in connection.execute(CURRENT_FILES).fetchall()
    }
    superseded = {
        digest: (size, replaced_by)
        for digest, size, replaced_by in connection.execute(
            SUPERSEDED_CONTENTS, {"name": source.file_name}
        ).fetchall()
        if replaced_by is not None
    }
    sizes = {size for _, size in current.values()} | {size for size, _ in superseded.values()}
    # The content hash is needed first only when a loaded file has the same size; otherwise
    # it is computed while DuckDB parses the file.
    with ThreadPoolExecutor(max_workers=1) as reader:
        content = reader.submit(read_content, source.path, source.is_compressed)
        if source.error is None and source.size in sizes:
            skipped = _skipped(source, content.result().digest, current, superseded)
            if skipped:
                return skipped
        if source.error:
            result = FileResult(source.path, "failed", message=source.error)
        else:
            try:
                result = _stage(connection, source, strict, content)
            except duckdb.Error as error:
                message = f"cannot be read: {_reason(error)}"
                result = FileResult(source.path, "failed", message=message)
        damage = content.result().damage
        if damage:
            result = FileResult(source.path, "failed", message=damage)
        digest = content.result().digest
        return _write(connection, source, digest, result, current, started_at, account)


def _skipped(
    source: SourceFile,
    digest: str,
    current: dict[str, tuple[str, int]],
    superseded: dict[str, tuple[int, int]],
) -> FileResult | None:
    """Content already standing (under this name or another) is skipped; so is an older
    export of this name that a re-export replaced: reloading the original files must not
    revert the re-export."""
    same = [name for name, (loaded, _) in current.items() if loaded == digest]
    if same:
        already = "already loaded" if source.file_name in same else f"loaded as {same[0]}"
        return FileResult(source.path, "skipped", message=f"same content {already}")
    if digest in superseded:
        replaced_by = superseded[digest][1]
        message = f"an older export of this file, replaced by load {replaced_by}: kept the newer"
        return FileResult(source.path, "skipped", message=message)
    return None


def _write(
    connection: duckdb.DuckDBPyConnection,
    source: SourceFile,
    digest: str,
    result: FileResult,
    current: dict[str, tuple[str, int]],
    started_at: datetime,
    account: int | None,
) -> FileResult:
    """One transaction: replace the file's rows by the staged ones (unless it failed), ledger."""
    connection.begin()
    try:
        result.load_id = _next_load_id(connection)
        if result.status != "failed":
            result.status = "replaced" if source.file_name in current else "loaded"
            if result.status == "replaced":
                for table in ("raw.activities", "raw.rejects"):
                    connection.execute(
                        f"delete from {table} where file_name = $name", {"name": source.file_name}
                    )
            _insert_rows(connection, source, result.load_id, started_at)
        _insert_ledger(connection, source, digest, result, started_at, account)
        connection.commit()
    except duckdb.Error as error:
        _rollback(connection)
        raise LoaderError(
            f"{source.path}: cannot write to the database: {_reason(error)}"
        ) from None
    except BaseException:
        _rollback(connection)
        raise
    finally:
        with contextlib.suppress(duckdb.Error):  # the error above is the one to tell
            connection.execute("drop table if exists loader_stage")
    return result


def _rollback(connection: duckdb.DuckDBPyConnection) -> None:
    """Roll back the file's transaction, unless DuckDB has already ended it (a failed
    commit is rolled back by DuckDB itself; a fatal error closes the database)."""
    with contextlib.suppress(duckdb.TransactionException, duckdb.FatalException):
        connection.rollback()


def _stage(
    connection: duckdb.DuckDBPyConnection,
    source: SourceFile,
    strict: bool,
    content: Future[Content],
) -> FileResult:
    """Parse the file into the temporary loader_stage (outside the file's transaction, so its
    rowids count from 0); count its records; decide if it may land."""
    connection.execute("set preserve_insertion_order = true")  # rowid order = file order
    is_jsonl = source.container == "jsonl"
    if is_jsonl:
        _stage_lines(connection, source, content)
    else:
        _stage_export(connection, source)
    line_rejects = _line_reject_count(connection) if is_jsonl else 0
    staged, staged_rejects, json_values = connection.execute(
        "select count(*), count(reason), count(*) filter (is_json)"
        " from loader_stage where not is_blank"
    ).fetchone()
    records = staged + line_rejects
    rejected = staged_rejects + line_rejects
    result = FileResult(source.path, "staged", records, records - rejected, rejected)
    if source.declared_count is not None and source.declared_count != records:
        result.warning = (
            f"metadata.activities_count is {source.declared_count} "
            f"but the file holds {records} records"
        )
    if is_jsonl and records and not json_values:
        return _failed(result, f"not JSON: none of its {records} lines is a JSON value")
    if rejected:
        position, reason = connection.execute(
            f"select position, reason from ({_all_rejects(line_rejects > 0)})"
            " order by position limit 1"
        ).fetchone()
        where = "line" if is_jsonl else "record"
        detail = f"{rejected} of {records} records rejected, first at {where} {position}: {reason}"
        if strict:
            return _failed(result, f"strict: {detail}")
        # Not strict: the good records land and the rejects are a warning naming the first.
        result.warning = "; ".join(filter(None, [result.warning, f"{detail} (see raw.rejects)"]))
    return result


def _stage_lines(
    connection: duckdb.DuckDBPyConnection, source: SourceFile, content: Future[Content]
) -> None:
    """JSON lines in parallel straight from the file; again, carefully, when that cannot be
    trusted (a line longer than the limit) or cannot be done (carriage returns)."""
    parameters = _file_parameters(source)
    try:
        _stage_records(connection, JSONL_RECORDS, parameters)
        if content.result().longest_line <= MAX_LINE_BYTES:
            return
    except duckdb.InvalidInputException as error:
        if not str(error).split("Error: ", 1)[-1].startswith(MIXED_LINE_ENDS):
            raise
    with tempfile.TemporaryDirectory(prefix="ticketflow-") as directory:
        copy = Path(directory) / source.file_name
        copy_lines(source.path, source.is_compressed, copy)
        parameters = {"path": str(copy), "compression": "none", "parallel": False}
        _stage_records(connection, JSONL_RECORDS, parameters)


def _stage_export(connection: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    if not source.nested_deep:
        _stage_records(connection, EXPORT_RECORDS, _file_parameters(source))
        return
    with _plain_text(source) as plain:
        _stage_records(connection, EXPORT_RECORDS_DEEP, {"path": str(plain)})


@contextlib.contextmanager
def _plain_text(source: SourceFile) -> Iterator[Path]:
    """The file itself, or for gzip a decompressed copy in the system temp directory."""
    if not source.is_compressed:
        yield source.path
        return
    with tempfile.TemporaryDirectory(prefix="ticketflow-") as directory:
        copy = Path(directory) / source.file_name
        copy_lines(source.path, source.is_compressed, copy)
        yield copy


def _stage_records(
    connection: duckdb.DuckDBPyConnection, records: str, parameters: dict[str, str | int]
) -> None:
    connection.execute(f"drop table if exists {CSV_REJECTS}")
    connection.execute(f"drop table if exists {CSV_SCANS}")
    connection.execute(STAGE.replace("{records}", records), parameters)


def _failed(result: FileResult, message: str) -> FileResult:
    result.status = "failed"
    result.loaded = 0
    result.message = message
    return result


def _line_reject_count(connection: duckdb.DuckDBPyConnection) -> int:
    exists = connection.execute(
        "select count(*) from duckdb_tables() where table_name = $name", {"name": CSV_REJECTS}
    ).fetchone()[0]
    if not exists:
        return 0
    return connection.execute(f"select count(distinct line) from {CSV_REJECTS}").fetchone()[0]


def _staged(has_line_rejects: bool) -> str:
    return STAGED_AFTER_LINE_REJECTS if has_line_rejects else STAGED


def _all_rejects(has_line_rejects: bool) -> str:
    staged = (
        f"select position, raw_text, reason from ({_staged(has_line_rejects)}) "
        "where reason is not null"
    )
    return f"{staged} union all {LINE_REJECTS}" if has_line_rejects else staged


def _insert_rows(
    connection: duckdb.DuckDBPyConnection, source: SourceFile, load_id: int, loaded_at: datetime
) -> None:
    keys = {"load_id": load_id, "name": source.file_name}
    connection.execute("set preserve_insertion_order = false")  # rows carry their position
    has_line_rejects = source.container == "jsonl" and _line_reject_count(connection) > 0
    connection.execute(
        f"""
        insert into raw.activities
        select
            $load_id, $name, position, performed_at, ticket_id, performer_type, performer_id,
            activity, record_hash, {_occurrence(connection)}, $loaded_at
        from ({_staged(has_line_rejects)})
        where reason is null
        """,
        {**keys, "loaded_at": loaded_at},
    )
    connection.execute(
        f"""
        insert into raw.rejects
        select $load_id, $name, position, raw_text, reason
        from ({_all_rejects(has_line_rejects)})
        order by position
        """,
        keys,
    )


def _occurrence(connection: duckdb.DuckDBPyConnection) -> str:
    """Index among identical records; the window (a sort) only when the file repeats one."""
    repeats = connection.execute(
        "select count(*) from loader_stage where reason is null and not is_blank"
        " group by record_hash having count(*) > 1 limit 1"
    ).fetchall()
    if repeats:
        return "row_number() over (partition by record_hash order by position)"
    return "1"


def _insert_ledger(
    connection: duckdb.DuckDBPyConnection,
    source: SourceFile,
    digest: str,
    result: FileResult,
    started_at: datetime,
    account: int | None,
) -> None:
    connection.execute(
        """
        insert into raw.loads (
            load_id, file_name, file_path, content_hash, file_bytes, container, is_compressed,
            records, loaded, rejected, metadata_start_at, metadata_end_at, declared_count,
            status, message, started_at, finished_at, account_id
        ) values (
            $load_id, $name, $path, $hash, $bytes, $container, $compressed, $records, $loaded,
            $rejected, $start_at, $end_at, $declared, $status, $message, $started_at,
            $finished_at, $account
        )
        """,
        {
            "load_id": result.load_id,
            "name": source.file_name,
            "path": str(source.path),
            "hash": digest,
            "bytes": source.size,
            "container": source.container if not source.error else None,
            "compressed": source.is_compressed,
            "records": result.records,
            "loaded": result.loaded if result.status != "failed" else 0,
            "rejected": result.rejected if result.status != "failed" else 0,
            "start_at": source.metadata_start_at,
            "end_at": source.metadata_end_at,
            "declared": source.declared_count,
            "status": result.status,
            "message": result.message or result.warning,
            "started_at": started_at,
            "finished_at": _now(),
            "account": account,
        },
    )


def _next_load_id(connection: duckdb.DuckDBPyConnection) -> int:
    return connection.execute("select nextval('raw.load_id_seq')").fetchone()[0]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _reason(error: duckdb.Error) -> str:
    """The first line of a DuckDB error, without its 'Invalid Input Error: ' prefix."""
    return str(error).strip().splitlines()[0].split("Error: ", 1)[-1]
