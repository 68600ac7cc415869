"""Finding the files of a load and recognising their container by content."""

from __future__ import annotations

import glob
import gzip
import hashlib
import os
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import LoaderError

GZIP_MAGIC = b"\x1f\x8b"
TWICE_COMPRESSED = "gzip twice"
SNIFF_BYTES = 65536
READ_BYTES = 2**20
CARRIAGE_RETURN_AS_TAB = bytes.maketrans(b"\r", b"\t")
# zlib's words for a gzip trailer that does not match the content
GZIP_DAMAGE = {
    "Error -3 while decompressing data: incorrect data check": "CRC check failed",
    "Error -3 while decompressing data: incorrect length check": "length check failed",
}
# Names a directory contributes; a file named explicitly is taken whatever its name.
DIRECTORY_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz")
# The tokens that tell the containers apart: strings (a key when a colon follows), brackets.
JSON_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"(\s*:)?|[{}\[\]]|[^\s"{}\[\]]+')
RECORD_KEYS = {b"ticket_id", b"performed_at"}
GLOB_CHARS = re.compile(r"[*?\[]")
# Freshdesk names each daily export activities_<account>_<D>_<M>_<YYYY>.json[.gz].
FRESHDESK_NAME = re.compile(r"activities_(?P<account>\d+)_\d{1,2}_\d{1,2}_\d{4}\.json(\.gz)?")


def account_from_name(path: Path) -> int | None:
    """The account id in a Freshdesk export's file name; None for any other name."""
    match = FRESHDESK_NAME.fullmatch(path.name)
    return int(match["account"]) if match else None


@dataclass(frozen=True)
class SourceFile:
    """One input file, sniffed: container and compression (by content), size."""

    path: Path
    is_compressed: bool
    container: str  # 'export' (envelope) or 'jsonl'
    size: int
    metadata_start_at: datetime | None = None
    metadata_end_at: datetime | None = None
    declared_count: int | None = None
    error: str | None = None  # set when the file cannot be read at all
    nested_deep: bool = False  # an export nested deeper than DuckDB's JSON reader takes

    @property
    def file_name(self) -> str:
        return self.path.name


def find_files(arguments: list[str | Path]) -> list[Path]:
    """Expand files, directories (recursively) and globs into distinct existing files."""
    found: dict[Path, None] = {}
    for argument in arguments:
        text = str(argument)
        path = Path(text)
        if path.is_dir():
            candidates = _files_under(path)
            if not candidates:
                raise LoaderError(f"no export files (*.json, *.jsonl, *.ndjson, *.gz) in {text}")
        elif path.exists():
            candidates = [path]
        elif GLOB_CHARS.search(text):
            matches = _glob(text)
            if not matches:
                raise LoaderError(f"no file matches: {text}")
            candidates = [
                file
                for match in map(Path, matches)
                for file in (_files_under(match) if match.is_dir() else [match])
            ]
        else:
            raise LoaderError(f"no such file or directory: {text}")
        for candidate in candidates:
            if not candidate.is_file():  # a FIFO or device would block the load, holding the lock
                raise LoaderError(f"not a regular file: {candidate}")
            found.setdefault(candidate.resolve(), None)
    _refuse_shared_names(list(found))
    return list(found)


def _glob(pattern: str) -> list[str]:
    """glob.glob, except that `**` enters each directory once however symlinks lead to it
    (glob.glob follows a symlink loop until the path is too long, exponentially)."""
    if "**" not in pattern:
        return sorted(glob.glob(pattern))
    parts = pattern.split(os.sep)
    at = next(index for index, part in enumerate(parts) if "**" in part)
    if parts[at] != "**":  # like glob.glob, `**` inside a name is `*`
        return _glob(os.sep.join([*parts[:at], parts[at].replace("**", "*"), *parts[at + 1 :]]))
    head, rest = os.sep.join(parts[:at]), os.sep.join(parts[at + 1 :])
    bases = _glob(head) if GLOB_CHARS.search(head) else [head]
    matches: list[str] = []
    for base in (base for base in bases if os.path.isdir(base or ".")):
        for directory in _walk(base):
            if rest:
                matches.extend(_glob(os.path.join(glob.escape(directory), rest)))
            else:
                matches.extend(glob.glob(os.path.join(glob.escape(directory), "*")))
    return sorted(set(matches))


def _walk(base: str) -> list[str]:
    """base and the directories under it, hidden ones left out, each real directory once."""
    seen = {os.path.realpath(base or ".")}
    found = [base]
    for directory, subdirectories, _ in os.walk(base or ".", followlinks=True):
        kept = []
        for name in sorted(subdirectories):
            real = os.path.realpath(os.path.join(directory, name))
            if not name.startswith(".") and real not in seen:
                seen.add(real)
                kept.append(name)
        subdirectories[:] = kept
        found.extend(os.path.join(directory, name) for name in kept)
    if not base:
        found = [path.removeprefix("." + os.sep) for path in found]
    return found


def _refuse_shared_names(files: list[Path]) -> None:
    """A file name identifies an export (a later file of that name is its re-export and
    replaces it), so two different files of one name in one load would lose the first."""
    seen: dict[str, Path] = {}
    for file in files:
        first = seen.setdefault(file.name, file)
        if first != file:
            raise LoaderError(
                f"two files named {file.name} in one load ({first}, {file}): a file name"
                " identifies an export and the later would replace the earlier; rename one"
            )


def _files_under(directory: Path) -> list[Path]:
    return sorted(
        file
        for file in directory.rglob("*")
        if not file.is_dir()
        and not file.name.startswith(".")
        and file.name.lower().endswith(DIRECTORY_SUFFIXES)
    )


def sniff(path: Path) -> tuple[bool, str, int]:
    """Compression, container ('export' or 'jsonl'; TWICE_COMPRESSED for a gzip file whose
    content is gzip again) and size of a file, from its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    is_compressed = head.startswith(GZIP_MAGIC)
    if is_compressed:
        head = _gunzip_head(path)
        if head.startswith(GZIP_MAGIC):
            return is_compressed, TWICE_COMPRESSED, path.stat().st_size
    head = head.removeprefix(b"\xef\xbb\xbf")
    return is_compressed, container_of(head), path.stat().st_size


def container_of(head: bytes) -> str:
    """'export' for one JSON object whose top-level keys include activities_data (in any
    order, among any others) and not those of a record; else 'jsonl' (a first object that
    is a record, or more than one value)."""
    keys: set[bytes] = set()
    depth = 0
    ended = False  # the first value is complete
    for token in JSON_TOKEN.finditer(head):
        if ended:
            return "jsonl"  # a second value
        text = token[0]
        if text in (b"{", b"["):
            depth += 1
        elif text in (b"}", b"]"):
            depth -= 1
            ended = depth <= 0
        elif depth == 0:
            return "jsonl"  # a scalar first
        elif depth == 1 and token[2]:
            keys.add(token[1])
    return "export" if b"activities_data" in keys and not keys & RECORD_KEYS else "jsonl"


@dataclass(frozen=True)
class Content:
    """What one read of every byte of a file tells: its hash, its longest line, its damage."""

    digest: str  # sha256 of the bytes as stored; empty if the file cannot be read
    longest_line: int = 0  # bytes of the longest line of the content (gzip: decompressed)
    damage: str | None = None  # why a gzip stream is damaged (bad CRC or length, truncated)


def read_content(path: Path, is_compressed: bool) -> Content:
    """Hash the file's bytes and measure its content's lines in one read; a gzip stream is
    decompressed to its end, which checks its CRC and length trailers."""
    digest = hashlib.sha256()
    lines = _LineMeter()
    damage = None
    decompressor = zlib.decompressobj(wbits=31) if is_compressed else None
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(READ_BYTES):
                digest.update(chunk)
                if decompressor is None:
                    lines.feed(chunk)
                elif damage is None:
                    decompressor, damage = _gunzip(decompressor, chunk, lines)
    except OSError:
        return Content("")
    if decompressor is not None and damage is None and not decompressor.eof:
        damage = "damaged gzip: the file ends before the end of its compressed stream"
    return Content(digest.hexdigest(), lines.longest, damage)


def _gunzip(
    decompressor: zlib._Decompress, chunk: bytes, lines: _LineMeter
) -> tuple[zlib._Decompress, str | None]:
    """Feed one chunk, its content measured a piece at a time (so memory stays bounded); a
    new member starts where one ends (gzip files may be concatenated)."""
    if decompressor.eof:
        decompressor = zlib.decompressobj(wbits=31)
    while True:
        try:
            piece = decompressor.decompress(chunk, READ_BYTES)
        except zlib.error as error:
            return decompressor, f"damaged gzip: {GZIP_DAMAGE.get(str(error), str(error))}"
        lines.feed(piece)
        chunk = decompressor.unconsumed_tail
        if decompressor.eof:
            chunk = decompressor.unused_data
            if not chunk:
                return decompressor, None
            decompressor = zlib.decompressobj(wbits=31)
        elif not chunk and len(piece) < READ_BYTES:
            return decompressor, None


class _LineMeter:
    """The longest line of a stream fed in chunks: only lines across chunks can be long."""

    def __init__(self) -> None:
        self.longest = 0
        self._open = 0  # bytes of the line not yet ended

    def feed(self, data: bytes) -> None:
        first = data.find(b"\n")
        if first < 0:
            self._open += len(data)
        else:
            self.longest = max(self.longest, self._open + first)
            self._open = len(data) - data.rfind(b"\n") - 1
        self.longest = max(self.longest, self._open)


def copy_lines(path: Path, is_compressed: bool, target: Path) -> None:
    """The content as plain bytes with each carriage return made a tab: the same JSON (both
    are whitespace outside strings and invalid inside them), lines split at line feeds only."""
    opener = gzip.open if is_compressed else open
    with opener(path, "rb") as source, target.open("wb") as copy:
        while chunk := source.read(READ_BYTES):
            copy.write(chunk.translate(CARRIAGE_RETURN_AS_TAB))


def _gunzip_head(path: Path) -> bytes:
    """The first bytes of a gzip file's content; what a damaged stream yields before failing."""
    decompressor = zlib.decompressobj(wbits=31)
    with path.open("rb") as handle:
        try:
            return decompressor.decompress(handle.read(SNIFF_BYTES), SNIFF_BYTES)
        except zlib.error:
            return b""
