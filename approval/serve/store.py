"""The copies the web server serves: each allowed file's decided bytes, kept by their sha256.

An auth sub-request alone answers for the bytes the gate read, and the web server then opens
the file by its path again: a file replaced between the two (by rename, or written in place)
is served undecided. Measured behind nginx with a clean and a protected file swapped at one
path as fast as a loop can, one request in ten was answered 200 with protected bytes (2,212 of
22,201 in 10 s, bench/bench_serve.py --no-store). So the web server
does not serve the document root at all. For each allowed file the gate copies the very bytes
it hashed (read once, hashed as they are copied, compared with the scan's sha256) into this
store, named ``<sha256[:2]>/<sha256><suffix>``, and names that copy in its answer
(``X-Approval-File``); nginx serves it from the store with ``try_files`` (see the README).
A copy never changes once written (it is renamed into place under its hash), so what is served
is exactly what was decided, whatever happens in the document root meanwhile.

The store belongs to the service's user and nobody else may write it (checked at start): a
file written into it by another would be served as decided. A copy whose file is no longer
allowed (a revocation) is removed at once, and the store is emptied when the service starts
(it has decided nothing yet); copies of files that were replaced stay until then, or until the
store is cleaned (``find STORE -type f -atime +30 -delete`` is safe: a missing copy is made
again on the next request).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from pathlib import Path

from approval.errors import UsageError

_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")
_CHUNK = 1024 * 1024


class CopyChanged(Exception):
    """The bytes read are not the bytes decided: the file changed meanwhile."""


def store_name(sha256: str, real: str) -> str:
    """The copy's name in the store: its hash, and the file's suffix (the web server chooses
    the content type by it) when the suffix is plain."""
    suffix = os.path.splitext(real)[1].lower()  # noqa: PTH122 - strings, as paths.py
    return f"{sha256[:2]}/{sha256}{suffix if _SUFFIX.match(suffix) else ''}"


def open_store(directory: Path) -> str:
    """The store's directory, created if missing (0755: the web server reads it); a
    ``UsageError`` when others could write into it."""
    try:
        directory.mkdir(mode=0o755, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError as e:
        raise UsageError(f"--store {directory}: {(e.strerror or 'cannot be made').lower()}") from e
    if not stat.S_ISDIR(info.st_mode):
        raise UsageError(f"--store {directory} is not a directory")
    if info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UsageError(
            f"--store {directory}: others can write into it, and what is in it is served",
            hint=f"chown it to this user and chmod 755 {directory}",
        )
    return str(directory.resolve())


def ensure_copy(store: str, name: str, source: str, sha256: str, size: int, root: str) -> None:
    """Make ``store/name`` hold the bytes whose hash is ``sha256``, read from ``source`` (under
    ``root``, opened with no link followed on the way: ``paths.open_beneath``);
    ``CopyChanged`` when ``source`` no longer holds them. Exactly ``size`` bytes are read and
    hashed as they are written, and the copy is renamed into place only when their hash is the
    decided one: what is stored is the decided bytes, whichever inode they were read from."""
    from approval.serve.paths import open_beneath

    target = os.path.join(store, name)  # noqa: PTH118
    if _holds(target, sha256, size):
        return
    directory = os.path.dirname(target)  # noqa: PTH120
    os.makedirs(directory, mode=0o755, exist_ok=True)  # noqa: PTH103
    temporary = f"{target}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    digest = hashlib.sha256()
    try:
        source_fd = open_beneath(root, source)
    except OSError as e:
        raise CopyChanged from e
    try:
        if not stat.S_ISREG(os.fstat(source_fd).st_mode):
            raise CopyChanged
        os.set_blocking(source_fd, True)
        out = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        with open(out, "wb", closefd=True) as f:  # noqa: PTH123 - writes every byte given
            left = size
            while left > 0:
                chunk = os.read(source_fd, min(_CHUNK, left))
                if not chunk:
                    raise CopyChanged  # shorter than decided
                digest.update(chunk)
                f.write(chunk)
                left -= len(chunk)
        if digest.hexdigest() != sha256:
            raise CopyChanged
        os.replace(temporary, target)  # noqa: PTH105
    finally:
        os.close(source_fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)  # noqa: PTH108


def check_apart(store: str, root: str) -> None:
    """A ``UsageError`` when the store is inside the document root or holds it: a file
    uploaded into the root would then be in the store, served as decided without being
    decided (and ``clear_store`` would remove files of the site)."""
    store_real = os.path.realpath(store)
    root_real = os.path.realpath(root)
    for inner, outer in ((store_real, root_real), (root_real, store_real)):
        if inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep):
            raise UsageError(
                f"--store {store} and the document root {root} overlap: uploads would be served "
                "from the store undecided",
                hint="keep the store outside the document root, e.g. /var/lib/approval/store",
            )


_COPY = re.compile(r"^[0-9a-f]{64}(\.[a-z0-9]{1,10})?(\.[0-9]+\.[0-9a-f]{8}\.tmp)?$")


def clear_store(store: str) -> int:
    """Remove every copy (the service starts knowing nothing: each file is decided, and its
    copy made, again on its first request). Without this, the copy of a file whose approval
    was revoked while the service was down would stay on disk. Only files named as copies are
    touched. How many were removed."""
    removed = 0
    for shard in Path(store).iterdir():
        if not (len(shard.name) == 2 and shard.is_dir() and not shard.is_symlink()):
            continue
        for copy in shard.iterdir():
            if _COPY.match(copy.name) and copy.name.startswith(shard.name):
                with contextlib.suppress(OSError):
                    copy.unlink()
                    removed += 1
    return removed


def remove_copy(store: str, name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(store, name))  # noqa: PTH108, PTH118


def _holds(target: str, sha256: str, size: int) -> bool:
    """Whether the copy is there with those bytes (hashed again: this runs once per file and
    process, on the cold path)."""
    try:
        with open(target, "rb") as f:  # noqa: PTH123
            if os.fstat(f.fileno()).st_size != size:
                return False
            return hashlib.file_digest(f, "sha256").hexdigest() == sha256
    except OSError:
        return False
