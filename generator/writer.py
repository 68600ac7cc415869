"""Writing generated activities: JSON lines or export envelopes, one file or one per day.

Blocks of tickets are simulated by worker processes and written by this process in block
order, so the bytes depend on the seed only, never on the number of workers. At most a few
blocks are in flight at a time: memory stays flat whatever the number of tickets. Files are
written under a temporary name and renamed when complete; a name ending `.gz` is gzipped
(with a fixed header, so the same seed gives the same bytes).
"""

from __future__ import annotations

import datetime as dt
import gzip
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .config import GeneratorConfig, default_config
from .errors import GeneratorError
from .pools import build_pools
from .tickets import Plan, Simulator, Tally
from .window import DAY, Stamper, Window, working_hours

FORMATS = ("jsonl", "export")
DEFAULT_START = dt.date(2026, 4, 1)
DEFAULT_DAYS = 30
GZIP_LEVEL = 3  # ~20% larger than level 6 but twice as fast: this process compresses alone
_CALIBRATION_TICKETS = 5000
_IN_FLIGHT_PER_WORKER = 2

Chunk = tuple[int, bytes, int]
"""Activities of one block on one window day: (day index, encoded text, activity count)."""


@dataclass(frozen=True)
class Summary:
    """What a generation run wrote."""

    files: tuple[str, ...]
    window_begin: dt.datetime
    window_end: dt.datetime
    tickets: int
    activities: int
    reopened: int
    unresolved: int
    noted: int
    responded: int


def write_activities(
    output: Path | str,
    *,
    tickets: int,
    config: GeneratorConfig | None = None,
    start: dt.date | str | None = None,
    days: int | None = None,
    seed: int = 0,
    workers: int = 1,
    fmt: str | None = None,
    daily: bool = False,
    gzip_daily: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Generate `tickets` tickets of activity over `days` days from `start` into `output`.

    The window defaults to the 30 days from 2026-04-01 (`DEFAULT_DAYS`, `DEFAULT_START`).

    `output` is a file (`.gz` to compress), `-` for stdout, or with `daily` a directory that
    receives one export file per account-local day (`activities_<account>_<D>_<M>_<YYYY>.json`,
    `.json.gz` with `gzip_daily`). `fmt` is `jsonl` (default) or `export` (the envelope with
    `metadata`); daily files are always exports. `progress` is called with the number of
    tickets done after each block. Raises `GeneratorError` for bad options or output.
    """
    config = config or default_config()
    fmt = _format(fmt, daily, gzip_daily, str(output))
    plan = _plan(config, tickets, start, days, seed, workers)
    stamp = Stamper()
    window = plan.window
    sinks: list[_Sink] = []
    total = Tally()
    try:
        if daily:
            directory = Path(output)
            _make_directory(directory, str(directory))
            suffix = ".json.gz" if gzip_daily else ".json"
            for index in range(window.days):
                date = window.day(index)
                name = f"activities_{config.account_id}_{date.day}_{date.month}_{date.year}"
                begin = window.begin + index * DAY
                sinks.append(
                    _Sink(directory / (name + suffix), fmt, stamp(begin), stamp(begin + DAY - 1))
                )
        else:
            sinks.append(_Sink(output, fmt, stamp(window.begin), stamp(window.end - 1)))
        for chunks, tally in _blocks(plan, fmt == "export", workers):
            for day, data, count in chunks:
                sinks[day if daily else 0].write(data, count)
            total.add(tally)
            if progress is not None:
                progress(total.tickets)
        for sink in sinks:
            sink.close()
    finally:
        for sink in sinks:
            sink.discard()
    return Summary(
        files=tuple(sink.name for sink in sinks),
        window_begin=dt.datetime.fromtimestamp(window.begin, dt.UTC),
        window_end=dt.datetime.fromtimestamp(window.end, dt.UTC),
        tickets=total.tickets,
        activities=total.activities,
        reopened=total.reopened,
        unresolved=total.unresolved,
        noted=total.noted,
        responded=total.responded,
    )


def estimate_tickets(
    activities: int,
    *,
    config: GeneratorConfig | None = None,
    start: dt.date | str | None = None,
    days: int | None = None,
    seed: int = 0,
) -> int:
    """The number of tickets that yields about `activities` activities under these settings.

    Simulates a calibration sample of 5,000 tickets (in memory, nothing written).
    """
    if activities < 0:
        raise GeneratorError(f"activities must be 0 or more (got {activities})")
    plan = _plan(config or default_config(), _CALIBRATION_TICKETS, start, days, seed, 1)
    simulator = Simulator(plan)
    sample = sum(len(simulator.block(index)[0]) for index in range(plan.blocks))
    return -(-activities * _CALIBRATION_TICKETS // max(sample, 1))


def _plan(
    config: GeneratorConfig,
    tickets: int,
    start: dt.date | str | None,
    days: int | None,
    seed: int,
    workers: int,
) -> Plan:
    start = DEFAULT_START if start is None else start
    days = DEFAULT_DAYS if days is None else days
    if tickets < 0:
        raise GeneratorError(f"tickets must be 0 or more (got {tickets})")
    if days < 1:
        raise GeneratorError(f"days must be at least 1 (got {days})")
    if workers < 1:
        raise GeneratorError(f"workers must be at least 1 (got {workers})")
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            raise GeneratorError(f'start must be a date YYYY-MM-DD (got "{start}")') from None
    window = Window(start, days, config.utc_offset_seconds)
    return Plan(
        config=config,
        pools=build_pools(config, seed),
        window=window,
        hours=working_hours(window, config),
        tickets=tickets,
        seed=seed,
    )


def _format(fmt: str | None, daily: bool, gzip_daily: bool, output: str) -> str:
    if fmt is not None and fmt not in FORMATS:
        raise GeneratorError(f'unknown format "{fmt}" (choose jsonl or export)')
    if daily:
        if fmt == "jsonl":
            raise GeneratorError("daily files are exports: format jsonl does not apply")
        if output == "-":
            raise GeneratorError("daily files need a directory, not stdout")
        return "export"
    if gzip_daily:
        raise GeneratorError("gzip applies to daily files; name a single output file *.gz")
    return fmt or "jsonl"


def _make_directory(directory: Path, target: str) -> None:
    """Create `directory` and its parents for `target`; a file in the way is named."""
    for parent in (directory, *directory.parents):
        if parent.exists() and not parent.is_dir():
            raise GeneratorError(f"cannot write {target}: {parent} is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GeneratorError(f"cannot write {target}: {error.strerror}") from error


_simulator: Simulator | None = None
_export = False


def _start_worker(plan: Plan, export: bool) -> None:
    global _simulator, _export
    _simulator, _export = Simulator(plan), export


def _render(index: int) -> tuple[list[Chunk], Tally]:
    """Block `index` as encoded chunks, one per window day (JSON lines, or `,`-joined)."""
    assert _simulator is not None
    events, tally = _simulator.block(index)
    stamp, begin = _simulator.stamp, _simulator.begin
    chunks: list[Chunk] = []
    lines: list[str] = []
    current = -1
    for epoch, tail in events:
        day = (epoch - begin) // DAY
        if day != current:
            if lines:
                chunks.append(_chunk(current, lines))
            current, lines = day, []
        lines.append('{"performed_at":"' + stamp(epoch) + tail)
    if lines:
        chunks.append(_chunk(current, lines))
    return chunks, tally


def _chunk(day: int, lines: list[str]) -> Chunk:
    if _export:
        return day, ",".join(lines).encode(), len(lines)
    return day, ("\n".join(lines) + "\n").encode(), len(lines)


def _blocks(plan: Plan, export: bool, workers: int) -> Iterator[tuple[list[Chunk], Tally]]:
    """Rendered blocks in block order, from `workers` processes."""
    if workers == 1 or plan.blocks < 2:
        _start_worker(plan, export)
        for index in range(plan.blocks):
            yield _render(index)
        return
    sys.stdout.flush()  # forked workers must not inherit (and flush again) buffered output
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(plan, export)) as pool:
        pending: deque = deque()
        for index in range(plan.blocks):
            pending.append(pool.apply_async(_render, (index,)))
            if len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


class _Sink:
    """One output: stdout or a file written under a temporary name, gzipped if `.gz`."""

    def __init__(self, output: Path | str, fmt: str, start_at: str, end_at: str) -> None:
        self.name = str(output)
        self.export = fmt == "export"
        self.start_at, self.end_at = start_at, end_at
        self.count = 0
        self.temporary: Path | None = None
        self.raw: BinaryIO | None = None
        if self.name == "-":
            self.stream: BinaryIO = sys.stdout.buffer
        else:
            path = Path(output)
            try:
                _make_directory(path.parent, self.name)
                if path.is_dir():
                    raise IsADirectoryError(21, "Is a directory")
                self.temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                self.raw = self.temporary.open("wb")
            except OSError as error:
                raise GeneratorError(f"cannot write {self.name}: {error.strerror}") from error
            self.stream = self.raw
            if path.name.endswith(".gz"):
                self.stream = gzip.GzipFile(
                    filename="", mode="wb", fileobj=self.raw, compresslevel=GZIP_LEVEL, mtime=0
                )
        if self.export:
            self._put(b'{"activities_data":[')

    def write(self, data: bytes, count: int) -> None:
        if self.export and self.count:
            self._put(b",")
        self._put(data)
        self.count += count

    def close(self) -> None:
        """Finish the output and move it into place."""
        if self.export:
            self._put(
                b'],"metadata":{"start_at":"%s","end_at":"%s","activities_count":%d}}'
                % (self.start_at.encode(), self.end_at.encode(), self.count)
            )
        try:
            self.stream.flush()
            if self.raw is not None:
                if self.stream is not self.raw:
                    self.stream.close()
                self.raw.close()
                assert self.temporary is not None
                self.temporary.replace(self.name)
                self.temporary = None
        except OSError as error:
            raise GeneratorError(f"cannot write {self.name}: {error.strerror}") from error

    def discard(self) -> None:
        """Remove the temporary file of an output that was not completed."""
        if self.temporary is not None:
            if self.raw is not None:
                self.raw.close()
            self.temporary.unlink(missing_ok=True)
            self.temporary = None

    def _put(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise GeneratorError("stdout was closed before the output was complete") from None
        except OSError as error:
            raise GeneratorError(f"cannot write {self.name}: {error.strerror}") from error
