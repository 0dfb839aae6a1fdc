"""Writing a file so that a reader never sees half of it and a failure leaves nothing behind.

The bytes go to a temporary file in the destination's own directory (a rename is atomic only
within one file system), are flushed to disk, and the file is renamed over the destination; the
directory is then flushed so that the rename itself survives a power cut. Until ``commit``, the
destination is exactly as it was; leaving the ``staged`` block any other way removes the
temporary file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
PREFIX = ".approval-"


class Staged:
    """A temporary file beside ``final``. Its name ends with ``final``'s name, so that a scan of
    it recognises the format by its extension as it would the destination's."""

    def __init__(self, final: Path):
        self.final = final
        self.path = final.with_name(f"{PREFIX}{secrets.token_hex(6)}-{final.name}")
        # 0666 less the umask, as any new file: the export is an ordinary file, not a secret.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        self.file: BinaryIO = os.fdopen(fd, "wb")
        self.committed = False

    def commit(self) -> None:
        """Flush the file to disk and rename it over ``final``; flush the directory."""
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
        self.path.replace(self.final)
        self.committed = True
        fsync_dir(self.final.parent)

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        if not self.committed:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


@contextlib.contextmanager
def staged(final: Path) -> Iterator[Staged]:
    """A ``Staged`` file for ``final``, removed on leaving unless committed."""
    stage = Staged(final)
    try:
        yield stage
    finally:
        stage.discard()


def copy_hashing(source: Path, target: BinaryIO) -> tuple[str, int]:
    """Copy ``source`` into ``target`` in one read, hashing the bytes as they pass: the copy is
    exactly the bytes hashed. The sha256 and the size."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
            size += len(chunk)
    target.flush()
    return digest.hexdigest(), size


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
