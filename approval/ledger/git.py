"""The one thin wrapper through which the ledger runs git: arguments as lists, stderr kept for
the message, our exceptions out.

Two shapes: :meth:`Git.run` spawns one command; :class:`Batch` keeps one long-running
``git cat-file --batch`` or ``git mktree --batch`` per ledger, so that reading a tree or writing
one costs a pipe round trip (tens of microseconds), not a process (~1.6 ms here).

A fetch or a push that reports its progress (:func:`transfer`) runs through GitPython, which
reads git's progress meter and raises typed errors; everything else stays on plain git,
measured on a 2-core machine:

- importing GitPython costs ~40 ms a process, where an up-to-date fetch from a local remote
  takes ~6.4 ms: the fetch a command makes before deciding and the push after an append run
  plain git, and discovery (``Ledger.open`` reads ``HEAD``) and config reads never import it;
- GitPython's persistent ``cat-file`` answers one object per round trip (~43 us an object,
  as ours one at a time), while :class:`ObjectReader` sends 256 requests per write
  (~11 us an object): reading the ledger back stays here;
- its index is O(n) per commit: appending stays on plumbing (storage.py).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from git.util import RemoteProgress

from approval.errors import GitMissing, IntegrityError

# Environment variables from the caller that may stay: where the user's configuration is, how to
# reach remotes, tracing. Everything else named GIT_* is dropped, because a git hook (the
# pre-commit gate) runs us with GIT_DIR, GIT_INDEX_FILE and friends pointing at *another*
# repository, and GIT_AUTHOR_* / GIT_COMMITTER_DATE would change the ledger's commits.
_KEPT = frozenset(
    {
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_EXEC_PATH",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSH_VARIANT",
        "GIT_ASKPASS",
        "GIT_TERMINAL_PROMPT",
    }
)
_KEPT_PREFIXES = ("GIT_TRACE", "GIT_HTTP_", "GIT_SSL_", "GIT_CURL_")

# Every command we run makes what it writes durable, whatever the repository says: a plain
# `git clone` of a ledger does not copy the fsync settings that Ledger.create sets (git >= 2.36).
# And it runs no program the ledger's directory names: a ledger directory copied from someone
# else carries its hooks (``reference-transaction`` runs on every append) and its config (an
# ``ext::`` remote that its ``protocol.ext.allow`` lets run); ``-c`` outranks every config file.
_OPTIONS = (
    *("-c", "core.fsync=committed", "-c", "core.fsyncMethod=fsync"),
    *("-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never"),
    *("-c", "core.fsmonitor=false"),
)


class GitError(IntegrityError):
    """A git command failed; ``stderr`` is git's own explanation (``stdout``: what it printed
    before, such as a push's refusals)."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: str, stdout: str = ""):
        self.git_args = list(args)
        self.returncode = returncode
        self.stderr = stderr.strip()
        self.stdout = stdout
        super().__init__(
            f"git {args[0] if args else ''} failed: {_reason(self.stderr, returncode)}"
        )


def _reason(stderr: str, returncode: int) -> str:
    """git's one line that says what went wrong: the first error, not the advice after it."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else f"exit status {returncode}"


def environment(git_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every ledger git command runs in."""
    env = {key: value for key, value in os.environ.items() if _kept(key)}
    # Absolute: GitPython starts git in the repository (cwd), where a relative --ledger is wrong.
    env["GIT_DIR"] = str(Path(git_dir).absolute())
    # Replace refs (and grafts) would let a local ref silently substitute one entry for another.
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    # Messages we match (a lost compare-and-swap) are git's English ones.
    env["LC_ALL"] = "C"
    env["LANGUAGE"] = "C"
    env.update(extra or {})
    return env


def _kept(key: str) -> bool:
    return not key.startswith("GIT_") or key in _KEPT or key.startswith(_KEPT_PREFIXES)


def _not_installed(error: OSError) -> GitMissing:
    return GitMissing(f"cannot run git: {error.strerror}", hint="install git (2.36 or newer)")


@dataclass(frozen=True)
class Git:
    """git commands against one repository (``git_dir``)."""

    git_dir: Path

    def run(
        self,
        args: Sequence[str],
        *,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run ``git <args>``; raise :class:`GitError` on failure unless ``check`` is false."""
        try:
            done = subprocess.run(
                ["git", *_OPTIONS, *args],
                input=input,
                capture_output=True,
                env=environment(self.git_dir, env),
                check=False,
            )
        except OSError as e:
            raise _not_installed(e) from e
        if check and done.returncode != 0:
            raise GitError(
                args,
                done.returncode,
                done.stderr.decode("utf-8", "replace"),
                done.stdout.decode("utf-8", "replace"),
            )
        return done

    def output(
        self,
        args: Sequence[str],
        *,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> str:
        """The stripped standard output of ``git <args>``."""
        return self.run(args, input=input, env=env).stdout.decode().strip()

    def detach(self, args: Sequence[str], *, keep_fd: int) -> None:
        """Start ``git <args>`` on its own, outliving this command (as ``git gc --auto``
        detaches): no output is read, and ``keep_fd`` (a held lock) stays open in the child,
        so the lock is held until git exits. A git that cannot start is ignored: the work is
        housekeeping, tried again later."""
        with contextlib.suppress(OSError):
            subprocess.Popen(
                ["git", *_OPTIONS, *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=environment(self.git_dir),
                pass_fds=(keep_fd,),
                start_new_session=True,
            )

    def popen(self, args: Sequence[str]) -> Stream:
        """Start ``git <args>`` whose standard output is read as a stream."""
        return Stream(self, args)


class _Process:
    """A git child process whose stderr goes to a temporary file (a pipe nobody reads could
    fill up and stall it), kept for the error message."""

    def __init__(self, git: Git, args: Sequence[str], *, stdin: bool):
        self.args = list(args)
        # Open for as long as the process runs; closed in close().
        import tempfile  # here: it loads shutil, bz2 and lzma, ~3 ms a command that never needs it

        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                ["git", *_OPTIONS, *args],
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                env=environment(git.git_dir),
            )
        except OSError as e:
            self._stderr.close()
            raise _not_installed(e) from e

    def failure(self) -> GitError:
        """The error to raise when the process stopped answering: wait for it, read stderr."""
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._stderr.seek(0)
        return GitError(self.args, code, self._stderr.read().decode("utf-8", "replace"))

    def close(self) -> None:
        if self.process.stdin:
            # A process that is already gone refuses the flush; wait() below reaps it.
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        if self.process.stdout:
            self.process.stdout.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


class Stream(_Process):
    """``git log`` and the like: read lines as they come; :meth:`finish` checks the exit."""

    def __init__(self, git: Git, args: Sequence[str]):
        super().__init__(git, args, stdin=False)

    def lines(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def finish(self) -> None:
        """Raise :class:`GitError` if the command failed; always reap it."""
        assert self.process.stdout is not None
        self.process.stdout.read()
        code = self.process.wait()
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", "replace")
        self.close()
        if code != 0:
            raise GitError(self.args, code, stderr)


class Batch(_Process):
    """One long-running ``git cat-file --batch`` or ``git mktree --batch`` process."""

    def __init__(self, git: Git, args: Sequence[str]):
        super().__init__(git, args, stdin=True)

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise self.failure() from e

    def readline(self) -> bytes:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.endswith(b"\n"):
            raise self.failure()
        return line[:-1]

    def read(self, size: int) -> bytes:
        assert self.process.stdout is not None
        data = self.process.stdout.read(size)
        if len(data) != size:
            raise self.failure()
        return data


class TooLarge(Exception):
    """An object larger than its reader would read: ``size`` bytes, by git's word."""

    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


@dataclass(frozen=True, slots=True)
class GitObject:
    oid: str
    type: str
    data: bytes


class ObjectReader:
    """``git cat-file --batch``: objects by id or by ref name, one pipe round trip each."""

    def __init__(self, git: Git):
        self._batch = Batch(git, ["cat-file", "--batch"])

    def request(self, names: Sequence[str]) -> None:
        """Ask for several objects at once; read them back with :meth:`response` in order.
        Keep a request under the pipe's 64 KiB or both sides may wait on each other."""
        self._batch.send(b"".join(name.encode() + b"\n" for name in names))

    def response(self, limit: int | None = None) -> GitObject | None:
        """The next answer; :class:`TooLarge` (this reader closed) for one over ``limit``."""
        header = self._batch.readline().split(b" ")
        if len(header) != 3:  # "<name> missing" / "<name> ambiguous"
            return None
        oid, kind, size = header
        self._check_size(int(size), limit)
        data = self._batch.read(int(size) + 1)[:-1]  # each object ends with a newline
        return GitObject(oid.decode(), kind.decode(), data)

    def blob(self, limit: int | None = None) -> bytes | None:
        """The next response's content when it is a blob, else None (missing, or another
        type of object, read past all the same): what a reader of entry files needs, without
        a ``GitObject`` and its decoded names for each (replay reads one per statement).
        :class:`TooLarge` (this reader closed) for one over ``limit``."""
        header = self._batch.readline().split(b" ")
        if len(header) != 3:
            return None
        self._check_size(int(header[2]), limit)
        data = self._batch.read(int(header[2]) + 1)[:-1]
        return data if header[1] == b"blob" else None

    def _check_size(self, size: int, limit: int | None) -> None:
        # git names the size before the bytes: an object over the limit is never read. Its
        # bytes are still in the pipe, so this reader cannot answer again: it is closed.
        if limit is not None and size > limit:
            self.close()
            raise TooLarge(size)

    def get(self, name: str, limit: int | None = None) -> GitObject | None:
        self.request([name])
        return self.response(limit)

    def close(self) -> None:
        self._batch.close()


class TreeWriter:
    """``git mktree --batch -z --missing``: write a tree object, one round trip each.

    ``--missing`` skips looking up every entry's object: we only ever list objects we have just
    written or read, and without it a long-lived mktree misses objects that a concurrent repack
    moved into a new pack (it looks them up with git's "quick" flag, which does not rescan).
    """

    def __init__(self, git: Git):
        self._batch = Batch(git, ["mktree", "--batch", "-z", "--missing"])

    def write(self, records: Sequence[bytes]) -> str:
        if not records:
            raise ValueError("a ledger tree is never empty")
        self._batch.send(b"".join(records) + b"\x00")
        return self._batch.readline().decode()

    def close(self) -> None:
        self._batch.close()


# -- fetch and push, with their progress --------------------------------------------------------


class Progress(Protocol):
    """What a fetch or a push reports while it runs: git's own counts for each stage
    (``receiving objects``, ``resolving deltas``, ``writing objects``...), ``total`` None while
    git does not know it. Called from GitPython's reader thread, never after :func:`transfer`
    returns."""

    def update(self, stage: str, done: int, total: int | None) -> None: ...


class Quiet:
    """A progress that shows nothing: ``sync`` and ``clone`` when stderr is not a terminal."""

    def update(self, stage: str, done: int, total: int | None) -> None:
        pass


# GitPython's own settings (GIT_PYTHON_TRACE...): git never reads them.
_GITPYTHON_PREFIX = "GIT_PYTHON_"


def transfer(git_dir: Path, args: Sequence[str], *, progress: Progress | None = None) -> str:
    """``git <args>``, a fetch or a push: its standard output, or :class:`GitError` (with git's
    stdout and stderr) when it fails.

    With ``progress``, git is asked for its progress meter and GitPython reads it for
    ``progress``. Without one, or when the caller's environment holds git variables that
    :func:`environment` drops (a git hook's ``GIT_INDEX_FILE``...), it runs quietly as plain
    git: GitPython starts git with the caller's whole environment plus its own, and cannot
    leave a variable out. Either way the outcome is the same."""
    command, *rest = args
    if progress is None or any(
        not _kept(key) and not key.startswith(_GITPYTHON_PREFIX) for key in os.environ
    ):
        done = Git(git_dir).run([command, "--quiet", *rest])
        return done.stdout.decode("utf-8", "replace")
    return _reporting(git_dir, [command, "--progress", *rest], progress)


def _reporting(git_dir: Path, args: list[str], progress: Progress) -> str:
    try:
        # Here, not at the top of the module: importing GitPython costs ~40 ms.
        from git.cmd import Git as Runner
        from git.cmd import handle_process_output
        from git.exc import GitCommandError, GitCommandNotFound
    except ImportError as e:  # GitPython checks on import that it can run git
        raise GitMissing(
            "cannot run git through GitPython", hint="install git (2.36 or newer)"
        ) from e
    meter = _meter(progress)
    out: list[str] = []
    try:
        process = Runner(str(git_dir)).execute(
            ["git", *_OPTIONS, *args],
            as_process=True,
            env=environment(git_dir),
            # git redraws its meter after a carriage return: text mode reads each redraw as a
            # line. A remote's message that is not UTF-8 must not stop GitPython's reader.
            universal_newlines=True,
            errors="replace",
        )
    except GitCommandNotFound as e:
        raise GitMissing("cannot run git", hint="install git (2.36 or newer)") from e
    handle_process_output(
        process, out.append, meter.new_message_handler(), finalizer=None, decode_streams=False
    )
    stdout = "".join(out)
    stderr = "\n".join([*meter.error_lines, *meter.other_lines])
    try:
        process.wait(stderr=stderr)
    except GitCommandError as e:
        code = e.status if isinstance(e.status, int) else 1
        raise GitError(args, code, stderr, stdout) from e
    return stdout


def _meter(progress: Progress) -> RemoteProgress:
    """GitPython's parser of git's progress meter, passing each stage's counts to
    ``progress``."""
    from git.util import RemoteProgress

    stages = {
        RemoteProgress.COUNTING: "counting objects",
        RemoteProgress.COMPRESSING: "compressing objects",
        RemoteProgress.WRITING: "writing objects",
        RemoteProgress.RECEIVING: "receiving objects",
        RemoteProgress.RESOLVING: "resolving deltas",
        RemoteProgress.FINDING_SOURCES: "finding sources",
        RemoteProgress.CHECKING_OUT: "checking out files",
    }

    class Meter(RemoteProgress):
        showing = True

        def update(
            self,
            op_code: int,
            cur_count: str | float,
            max_count: str | float | None = None,
            message: str = "",
        ) -> None:
            stage = stages.get(op_code & RemoteProgress.OP_MASK)
            if stage is None or not self.showing:
                return
            total = int(float(max_count)) if max_count else None
            try:
                progress.update(stage, int(float(cur_count or 0)), total)
            except Exception:
                # A display that fails must not fail the transfer, nor print a traceback from
                # GitPython's reader thread: it stops showing.
                self.showing = False

    return Meter()
