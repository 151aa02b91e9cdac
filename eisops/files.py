"""Reading the files eisops is given (manifests, the project file, saved plans) safely.

Only regular files are read, and only up to a limit: a FIFO or a device named like a
manifest is refused without waiting on it, and a file past the limit without reading it.
This module knows nothing of YAML, plans or Elasticsearch; it raises, never prints.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class FileRefused(Exception):
    """The file cannot be read; ``str()`` says why, in a phrase that follows the file's name, and
    ``reason`` which way: ``unreadable``, ``not_regular`` or ``too_large``."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def read_regular_file(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise FileRefused(f"cannot read the {what}: {exc.strerror}", "unreadable") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"not a regular file ({file_type(info.st_mode)})", "not_regular")
        if info.st_size > limit:
            raise FileRefused(f"the {what} is {info.st_size:,} bytes, more than the limit of {_size(limit)}", "too_large")
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileRefused(f"cannot read the {what}: {exc.strerror}", "unreadable") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise FileRefused(f"the {what} is larger than the limit of {_size(limit)}", "too_large")
    return data


def file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a regular file"


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit:,} bytes"
