"""Owner-only files: everything the app writes that may hold personal data (the database,
backups, exports, letters, the recovery sheet) is readable by its owner only [S12].

One writer for all of them. Files are opened in binary mode (``O_BINARY`` on Windows, where a
text-mode descriptor would turn every ``\\n`` of a PDF or CSV into ``\\r\\n``), and a file that
already exists is set to owner-only too, since ``os.open`` keeps an existing file's mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

PRIVATE_MODE = 0o600
_BINARY = getattr(os, "O_BINARY", 0)


def make_private(path: Path) -> None:
    """Owner read and write only, where the platform has POSIX modes."""
    try:
        os.chmod(path, PRIVATE_MODE)
    except OSError:  # pragma: no cover - platforms without POSIX modes
        pass


def open_private(path: Path, *, exclusive: bool = False) -> BinaryIO:
    """A new or truncated file for writing bytes, readable by its owner only.

    ``exclusive``: the file must not exist yet (a stale one is an error, never overwritten).
    """
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | _BINARY | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_MODE)
    try:
        make_private(path)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (created or replaced), readable by its owner only."""
    with open_private(path) as f:
        f.write(data)


def fsync_file(path: Path) -> None:
    """Flush a written file to the disk (before it is renamed into place)."""
    fd = os.open(path, os.O_RDONLY | _BINARY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
