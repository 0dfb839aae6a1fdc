"""The files ``approval check`` looks at: in a git work tree, what git would publish (tracked and
untracked files, ``.gitignore`` honoured) or what is staged; elsewhere, every file under a
directory. ``.approvalignore`` files are honoured in both.

This talks to the *user's* repository, so unlike the ledger's git wrapper it keeps the caller's
environment: a pre-commit hook runs with ``GIT_DIR`` and ``GIT_INDEX_FILE`` set (a partial commit
stages into a temporary index), and ``--staged`` must read exactly that index.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from approval.errors import UsageError
from approval.workflow.ignore import FILE_NAME, Matcher, parse

_LS_FILES = (
    *("--literal-pathspecs", "ls-files", "--cached", "--others", "--exclude-standard"),
    *("-z", "--full-name", "--"),
)
# Added, copied, modified or type-changed: what a commit would add (a rename is an addition).
_DIFF_STAGED = (
    *("--literal-pathspecs", "diff", "--cached", "--raw", "-z", "--no-renames"),
    *("--diff-filter=ACMT", "--"),
)
# Directories that hold a tool's state, not content anyone publishes (as the scanner's walk).
SKIP_DIRS = frozenset({".git", ".hg", ".svn"})
# Modes of index entries that are not regular files: symbolic links and submodules.
_NOT_FILES = frozenset({"120000", "160000"})


def git(args: Sequence[str], cwd: Path, *, input: bytes | None = None) -> bytes:
    """The standard output of ``git <args>`` run in ``cwd``; ``UsageError`` on failure."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, check=False
        )
    except OSError as e:
        raise UsageError(f"cannot run git: {e.strerror}", hint="install git") from e
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        command = next((a for a in args if not a.startswith("-")), "")
        raise UsageError(f"git {command} failed: {reason[-1] if reason else done.returncode}")
    return done.stdout


def toplevel(directory: Path) -> Path | None:
    """The root of the git work tree holding ``directory``, or None outside one."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(os.fsdecode(done.stdout.strip()))


@dataclass(frozen=True)
class Listed:
    """The files to check and how many ``.approvalignore`` left out."""

    files: tuple[str, ...]  # as shown: relative to the current directory where below it
    ignored: int


def list_files(paths: Sequence[Path]) -> Listed:
    """Every file under ``paths``, as git would publish them inside a work tree."""
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    files: list[str] = []
    ignored = 0
    for path in paths:
        start = path if path.is_dir() else path.parent
        top = toplevel(start)
        # (as shown, relative to the root whose .approvalignore files apply): string work only,
        # since resolving 5,000 paths costs more than checking them from the cache.
        if top is None:
            root = start
            found = [(f, Path(os.path.relpath(f, root)).as_posix()) for f in _walk(path)]
        elif not _is_top(top, path) and _ignored_by_git(top, path):
            # Named on purpose though git ignores it (a build output, say): what is published
            # from there is checked, all of it, with .approvalignore only.
            root = top
            base = path.resolve()
            found = [
                (f, Path(os.path.relpath(base / os.path.relpath(f, path), top)).as_posix())
                for f in _walk(path)
            ]
        else:
            root = top
            found = _git_files(top, path)
        matcher = _matcher(root, [relative for _, relative in found], _read_file)
        if not matcher:  # no .approvalignore (the usual case): nothing to match 5,000 times
            files += [shown for shown, _ in found]
            continue
        for shown, relative in found:
            if matcher.ignored(relative):
                ignored += 1
            else:
                files.append(shown)
    return Listed(tuple(dict.fromkeys(files)), ignored)


def _is_top(top: Path, path: Path) -> bool:
    """Whether ``path`` is the work tree's root, which git never ignores (one git run saved)."""
    try:
        return path.resolve() == top.resolve()
    except OSError:
        return False


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _walk(path: Path) -> Iterator[str]:
    if not path.is_dir():
        yield str(path)
        return
    for root, dirs, names in os.walk(path):
        # A git directory (a bare ledger, a submodule's) holds objects, not content to publish.
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _is_git_dir(Path(root) / d))
        for name in sorted(names):
            yield os.path.join(root, name)  # noqa: PTH118 - strings: see list_files


def _git_files(top: Path, path: Path) -> list[tuple[str, str]]:
    """Tracked and untracked, not ignored, files under ``path`` (``.gitignore`` honoured):
    each as shown (relative to the current directory when below it) and relative to ``top``."""
    out = git([*_LS_FILES, str(path.resolve())], top)
    here = os.path.join(Path.cwd().resolve(), "")  # noqa: PTH118 - strings: see list_files
    base = os.path.join(top, "")  # noqa: PTH118
    # Deleted but still tracked, or a submodule: the caller skips what is not a file. Decoded
    # at once (a NUL is never part of a UTF-8 sequence, so splitting after decoding is the same).
    names = [name for name in dict.fromkeys(os.fsdecode(out).split("\0")) if name]
    if base.startswith(here):  # the usual case: every file is below the current directory
        prefix = base[len(here) :]
        return [(prefix + name, name) for name in names]
    files = []
    for name in names:
        absolute = base + name
        files.append((absolute[len(here) :] if absolute.startswith(here) else absolute, name))
    return files


def _ignored_by_git(top: Path, path: Path) -> bool:
    """Whether git ignores ``path`` itself (``.gitignore``, ``info/exclude``...)."""
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-q", str(path.resolve())],
            cwd=top,
            capture_output=True,
            check=False,
        )
    except OSError:
        return False
    return done.returncode == 0


def _read_file(path: Path) -> str | None:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return None


def _matcher(root: Path, relatives: Sequence[str], read: Callable[[Path], str | None]) -> Matcher:
    """The ``.approvalignore`` patterns that apply to files (``/``-separated, relative to
    ``root``): the files in ``root`` and every directory between it and them, shallower first."""
    directories = _directories(relatives)
    matcher = Matcher()
    for directory in sorted(directories, key=lambda d: (d.count("/") + bool(d), d)):
        text = read(root / directory / FILE_NAME if directory else root / FILE_NAME)
        if text is not None:
            matcher.add(parse(text, directory))
    return matcher


def _directories(relatives: Sequence[str]) -> set[str]:
    """The directories holding ``relatives`` (``/``-separated) and every one above them, the
    root as "": each file's own directory first, then the ancestors of each directory once
    (thousands of files share a few directories)."""
    directories = {""}
    for parent in {relative.rpartition("/")[0] for relative in relatives}:
        while parent and parent not in directories:
            directories.add(parent)
            parent = parent.rpartition("/")[0]
    return directories


# -- the index (--staged) -------------------------------------------------------------------


@dataclass(frozen=True)
class StagedFile:
    path: str  # relative to the work tree's root, "/"-separated
    blob: str  # the staged content's object id


@dataclass(frozen=True)
class StagedList:
    root: Path
    files: tuple[StagedFile, ...]
    ignored: int


def list_staged(paths: Sequence[Path], cwd: Path | None = None) -> StagedList:
    """Without ``paths``: the files a commit would add or change, as staged. With ``paths``
    (what pre-commit passes): the staged content of every file under them, changed or not, so
    that ``pre-commit run --all-files`` checks every file."""
    here = cwd or Path.cwd()
    top = toplevel(here)
    if top is None:
        raise UsageError("--staged needs a git work tree", hint="run it inside the repository")
    staged = _index_entries(top, paths) if paths else _staged_changes(top)
    reader = BlobReader(top)
    try:
        matcher = _staged_matcher(top, staged, reader)
    finally:
        reader.close()
    kept = [f for f in staged if not (matcher and matcher.ignored(f.path))]
    return StagedList(top, tuple(kept), len(staged) - len(kept))


def _staged_changes(top: Path) -> list[StagedFile]:
    fields = git(list(_DIFF_STAGED), top).split(b"\0")
    staged: list[StagedFile] = []
    for header, name in zip(fields[0::2], fields[1::2], strict=False):
        parts = header.decode().split()
        if len(parts) < 5 or not header.startswith(b":"):
            continue
        mode, blob = parts[1], parts[3]
        if mode not in _NOT_FILES:
            staged.append(StagedFile(os.fsdecode(name), blob))
    return staged


def _index_entries(top: Path, paths: Sequence[Path]) -> list[StagedFile]:
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    specs = [str(p.resolve()) for p in paths]
    out = git(
        ["--literal-pathspecs", "ls-files", "--stage", "-z", "--full-name", "--", *specs], top
    )
    staged: list[StagedFile] = []
    for line in out.split(b"\0"):
        info, _, name = line.partition(b"\t")
        parts = info.decode().split()
        # "<mode> <object> <stage>": stage 0 is the entry a commit takes (others: a conflict).
        if len(parts) == 3 and parts[2] == "0" and parts[0] not in _NOT_FILES:
            staged.append(StagedFile(os.fsdecode(name), parts[1]))
    return staged


def _staged_matcher(top: Path, files: Sequence[StagedFile], reader: BlobReader) -> Matcher:
    """``.approvalignore`` as staged: the committed gate must not depend on an unstaged edit."""
    directories = _directories([file.path for file in files])
    matcher = Matcher()
    for directory in sorted(directories, key=lambda d: (d.count("/") + bool(d), d)):
        name = f"{directory}/{FILE_NAME}" if directory else FILE_NAME
        data = reader.read(f":{name}")
        if data is not None:
            matcher.add(parse(data.decode("utf-8", "replace"), directory))
    return matcher


class BlobReader:
    """One ``git cat-file --batch`` for the staged contents."""

    def __init__(self, top: Path):
        self._process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def read(self, name: str) -> bytes | None:
        """The content of object ``name`` (an id, or ``:path`` for the index), or None."""
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(name.encode() + b"\n")
        process.stdin.flush()
        header = process.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            if len(header) == 3:  # not a blob: skip its content
                process.stdout.read(int(header[2]) + 1)
            return None
        data = process.stdout.read(int(header[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        if self._process.stdout:
            self._process.stdout.close()
        self._process.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
