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

The destination's directory is opened once, when the staging starts (before any decision), and
every step after goes through that descriptor (``openat``, ``linkat``, ``renameat``): a
directory renamed, replaced, or swapped for a link to another one meanwhile cannot receive the
bytes. ``Staged.target`` is the path of that directory as resolved then, which is what a record
names; ``commit`` refuses (``DestinationMoved``, nothing written) when that path no longer leads
to the directory opened. ``write_private`` writes a small 0600 file the same way.

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
import errno
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

from approval.errors import UsageError

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


class DestinationMoved(OSError):
    """The destination directory is no longer the one opened before the decision (renamed,
    replaced by another or by a link to another): nothing was written there."""

    def __init__(self, directory: Path):
        # No path in the text: callers lower-case it and name the place themselves.
        super().__init__(errno.ESTALE, "the directory was moved or replaced after it was opened")
        self.directory = directory


def open_directory(path: Path) -> tuple[int, Path]:
    """The directory at ``path``, opened once: its descriptor, through which every later step
    works, and its path resolved (links followed) at that moment, which is what a record may
    name. The last component is opened ``O_NOFOLLOW``, and the descriptor must be the directory
    at the resolved path: a swap between the two is ``DestinationMoved``."""
    resolved = Path(os.path.realpath(path))
    fd = os.open(resolved, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if not same_directory(fd, resolved):
            raise DestinationMoved(resolved)
    except BaseException:
        os.close(fd)
        raise
    return fd, resolved


def git_directory_of(directory: Path) -> Path | None:
    """The git directory that ``directory`` (resolved) is, or is inside: one named ``.git``, or
    one git itself would take for a repository's (``HEAD``, ``objects/``, ``refs/``: a bare
    repository such as the ledger). A file put there could replace a ref or an object."""
    for place in (directory, *directory.parents):
        if place.name == ".git":
            return place
        try:
            if (
                (place / "HEAD").is_file()
                and (place / "objects").is_dir()
                and (place / "refs").is_dir()
            ):
                return place
        except OSError:
            return place  # cannot tell: the gate fails closed
    return None


def refuse_git_directory(directory: Path, shown: Path) -> None:
    """``UsageError`` naming ``shown`` when ``directory`` (resolved) is inside a git
    directory (``git_directory_of``)."""
    found = git_directory_of(directory)
    if found is not None:
        raise UsageError(
            f"{shown} is inside a git directory ({found}): nothing was written",
            hint="give a place in a work tree or a published directory, never in .git",
        )


def same_directory(fd: int, path: Path) -> bool:
    """Whether ``path`` (links followed) is, now, the directory open as ``fd``."""
    try:
        there = path.stat()
    except OSError:
        return False
    here = os.fstat(fd)
    return (there.st_dev, there.st_ino) == (here.st_dev, here.st_ino)


class Staged:
    """The staged bytes of ``final`` (see the module doc): write them to ``file``, read them at
    ``path``, then ``commit`` (publish) or ``discard``. ``unnamed=False`` uses the private
    directory even where ``O_TMPFILE`` works (tests of that way).

    The destination directory is opened once, here, before anything is decided, and every step
    after (the staging, the link, the rename, the flush) goes through that descriptor: a
    directory swapped for another, or for a link to another, between the decision and the write
    cannot receive the bytes. ``target`` is where they go, as resolved at the opening: what a
    record names. ``check_place`` (called by ``commit`` too) fails with ``DestinationMoved``
    when ``target``'s directory is no longer the one opened."""

    def __init__(self, final: Path, *, unnamed: bool = True):
        self.final = final
        self.committed = False
        self._fd = -1  # the staged file, open for as long as the staging lasts (its lock)
        self._dir_fd = -1  # the private staging directory, locked, when there is one
        self._staging: str | None = None  # its name in the destination directory
        self._link_dir: Path | None = None  # the private directory of the unnamed file's link
        self._home, self.directory = open_directory(final.parent)
        self.target = self.directory / final.name
        self.unnamed = False
        try:
            # Whoever writes here (an export, a redaction, a report): never into a repository's
            # refs or objects, the ledger's included.
            refuse_git_directory(self.directory, final)
            clean_leftovers(self._home)
            if unnamed and Path(_PROC_FD).is_dir():
                with contextlib.suppress(OSError):
                    self._fd = os.open(".", os.O_TMPFILE | os.O_RDWR, 0o600, dir_fd=self._home)
            if self._fd >= 0:
                self.unnamed = True
                fcntl.flock(self._fd, fcntl.LOCK_EX)
                # No bytes in the temporary directory: a link to the descriptor, named as the
                # destination for the scanner. Made 0700 by mkdtemp.
                self._link_dir = Path(tempfile.mkdtemp(prefix="approval-stage-"))
                self.path = self._link_dir / final.name
                # Named by the process id, not "self": a link read by a helper process (a
                # reader's) still reaches this process's descriptor.
                self.path.symlink_to(f"/proc/{os.getpid()}/fd/{self._fd}")
            else:
                self._staging = f"{STAGING_PREFIX}{secrets.token_hex(6)}"
                os.mkdir(self._staging, 0o700, dir_fd=self._home)  # the umask only takes away
                self._dir_fd = os.open(
                    self._staging,
                    os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                    dir_fd=self._home,
                )
                fcntl.flock(self._dir_fd, fcntl.LOCK_EX)
                # The scanner reads by path; export compares the hash it read with the hash
                # written, so a path that no longer reaches these bytes cannot pass.
                self.path = self.directory / self._staging / final.name
                flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
                self._fd = os.open(final.name, flags, 0o600, dir_fd=self._dir_fd)
            # The file object may be closed by its writer (redact does) without ending the
            # staging: it has a descriptor of its own.
            self.file: BinaryIO = os.fdopen(os.dup(self._fd), "wb")
        except BaseException:
            self._release()
            raise

    # A seam for tests: runs in ``commit`` after the bytes are flushed and before they are put
    # in place, where a real swap would race.
    def _before_placing(self) -> None:
        pass

    def check_place(self) -> None:
        """``DestinationMoved`` unless ``target``'s directory is still the one opened."""
        if not same_directory(self._home, self.directory):
            raise DestinationMoved(self.directory)

    def commit(self) -> None:
        """Give the staged file the mode a new file gets, flush it to disk, and put it in
        place of ``final`` by rename in the directory opened; flush the directory.
        ``DestinationMoved``, with nothing written, when that directory is no longer at
        ``target``."""
        if not self.file.closed:
            self.file.flush()
            self.file.close()
        os.fchmod(self._fd, 0o666 & ~_umask())
        os.fsync(self._fd)
        self._before_placing()
        self.check_place()
        if self.unnamed:
            self._link_into_place()
        else:
            os.replace(
                self.final.name,
                self.final.name,
                src_dir_fd=self._dir_fd,
                dst_dir_fd=self._home,
            )
        self.committed = True
        os.fsync(self._home)
        self._release()

    def _link_into_place(self) -> None:
        source = f"{_PROC_FD}/{self._fd}"
        directory = self._home
        name = self.final.name
        # A directory descriptor makes Python call linkat, which follows the /proc link to
        # the file (AT_SYMLINK_FOLLOW); link(2) would try to link the /proc entry itself.
        try:
            # Nothing there yet: named in one step; linkat never replaces a file that
            # appeared meanwhile.
            os.link(source, name, dst_dir_fd=directory, follow_symlinks=True)
            return
        except FileExistsError:
            pass
        # Replacing a file: named beside it (approved bytes by now), renamed over it.
        named = f"{PREFIX}{secrets.token_hex(6)}-{name}"
        os.link(source, named, dst_dir_fd=directory, follow_symlinks=True)
        try:
            os.replace(named, name, src_dir_fd=directory, dst_dir_fd=directory)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(named, dir_fd=directory)
            raise

    def discard(self) -> None:
        """End the staging; the bytes go with it unless committed."""
        self._release()

    def _release(self) -> None:
        file = getattr(self, "file", None)
        if file is not None and not file.closed:
            file.close()
        if self._link_dir is not None:
            shutil.rmtree(self._link_dir, ignore_errors=True)
            self._link_dir = None
        if self._staging is not None:
            if self._dir_fd >= 0 and not self.committed:
                with contextlib.suppress(OSError):
                    os.unlink(self.final.name, dir_fd=self._dir_fd)
            with contextlib.suppress(OSError):
                shutil.rmtree(self._staging, dir_fd=self._home)
            self._staging = None
        for name in ("_fd", "_dir_fd", "_home"):
            fd = getattr(self, name, -1)
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


def clean_leftovers(directory: Path | int, *, older_than: float = LEFTOVER_AGE) -> list[str]:
    """Remove what killed stagings left in ``directory`` (a path, or a directory's descriptor,
    which is then the only way in): private staging directories and named staged copies, ours
    (same owner), held by no live process and not changed for ``older_than`` seconds. The
    names removed."""
    removed: list[str] = []
    opened = -1
    try:
        if isinstance(directory, int):
            home = directory
        else:
            home = opened = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        # scandir of a descriptor: the entries are names in that very directory.
        with os.scandir(os.dup(home)) as found:
            entries = list(found)
    except OSError:
        if opened >= 0:
            os.close(opened)
        return removed
    try:
        me = os.geteuid()
        for entry in entries:
            if _clean_one(home, entry, me, older_than):
                removed.append(entry.name)
    finally:
        if opened >= 0:
            os.close(opened)
    return removed


def _clean_one(home: int, entry: os.DirEntry[str], me: int, older_than: float) -> bool:
    name = entry.name
    if not name.startswith(PREFIX):
        return False
    is_dir = name.startswith(STAGING_PREFIX)
    if not is_dir and not _NAMED_LEFTOVER.match(name):
        return False
    try:
        info = os.stat(name, dir_fd=home, follow_symlinks=False)
        if info.st_uid != me or stat.S_ISDIR(info.st_mode) != is_dir:
            return False
        if time.time() - info.st_mtime < older_than:
            return False
        flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if is_dir else os.O_NONBLOCK)
        fd = os.open(name, flags | os.O_CLOEXEC, dir_fd=home)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live staging
        if is_dir:
            shutil.rmtree(name, ignore_errors=True, dir_fd=home)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=home)
        return True
    finally:
        os.close(fd)


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


def write_private(out: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``out``, mode 0600 whatever the umask, whole or not at all, through
    ``out``'s directory opened once (``open_directory``): a directory swapped meanwhile, or a
    link put in its place, cannot receive the bytes. An existing ``out`` is replaced only with
    ``force`` (else ``FileExistsError``, also for one that appeared meanwhile); a link named
    ``out`` is replaced, never followed. ``DestinationMoved`` when the directory at ``out``'s
    parent is no longer the one opened, with nothing written."""
    home, directory = open_directory(out.parent)
    temporary = f".{out.name}.{secrets.token_hex(6)}.tmp"
    try:
        refuse_git_directory(directory, out)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, 0o600, dir_fd=home)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if not same_directory(home, directory):
            raise DestinationMoved(directory)
        if force:
            os.replace(temporary, out.name, src_dir_fd=home, dst_dir_fd=home)
        else:
            # Refuses, atomically, a file made meanwhile: never overwritten.
            os.link(temporary, out.name, src_dir_fd=home, dst_dir_fd=home, follow_symlinks=False)
        os.fsync(home)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=home)
        os.close(home)
