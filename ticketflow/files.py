"""Writing output files so that a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ticketflow.errors import TicketflowError

KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


class OutputPathError(TicketflowError):
    """An output path names something that must not be replaced; nothing was written."""

    exit_code = 2


def check_replaceable(target: Path) -> Path:
    """Refuse a `target` that exists and is not a regular file: replacing a device node, a
    symbolic link or a FIFO with a regular file would destroy it (`/dev/null` as root)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as error:
        raise OutputPathError(f"{target}: cannot write: {error.strerror}") from None
    if stat.S_ISREG(mode):
        return target
    kind = next((name for test, name in KINDS if test(mode)), "not a regular file")
    raise OutputPathError(f"{target}: {kind}, not a regular file: refusing to replace it")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, moved onto it only when the block succeeds.

    `target` must be missing or a regular file (`check_replaceable`). The temporary file is
    removed whatever happens; errors pass through to the caller.
    """
    check_replaceable(target)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
