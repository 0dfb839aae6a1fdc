"""Writing a file into a published directory so that its bytes have no name there until the
decision to publish them, and a kill at any moment (SIGKILL, the OOM killer) leaves nothing a
web server could serve.

The bytes are staged, in order of preference:

1. in an *unnamed* file (``O_TMPFILE``) on the destination's file system: it has no name in
   any directory, and the kernel frees it when the last descriptor closes, which includes the
   process being killed. Once allowed, it gets the mode a new file would (``0666 & ~umask``, as
   ``cp``), is given a name by ``linkat`` from ``/proc/self/fd/N``, and replaces the destination
   by rename;
2. where the file system has no ``O_TMPFILE`` (or ``/proc`` is not mounted): in a private
   directory ``.approval-staging-<hex>/`` (0700, so no other user, the web server's included,
   can list or open anything in it), in the destination's directory (a rename is atomic only
   within one file system), holding the file at mode 0600 until it is renamed over the
   destination.

A staging directory or a named leftover of an older version (``.approval-<hex>-<name>``) left by
a kill is removed by the next staging in the same directory, once no live process holds it
(each holds an ``flock`` on its staging while it works) and it is a minute old (one just made
may not be locked yet). ``signals()`` turns SIGTERM, SIGHUP and
SIGINT into an exit with the conventional code (128 + signal: 143, 129, 130) that runs the
clean-up on the way out; nothing depends on it, since SIGKILL cannot be caught.

The scanner recognises some formats by the file's name, so ``Staged.path`` is a path named like
the destination at which the staged bytes can be read: a link, in a private temporary
directory, to the unnamed file's ``/proc/self/fd`` entry (no bytes there), or the file in the
private staging directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import BinaryIO

CHUNK = 1024 * 1024
PREFIX = ".approval-"
STAGING_PREFIX = f"{PREFIX}staging-"
# A named staged copy as versions before the unnamed staging wrote it (and as the link step of
# an unnamed one is called for an instant): ".approval-<12 hex>-<name>".
_NAMED_LEFTOVER = re.compile(r"\.approval-[0-9a-f]{12}-")
_PROC_FD = "/proc/self/fd"
# A leftover younger than this is left alone even when no process holds it: another export
# may have just made it and not yet locked it.
LEFTOVER_AGE = 60.0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class Staged:
    """The staged bytes of ``final`` (see the module doc): write them to ``file``, read them at
    ``path``, then ``commit`` (publish) or ``discard``. ``unnamed=False`` uses the private
    directory even where ``O_TMPFILE`` works (tests of that way)."""

    def __init__(self, final: Path, *, unnamed: bool = True):
        self.final = final
        self.committed = False
        self._fd = -1  # the staged file, open for as long as the staging lasts (its lock)
        self._dir_fd = -1  # the private staging directory, locked, when there is one
        self._private: Path | None = None  # the staging directory, or the link's directory
        self.unnamed = False
        clean_leftovers(final.parent)
        if unnamed and Path(_PROC_FD).is_dir():
            with contextlib.suppress(OSError):
                self._fd = os.open(final.parent, os.O_TMPFILE | os.O_RDWR, 0o600)
        try:
            if self._fd >= 0:
                self.unnamed = True
                fcntl.flock(self._fd, fcntl.LOCK_EX)
                # No bytes in the temporary directory: a link to the descriptor, named as the
                # destination for the scanner. Made 0700 by mkdtemp.
                self._private = Path(tempfile.mkdtemp(prefix="approval-stage-"))
                self.path = self._private / final.name
                # Named by the process id, not "self": a link read by a helper process (a
                # reader's) still reaches this process's descriptor.
                self.path.symlink_to(f"/proc/{os.getpid()}/fd/{self._fd}")
            else:
                self._private = final.parent / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
                self._private.mkdir(0o700)  # the umask can only take bits away
                self._dir_fd = os.open(self._private, os.O_RDONLY | os.O_DIRECTORY)
                fcntl.flock(self._dir_fd, fcntl.LOCK_EX)
                self.path = self._private / final.name
                flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                self._fd = os.open(self.path, flags, 0o600)
            # The file object may be closed by its writer (redact does) without ending the
            # staging: it has a descriptor of its own.
            self.file: BinaryIO = os.fdopen(os.dup(self._fd), "wb")
        except BaseException:
            self._release()
            raise

    def commit(self) -> None:
        """Give the staged file the mode a new file gets, flush it to disk, and put it in
        place of ``final`` by rename; flush the directory."""
        if not self.file.closed:
            self.file.flush()
            self.file.close()
        os.fchmod(self._fd, 0o666 & ~_umask())
        os.fsync(self._fd)
        if self.unnamed:
            self._link_into_place()
        else:
            self.path.replace(self.final)
        self.committed = True
        fsync_dir(self.final.parent)
        self._release()

    def _link_into_place(self) -> None:
        source = f"{_PROC_FD}/{self._fd}"
        directory = os.open(self.final.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            # A directory descriptor makes Python call linkat, which follows the /proc link to
            # the file (AT_SYMLINK_FOLLOW); link(2) would try to link the /proc entry itself.
            try:
                # Nothing there yet: named in one step; linkat never replaces a file that
                # appeared meanwhile.
                os.link(source, self.final.name, dst_dir_fd=directory, follow_symlinks=True)
                return
            except FileExistsError:
                pass
            # Replacing a file: named beside it (approved bytes by now), renamed over it.
            named = f"{PREFIX}{secrets.token_hex(6)}-{self.final.name}"
            os.link(source, named, dst_dir_fd=directory, follow_symlinks=True)
            try:
                os.replace(named, self.final.name, src_dir_fd=directory, dst_dir_fd=directory)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(named, dir_fd=directory)
                raise
        finally:
            os.close(directory)

    def discard(self) -> None:
        """End the staging; the bytes go with it unless committed."""
        self._release()

    def _release(self) -> None:
        file = getattr(self, "file", None)
        if file is not None and not file.closed:
            file.close()
        if self._private is not None:
            if self._dir_fd >= 0 and not self.committed:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None
        for name in ("_fd", "_dir_fd"):
            fd = getattr(self, name)
            if fd >= 0:
                os.close(fd)
                setattr(self, name, -1)


@contextlib.contextmanager
def staged(final: Path) -> Iterator[Staged]:
    """A ``Staged`` file for ``final``, discarded on leaving unless committed."""
    stage = Staged(final)
    try:
        yield stage
    finally:
        stage.discard()


def clean_leftovers(directory: Path, *, older_than: float = LEFTOVER_AGE) -> list[str]:
    """Remove what killed stagings left in ``directory``: private staging directories and named
    staged copies, ours (same owner), held by no live process and not changed for
    ``older_than`` seconds. The names removed."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    me = os.geteuid()
    for entry in entries:
        name = entry.name
        if not name.startswith(PREFIX):
            continue
        is_dir = name.startswith(STAGING_PREFIX)
        if not is_dir and not _NAMED_LEFTOVER.match(name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if info.st_uid != me or stat.S_ISDIR(info.st_mode) != is_dir:
                continue
            if time.time() - info.st_mtime < older_than:
                continue
            flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if is_dir else os.O_NONBLOCK)
            fd = os.open(entry.path, flags)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live staging
            if is_dir:
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    Path(entry.path).unlink()
            removed.append(name)
        finally:
            os.close(fd)
    return removed


class Interrupted(SystemExit):
    """A signal ended the command: exits ``128 + signal``, running clean-ups on the way."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum


_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


@contextlib.contextmanager
def signals() -> Iterator[None]:
    """While inside: SIGTERM, SIGHUP and SIGINT raise ``Interrupted`` (so ``finally`` blocks
    run and the exit code says which signal); the previous handlers are restored on leaving.
    Outside the main thread (where handlers cannot be set) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, interrupted) for s in _SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


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
