"""Finding the files of a load and recognising their container by content."""

from __future__ import annotations

import glob
import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import LoaderError

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 65536
# Names a directory contributes; a file named explicitly is taken whatever its name.
DIRECTORY_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz")
ENVELOPE_START = re.compile(rb'^\s*\{\s*"(activities_data|metadata)"\s*:')
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

    @property
    def file_name(self) -> str:
        return self.path.name


def find_files(arguments: list[str | Path]) -> list[Path]:
    """Expand files, directories (recursively) and globs into distinct existing files."""
    found: dict[Path, None] = {}
    for argument in arguments:
        text = str(argument)
        path = Path(text)
        if path.is_file():
            candidates = [path]
        elif path.is_dir():
            candidates = _files_under(path)
            if not candidates:
                raise LoaderError(f"no export files (*.json, *.jsonl, *.ndjson, *.gz) in {text}")
        elif GLOB_CHARS.search(text):
            matches = sorted(glob.glob(text, recursive=True))
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
            found.setdefault(candidate.resolve(), None)
    _refuse_shared_names(list(found))
    return list(found)


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
        if file.is_file()
        and not file.name.startswith(".")
        and file.name.lower().endswith(DIRECTORY_SUFFIXES)
    )


def sniff(path: Path) -> tuple[bool, str, int]:
    """Compression, container ('export' or 'jsonl') and size of a file, from its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    is_compressed = head.startswith(GZIP_MAGIC)
    if is_compressed:
        head = _gunzip_head(path)
    head = head.removeprefix(b"\xef\xbb\xbf")
    container = "export" if ENVELOPE_START.match(head) else "jsonl"
    return is_compressed, container, path.stat().st_size


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes as stored (compressed or not); empty if it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def _gunzip_head(path: Path) -> bytes:
    """The first bytes of a gzip file's content; what a damaged stream yields before failing."""
    decompressor = zlib.decompressobj(wbits=31)
    with path.open("rb") as handle:
        try:
            return decompressor.decompress(handle.read(SNIFF_BYTES), SNIFF_BYTES)
        except zlib.error:
            return b""
