"""The files ``approval check`` looks at: in a git work tree, what git would publish (tracked and
untracked files, ``.gitignore`` honoured) or what is staged; elsewhere, every file under a
directory. ``.approvalignore`` files are honoured in both.

What git ignores (``.gitignore``, ``.git/info/exclude``, the user's ``core.excludesFile``) is
not checked by default, so that a repository's ``.venv`` or ``node_modules`` is not scanned in
every CI run, but it is named (``Listed.git_ignored``: each ignored file, or an ignored
directory once, as ``git status --ignored`` shows it): a web server serving a checkout serves
those files too. ``include_ignored`` checks them as any other file (a web root deployed as a
git checkout, a build output directory). Whatever rule leaves a file out (git's, from any
source, or ``.approvalignore``), the file is still listed with that rule
(``Listed.left_out_files``): ``approval check`` scans it, and one holding protected data blocks.

What a web server serving the tree would find is found too (nginx, Apache with FollowSymLinks,
``rsync -L``, ``aws s3 sync`` and CI checkouts with submodules all publish it):

- symbolic links to files and directories are followed, wherever they lead; a link that leaves
  the checked tree is named as such; a directory reached twice (a loop of links) is walked once,
  by its (device, inode); a link that cannot be resolved here (dangling, a loop of links) is
  blocked, since it may resolve where the tree is published;
- a submodule's work tree is listed as git lists it there; one that is not checked out (a
  clone without ``--recursive``) by the files of the commit it pins, read from git's objects
  (``_Found.pinned``), or blocked when that commit is not here; a repository nested in the work
  tree that is not a submodule is walked as a server would walk it;
- a repository inside the tree (a ``.git``, ``.hg`` or ``.svn`` directory, a bare git
  repository such as a ledger or a backup) is content a server would serve: it is refused as a
  whole ("a version-control repository inside the published tree"), unless ``.approvalignore``
  leaves it out. Only the work tree's own ``.git``, which git never publishes, is not: it is
  named as skipped. A directory that cannot be read is refused (fail closed).

Nothing is left out silently: every skipped path is named with its reason (``Listed``).

Git's listing is not taken as complete (finding G1): git leaves out, without an error, a
``.git`` file or a directory named ``.git`` anywhere, and a directory it cannot open (it warns
and exits 0; the warning is a refusal too). After git's listing, ``_Found._reconcile`` walks the
checked directory again: whatever on disk git did not account for (tracked, untracked, ignored,
the work tree's own ``.git``, a submodule) is found as a server finds it, scanned or refused.
What git ignores is walked the same way (``_Found._ignored``): its links followed, what cannot be
read refused. ``git archive`` rewrites files with the ``export-subst`` attribute: one holding a
``$Format:`` placeholder is refused (``SUBSTITUTED``). ``--staged`` reads a staged submodule's
files at the staged commit in its own repository, or refuses it (``unread_submodule``).
Git publishes what it holds, not what the work tree shows: a tracked file missing from the work
tree (a sparse checkout) or marked skip-worktree or assume-unchanged is checked from its index
and HEAD blobs (``_Found.committed_copies``); and a staged ``.gitattributes`` changes how files
committed earlier leave, so ``list_staged`` then takes every file under its directory.

This talks to the *user's* repository, so unlike the ledger's git wrapper it keeps the caller's
environment: a pre-commit hook runs with ``GIT_DIR`` and ``GIT_INDEX_FILE`` set (a partial commit
stages into a temporary index), and ``--staged`` must read exactly that index.

The checked tree is not trusted, its repository's configuration included (finding
f_planted_git): whoever can write to a web root or an upload directory can put a ``.git`` there.

- Every git command runs through ``_command``: no ``core.fsmonitor`` (git runs it as a shell
  command on any index read), no hooks, no external diff or textconv, no pager, no transport
  (``protocol.allow=never``, and ``protocol.<name>.allow=never`` for each transport, which a
  repository's own ``protocol.ext.allow=always`` would otherwise outrank: a partial clone's lazy
  fetch of a missing blob runs the repository's ``remote.<name>.uploadpack``,
  ``core.sshCommand`` or an ``ext::`` remote), no prompt. Git's own
  guard, ``safe.directory``, stops a repository owned by another user; these stop one owned by
  the same user. System and global configuration are kept: the user's and the administrator's,
  not the tree's (``git lfs install`` writes there).
- A clean filter is a command too: ``--staged`` runs one only when the filter's commands are
  defined outside the checked repository (global, system or ``-c``); one that the repository's
  own configuration defines or redefines is not run, and its file is blocked
  (``filter_defined_outside``).
- A work tree's ignore rules decide what is left out only in the *user's checkout*: the work
  tree the command runs in (the one holding the current directory, as git itself finds it). A
  directory in another work tree (``approval check /srv/www`` from elsewhere, where a ``.git``
  may have been planted) is walked as a plain directory, every file checked, its ``.git``
  blocked (``FOREIGN_REPOSITORY``). A repository nested in the checkout that is not one of its
  submodules is walked the same way. And a checked directory under which files were left out
  but none was checked is blocked (``nothing_checked``): ignore rules alone never turn the gate
  off. Nor do they hide a file: every left-out file is still scanned (``left_out_files``).
- A link that cannot be resolved here (dangling, a loop) is blocked: it may resolve where the
  tree is published (a git-ignored target, an absolute path on the deploy host). A staged link
  is checked through the work tree when it resolves inside the checkout, and blocked otherwise
  (``staged_link``). ``.approvalignore`` is the explicit way to leave one out.
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import re
import stat
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from approval.errors import UsageError
from approval.files.ignore import FILE_NAME, Matcher, parse

_LS_FILES = (
    # -v: each name after a tag, lower case for an assume-unchanged entry, "S" skip-worktree.
    *("--literal-pathspecs", "ls-files", "-v", "--cached", "--others", "--exclude-standard"),
    *("-z", "--full-name", "--"),
)
# Everything, git-ignored files included (``--include-ignored``): without --exclude-standard.
_LS_ALL = tuple(a for a in _LS_FILES if a != "--exclude-standard")
# What git ignores, an ignored directory once ("uploads/"), as ``git status --ignored`` shows it.
_LS_IGNORED = (
    *("--literal-pathspecs", "ls-files", "--others", "--ignored", "--exclude-standard"),
    *("--directory", "-z", "--full-name", "--"),
)
# Added, copied, modified or type-changed: what a commit would add (a rename is an addition).
_DIFF_STAGED = (
    *("--literal-pathspecs", "diff", "--cached", "--raw", "--no-abbrev", "-z", "--no-renames"),
    *("--no-ext-diff", "--no-textconv", "--diff-filter=ACMT", "--"),
)
# A symbolic link, staged as one: its blob is the link's text (``staged_link``).
LINK_MODE = "120000"
# Modes of index entries that are not regular files, and why they are not checked as staged.
_NOT_FILES = {
    "160000": "a submodule: its files are checked in its own repository",  # see list_staged
}


# Settings that make a git command on the checked tree run nothing from that tree's
# configuration (see the module doc). ``-c`` outranks every configuration file.
_SAFE_CONFIG = (
    *("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"),
    *("-c", "protocol.allow=never", "-c", "core.pager=cat"),
    *("-c", "core.askPass=", "-c", "credential.helper=", "-c", "gc.auto=0"),
    *("-c", "maintenance.auto=false", "-c", "core.untrackedCache=false"),
    # protocol.allow is only the default: a repository's own protocol.<name>.allow=always
    # (``ext::``, which runs any command) outranks it. Each transport is forbidden by name.
    *(
        a
        for name in ("ext", "fd", "file", "git", "ssh", "http", "https", "ftp", "ftps")
        for a in ("-c", f"protocol.{name}.allow=never")
    ),
)
# GIT_NO_LAZY_FETCH, where git honours it (2.44, and backported to older maintenance releases
# such as 2.39.5): a missing object is missing, never fetched; elsewhere the protocol settings
# above hold a lazy fetch. GIT_OPTIONAL_LOCKS: nothing is written back.
# GIT_LITERAL_PATHSPECS: a hook run by ``git --literal-pathspecs commit`` (magit commits so)
# inherits it set, which would make ``:(glob)`` and ``:(attr:...)`` match nothing, passing
# what they look for; where a name must be taken literally, --literal-pathspecs says so.
# GIT_NO_REPLACE_OBJECTS: a ``refs/replace`` ref (``git replace``) shows other objects in place
# of the ones a push sends and a forge serves: the objects themselves are read.
_SAFE_ENVIRONMENT = {
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_LITERAL_PATHSPECS": "0",
}


def _command(args: Sequence[str]) -> list[str]:
    """``git <args>`` as every command on the checked tree runs: see ``_SAFE_CONFIG``."""
    return ["git", *_SAFE_CONFIG, *args]


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    """``env`` (None: the caller's, as a hook sets it) with ``_SAFE_ENVIRONMENT``."""
    return {**(os.environ if env is None else env), **_SAFE_ENVIRONMENT}


def git(
    args: Sequence[str],
    cwd: Path,
    *,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
) -> bytes:
    """The standard output of ``git <args>`` run in ``cwd``; ``UsageError`` on failure.
    ``env``: the environment (None: the caller's, as a hook sets it)."""
    return _git_warned(args, cwd, input=input, env=env)[0]


def _git_warned(
    args: Sequence[str],
    cwd: Path,
    *,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
) -> tuple[bytes, bytes]:
    """``git``, with the standard error too: what git warns about and still exits 0 on."""
    try:
        done = _completed(args, cwd, env, input)
    except OSError as e:
        raise UsageError(f"cannot run git: {e.strerror}", hint="install git") from e
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        command = next((a for a in args if not a.startswith("-")), "")
        raise UsageError(f"git {command} failed: {reason[-1] if reason else done.returncode}")
    return done.stdout, done.stderr


def _succeeds(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None, input: bytes | None = None
) -> bytes | None:
    """The standard output of ``git <args>``, or None when it fails or cannot run."""
    try:
        done = _completed(args, cwd, env, input)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _completed(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None, input: bytes | None
) -> subprocess.CompletedProcess[bytes]:
    """``git <args>`` run in ``cwd`` with the safe configuration (``_command``) and
    environment (``_environment``), its output captured; ``OSError`` when git cannot run."""
    return subprocess.run(
        _command(args), cwd=cwd, input=input, capture_output=True, check=False,
        env=_environment(env),
    )  # fmt: skip


def toplevel(directory: Path, env: dict[str, str] | None = None) -> Path | None:
    """The root of the git work tree holding ``directory``, or None outside one (or in one git
    refuses: another user's, by ``safe.directory``)."""
    out = _succeeds(["rev-parse", "--show-toplevel"], directory, env)
    if out is None or not out.strip():
        return None
    return Path(os.fsdecode(out.strip()))


@dataclass(frozen=True)
class Note:
    """Something under the checked paths that is not a file checked as such, and why."""

    path: str  # as shown
    reason: str
    # What a refused thing is, when its reason's words do not say (``Checked.refused``): the
    # report's ``format``, which picks the hint. Not in the JSON of skipped and outside notes.
    kind: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


# Why a thing is blocked without a scan, or not checked at all: words shown to people.
REPOSITORY = "a version-control repository inside the published tree"
UNREADABLE = "cannot read this directory: what the gate cannot read, it blocks"
# A link that does not resolve here may resolve where the tree is published (a git-ignored
# target, an absolute path on the deploy host, which ``rsync -L`` or nginx then serves).
UNRESOLVED = "unresolved-link"  # its kind (``Note.kind``), which picks the hint
LINK_LOOP = "a loop of links that cannot be resolved here"
# A git work tree the check does not run in: not the user's checkout (a planted ``.git``).
FOREIGN_REPOSITORY = (
    "a git repository this check does not run in: its ignore rules are not used, and its "
    ".git is content a server would serve"
)
# A checked directory under which files were left out (by git's ignore rules, by
# .approvalignore) and none checked: ignore rules alone never turn the gate off.
LEFT_OUT = "left-out"  # its kind
OWN_REPOSITORY = "the work tree's own repository: git does not publish it"
# A submodule the work tree does not hold (a clone without --recursive, a deinit): a deploy
# that recurses (``git clone --recursive``, GitHub Pages) publishes the files of the commit it
# pins, which are checked from git's objects (``_Found.pinned``), or blocked when not here.
UNREAD_SUBMODULE = "unread-submodule"  # the kind of that refusal, which picks the hint


def submodule_not_here(commit: str) -> str:
    """Why a submodule whose pinned ``commit`` cannot be read here is blocked."""
    return (
        f"a submodule that is not checked out: its commit {commit[:12]} cannot be read here; "
        "check it out (git submodule update --init) or leave it out with .approvalignore"
    )


GONE = "tracked, but not in the work tree: nothing to publish"
# What a tracked file checked from its blobs is (``_Found.committed_copies``): git publishes
# what it holds, not what the work tree does.
NOT_CHECKED_OUT = "not in the work tree (or marked skip-worktree or assume-unchanged)"
COMMITTED = "committed"  # the kind of a refusal to pass a blob that cannot be read


@dataclass(frozen=True)
class Committed:
    """The bytes git holds for a tracked file the work tree does not show
    (``_Found.committed_copies``): from its index entry, or HEAD's where that differs."""

    path: str  # as shown
    source: str  # "index" or "HEAD"
    data: bytes

    @property
    def shown(self) -> str:
        """The path with where the bytes came from."""
        return f"{self.path} ({self.source})"


SPECIAL = "not a regular file (a pipe, a device or a socket): never opened, blocked"


def dangling(target: str) -> str:
    """Why a link whose target is not here is blocked (``target``: the link's text)."""
    return f"a link to {target} that cannot be read here"


def nothing_checked(git_ignored: int, left_out: int) -> str:
    """Why a checked path under which every file was left out is blocked."""
    by = [f"{git_ignored} ignored by git"] if git_ignored else []
    by += [f"{left_out} left out by .approvalignore"] if left_out else []
    return f"nothing in this directory was checked: every file is left out ({', '.join(by)})"


# A web server publishes these as any directory: .svn keeps a pristine copy of every file.
VCS_DIRS = frozenset({".git", ".hg", ".svn"})
# What a bare git repository holds (a ledger, a backup, a mirror): its objects are content.
_GIT_DIR_NAMES = frozenset({"HEAD", "objects", "refs"})


@dataclass(frozen=True)
class Listed:
    """What is under the checked paths, as a web server serving them would find it."""

    files: tuple[str, ...]  # to check; as shown: relative to the current directory where below it
    ignored: tuple[str, ...] = ()  # left out by .approvalignore
    refused: tuple[Note, ...] = ()  # blocked without a scan: repositories, unreadable directories
    skipped: tuple[Note, ...] = ()  # not checked, and not blocking: dangling links, loops...
    outside: tuple[Note, ...] = ()  # links that leave the checked tree (what they reach is checked)
    # Left out because git ignores them (not with include_ignored): a directory ends in "/".
    git_ignored: tuple[str, ...] = ()
    # Every regular file left out (by git's ignore rules or .approvalignore), as shown, with
    # the rule that left it out: a web server serves it all the same, so it is still scanned.
    left_out_files: tuple[tuple[str, str], ...] = ()
    # Tracked files not in the work tree, or marked skip-worktree or assume-unchanged: checked
    # from git's blobs (``_Found.committed_copies``), whatever .approvalignore says.
    committed: tuple[Committed, ...] = ()


class _Found:
    """What one checked path holds: each file as (shown, relative to ``root``), and notes;
    directories already walked, by (device, inode), so that a loop of links ends."""

    def __init__(self, root: Path, checked: str, include_ignored: bool = False):
        self.root = root  # where .approvalignore files apply from
        self.include_ignored = include_ignored
        self.git_ignored: list[str] = []
        self.left_out_files: list[tuple[str, str]] = []  # (shown, the rule): git-ignored ones
        self.inside = os.path.join(os.path.realpath(checked), "")  # noqa: PTH118
        self.files: list[tuple[str, str]] = []
        self.refused: list[tuple[Note, str]] = []  # with the path relative to root
        self.skipped: list[Note] = []
        self.outside: list[Note] = []
        self.committed: list[Committed] = []  # tracked files checked from git's blobs
        self.seen: dict[tuple[int, int], str] = {}
        # The real path of a ``.git`` that is not the user's checkout's (``FOREIGN_REPOSITORY``)
        self.foreign = ""
        # Whether a repository found in a walk is refused as a whole (else walked as files)
        self.repositories = True

    # -- a directory as a web server walks it: every entry, links followed ------------------

    def walk(self, shown: str, relative: str) -> None:
        try:
            info = os.stat(shown)  # noqa: PTH116 - strings: see list_files
        except OSError:
            self.refused.append((Note(shown, UNREADABLE), relative))
            return
        key = (info.st_dev, info.st_ino)
        if key in self.seen:
            same = f"the same directory as {self.seen[key]}: checked there"
            self.skipped.append(Note(shown, same))
            return
        self.seen[key] = shown
        try:
            with os.scandir(shown) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            self.refused.append((Note(shown, UNREADABLE), relative))
            return
        head = os.path.join(shown, "HEAD")  # noqa: PTH118
        if (
            self.repositories
            and {e.name for e in entries} >= _GIT_DIR_NAMES
            and os.path.isfile(head)  # noqa: PTH113
        ):
            self.refused.append((Note(shown, REPOSITORY), relative))
            return
        prefix = f"{relative}/" if relative else ""
        for entry in entries:
            path, below = entry.path, prefix + entry.name
            try:
                if entry.is_symlink():
                    self.link(path, below)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in VCS_DIRS and self.repositories:
                        self.refused.append((Note(path, self._repository(path)), below))
                    else:
                        self.walk(path, below)
                elif entry.is_file(follow_symlinks=False):
                    self.files.append((path, below))
                else:  # never opened: opening a device can do things
                    self.refused.append((Note(path, SPECIAL), below))
            except OSError:
                self.refused.append((Note(path, UNREADABLE), below))

    def _repository(self, path: str) -> str:
        """Why the repository directory ``path`` is refused."""
        if self.foreign and os.path.realpath(path) == self.foreign:
            return FOREIGN_REPOSITORY
        return REPOSITORY

    def link(self, shown: str, relative: str) -> None:
        """A symbolic link, followed as a web server follows it; one that cannot be resolved
        here is blocked (it may resolve where the tree is published)."""
        try:
            info = os.stat(shown)  # noqa: PTH116
        except (FileNotFoundError, NotADirectoryError):
            self.refused.append((Note(shown, dangling(_link_text(shown)), UNRESOLVED), relative))
            return
        except OSError as e:
            if e.errno == errno.ELOOP:
                self.refused.append((Note(shown, LINK_LOOP, UNRESOLVED), relative))
            else:
                self.refused.append((Note(shown, f"cannot follow this link: {_why(e)}"), relative))
            return
        target = os.path.realpath(shown)
        below = os.path.join(target, "")  # noqa: PTH118
        if not below.startswith(self.inside):
            if self.inside.startswith(below):
                # "/" or a parent of the tree: the server would publish all that is under it,
                # the checked tree with it. Refused as a whole rather than walked for hours.
                why = f"a link to {target}, which holds the checked tree: it publishes all of it"
                self.refused.append((Note(shown, why), relative))
                return
            self.outside.append(Note(shown, f"-> {target}: outside the checked tree"))
        if stat.S_ISDIR(info.st_mode):
            self.walk(shown, relative)
        elif stat.S_ISREG(info.st_mode):
            self.files.append((shown, relative))
        else:
            self.refused.append((Note(shown, SPECIAL), relative))

    # -- a git work tree: what git would publish -------------------------------------------

    def work_tree(
        self,
        top: Path,
        path: Path,
        relative: str,
        shown_top: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        """The files git lists under ``path`` in the work tree ``top`` (``relative``: ``top``
        relative to ``root``; ``env``: git's environment, None for the caller's); links,
        submodules and nested repositories followed."""
        listed, unopened, flagged = _git_files(
            top, path, env, shown_top, everything=self.include_ignored
        )
        prefix = f"{relative}/" if relative else ""
        # What git accounted for (listed, or an ignored or nested-repository directory once):
        # anything else on disk under ``path`` is found by ``_reconcile``.
        accounted = {name.rstrip("/") for _, name in listed}
        if not self.include_ignored:
            ignored, more = _git_ignored(top, path, env, shown_top)
            unopened += more
            self.git_ignored += [shown for shown, _ in ignored]
            self._ignored(top, ignored, env, prefix)
            accounted.update(name.rstrip("/") for _, name in ignored)
        for shown, name in unopened:  # git warned, and exited 0: nothing under it was listed
            self.refused.append((Note(shown.rstrip("/"), UNREADABLE), prefix + name.rstrip("/")))
        if (key := _key(top)) not in self.seen:
            self.seen[key] = shown_top or _shown_path(top)
        lstat = os.lstat
        regular: list[tuple[str, str]] = []  # (shown, name): what ``git archive`` may rewrite
        absent: list[tuple[str, str, str]] = []  # (shown, name, below): read from the index
        for shown, name in listed:
            below = prefix + name.rstrip("/")
            if name.endswith("/"):  # an untracked directory git does not enter: a repository
                self.walk(shown.rstrip("/"), below)  # not the checkout's: as a server finds it
                continue
            if name in flagged:  # the work tree is not what git publishes: the index is
                absent.append((shown, name, below))
            try:
                mode = lstat(shown).st_mode
            except FileNotFoundError:
                if name not in flagged:
                    absent.append((shown, name, below))
                continue
            except OSError as e:
                self.refused.append((Note(shown, f"cannot read: {_why(e)}"), below))
                continue
            if stat.S_ISREG(mode):
                self.files.append((shown, below))
                regular.append((shown, name))
            elif stat.S_ISLNK(mode):
                self.link(shown, below)
            elif stat.S_ISDIR(mode):  # a submodule
                if not self.submodule(top, env, shown, below):
                    absent.append((shown, name, below))  # not checked out: its pinned commit
            else:
                self.refused.append((Note(shown, SPECIAL), below))
        self._substituted(top, regular, env)
        if absent:
            self.committed_copies(top, absent, env)
        self._reconcile(top, path, prefix, shown_top, accounted)
        self._bare_repositories()

    def committed_copies(
        self, top: Path, entries: Sequence[tuple[str, str, str]], env: dict[str, str] | None
    ) -> None:
        """Tracked files that are not in the work tree (a sparse checkout, a deletion not
        staged) or whose work-tree bytes git does not look at (skip-worktree,
        assume-unchanged): git publishes them all the same (push, ``git archive``). Each is
        checked from its index blob, and its HEAD blob where that differs, read with
        ``git cat-file`` (``committed``), shown with where the bytes came from; what cannot
        be read is refused. ``entries``: (shown, name relative to ``top``, relative to root)."""
        wanted = {name for _, name, _ in entries}
        index: dict[str, list[tuple[str, str]]] = {}
        out = git([*_LS_STAGE, "--", "."], top, env=env)
        for line in out.split(b"\0"):
            info, _, raw = line.partition(b"\t")
            parts = info.decode().split()
            if len(parts) == 3 and (name := os.fsdecode(raw)) in wanted:
                index.setdefault(name, []).append((parts[0], parts[1]))
        head: dict[str, tuple[str, str]] = {}
        tree = _succeeds(["ls-tree", "-r", "-z", "--full-tree", "HEAD"], top, env)
        for line in (tree or b"").split(b"\0"):
            info, _, raw = line.partition(b"\t")
            parts = info.decode().split()
            if len(parts) == 3 and (name := os.fsdecode(raw)) in wanted:
                head[name] = (parts[0], parts[2])
        marked = _tree_export_subst(top, env)
        modes = [m for e in index.values() for m, _ in e] + [m for m, _ in head.values()]
        # A submodule's commits are in its own repository (under .git/modules), if anywhere.
        objects = module_objects(top, env) if GITLINK_MODE in modes else ()
        with BlobReader(top, objects, env) as reader:
            for shown, name, below in entries:
                sources = [(mode, blob, "index") for mode, blob in index.get(name, [])]
                if name in head and head[name][1] not in {b for _, b, _ in sources}:
                    sources.append((*head[name], "HEAD"))
                if not sources:  # gone from the index since it was listed
                    self.skipped.append(Note(shown, GONE))
                for mode, blob, source in sources:
                    if mode == GITLINK_MODE:
                        self.pinned(top, env, reader, objects, shown, below, blob)
                        continue
                    self._committed_copy(reader, shown, below, name in marked, mode, blob, source)

    def pinned(
        self,
        top: Path,
        env: dict[str, str] | None,
        reader: BlobReader,
        objects: Sequence[str],
        shown: str,
        below: str,
        commit: str,
    ) -> None:
        """A submodule the work tree does not hold, pinned at ``commit``: a deploy that
        recurses publishes that commit's files, so each is checked from git's objects
        (``objects``: the submodules' object directories, which ``reader`` reads too), shown
        with the commit; a submodule within it likewise. Blocked when the commit cannot be
        read here (a clone without --recursive): nothing says what it publishes."""
        listing = pinned_tree(top, commit, env, objects)
        if listing is None:
            self.refused.append((Note(shown, submodule_not_here(commit), UNREAD_SUBMODULE), below))
            return
        source = f"submodule commit {commit[:12]}"
        for file in listing:
            where, inside = f"{shown}/{file.path}", f"{below}/{file.path}"
            if file.mode == GITLINK_MODE:
                self.pinned(top, env, reader, objects, where, inside, file.blob)
            elif file.mode == LINK_MODE:
                why = (
                    "a link in a submodule that is not checked out: what it reaches cannot be "
                    "read here"
                )
                self.refused.append((Note(f"{where} ({source})", why, UNRESOLVED), inside))
            else:
                self._committed_copy(reader, where, inside, False, file.mode, file.blob, source)

    def _committed_copy(
        self,
        reader: BlobReader,
        shown: str,
        below: str,
        substituted: bool,
        mode: str,
        blob: str,
        source: str,
    ) -> None:
        """One blob of a tracked file checked from git (``committed_copies``)."""
        where = f"{shown} ({source})"
        if mode == LINK_MODE:
            why = f"a link, tracked but {NOT_CHECKED_OUT}: what it reaches cannot be read here"
            self.refused.append((Note(where, why, UNRESOLVED), below))
            return
        data = reader.read(blob)
        if data is None:
            why = f"tracked but {NOT_CHECKED_OUT}, and its {source} content cannot be read"
            self.refused.append((Note(where, why, COMMITTED), below))
        elif is_lfs_pointer(data, len(data)):
            self.refused.append((Note(where, LFS_POINTER), below))
        elif substituted and _PLACEHOLDER in data:
            self.refused.append((Note(where, SUBSTITUTED, EXPORT_SUBST), below))
        else:
            self.committed.append(Committed(shown, source, data))

    def _substituted(
        self, top: Path, regular: Sequence[tuple[str, str]], env: dict[str, str] | None
    ) -> None:
        """Files that ``git archive`` rewrites (``export_subst``) and that hold a placeholder it
        fills in: refused, whatever .approvalignore says (what is published is not these
        bytes)."""
        marked = _tree_export_subst(top, env) if regular else set()
        if not marked:
            return
        refused = set()
        for shown, name in regular:
            if name in marked and _has_placeholder(shown):
                self.refused.append((Note(shown, SUBSTITUTED, EXPORT_SUBST), ""))
                refused.add(shown)
        self.files = [(s, r) for s, r in self.files if s not in refused]

    def _ignored(
        self, top: Path, ignored: Sequence[tuple[str, str]], env: dict[str, str] | None, prefix: str
    ) -> None:
        """What git ignores (``ignored``: as ``_git_ignored`` gives it, a directory once) is
        served all the same: each file found as a server finds it (links followed, directories
        walked) is a left-out file, with the rule that left it out; what cannot be read (an
        unreadable directory, a dangling link, a loop) is refused, as in any directory."""
        rules = _ignore_rules(top, ignored, env)
        for shown, name in ignored:
            rule = rules.get(name.rstrip("/"), "git's ignore rules")
            found = _Found(self.root, "/")
            found.inside, found.seen, found.foreign = self.inside, self.seen, self.foreign
            # What git ignores is scanned file by file, a repository's files too (a
            # .gitignore'd ledger's objects): git, which does not publish it, said what it is.
            found.repositories = False
            below = prefix + name.rstrip("/")
            if name.endswith("/"):
                found.walk(shown.rstrip("/"), below)
            else:
                found.entry(shown, below)
            self.left_out_files += [(where, rule) for where, _ in found.files]
            self.refused += found.refused
            self.skipped += found.skipped
            self.outside += found.outside

    def entry(self, shown: str, relative: str) -> None:
        """One thing that is not known to be a directory: a link followed, a file, a directory
        walked, or refused."""
        try:
            mode = os.lstat(shown).st_mode
        except FileNotFoundError:
            return  # gone since it was listed: nothing to publish
        except OSError as e:
            self.refused.append((Note(shown, f"cannot read: {_why(e)}"), relative))
            return
        if stat.S_ISLNK(mode):
            self.link(shown, relative)
        elif stat.S_ISREG(mode):
            self.files.append((shown, relative))
        elif stat.S_ISDIR(mode):
            self.walk(shown, relative)
        else:
            self.refused.append((Note(shown, SPECIAL), relative))

    def _reconcile(
        self, top: Path, path: Path, prefix: str, shown_top: str | None, accounted: set[str]
    ) -> None:
        """Git leaves things out without an error (a ``.git`` file or a directory named
        ``.git`` anywhere, a directory it cannot open): everything under ``path`` on disk that
        git did not account for (``accounted``: names relative to ``top``) is found as a server
        finds it, scanned or refused, never skipped. Only the work tree's own ``.git`` is not
        (``list_files`` names it)."""
        root = os.path.realpath(top)
        start = _unfollowed(path)
        name = "" if start == root else os.path.relpath(start, root)
        if name.startswith(".."):
            return  # not in this work tree: git listed nothing of it
        parts = Path(name).parts if name else ()
        if any("/".join(parts[: n + 1]) in accounted for n in range(len(parts))):
            return  # git listed it (or a directory holding it) as one: looked at already
        if name and (os.path.islink(start) or not os.path.isdir(start)):  # noqa: PTH112, PTH114
            if name not in accounted and os.path.lexists(start):
                self.entry(_as_shown(top, [name], shown_top)[0][0], prefix + name)
            return
        pending = [name]
        while pending:
            directory = pending.pop()
            try:
                with os.scandir(os.path.join(root, directory)) as listing:  # noqa: PTH118
                    entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in listing]
            except OSError:
                shown = _as_shown(top, [directory], shown_top)[0][0] if directory else str(path)
                self.refused.append((Note(shown, UNREADABLE), prefix + directory))
                continue
            for entry, is_dir in entries:
                below = f"{directory}/{entry}" if directory else entry
                if below in accounted or below == ".git":  # the work tree's own: see list_files
                    continue
                if is_dir and entry not in VCS_DIRS:
                    pending.append(below)
                    continue
                shown = _as_shown(top, [below], shown_top)[0][0]
                if is_dir:  # a repository git skips (any ".git"): content a server serves
                    self.refused.append((Note(shown, self._repository(shown)), prefix + below))
                else:
                    self.entry(shown, prefix + below)

    def submodule(
        self, owner: Path, owner_env: dict[str, str] | None, shown: str, relative: str
    ) -> bool:
        """A submodule of the work tree ``owner``: its work tree is published as git lists it
        there, when its ``.git`` is the pointer into ``owner``'s git directory that git makes;
        anything else there (a ``.git`` directory, a pointer elsewhere: a repository that is not
        the checkout's) is walked as a server would walk it, a git directory refused as
        content. False, and nothing done, when it is not checked out (an empty directory): the
        caller checks the commit it pins (``pinned``)."""
        git_dir = os.path.join(shown, ".git")  # noqa: PTH118
        if not os.path.lexists(git_dir):
            try:
                empty = not any(os.scandir(shown))
            except OSError:
                empty = False
            if empty:
                return False
            self.walk(shown, relative)  # not checked out by git: every file, as a server would
            return True
        if not _points_into(git_dir, _common_dir(owner, owner_env)):
            self.walk(shown, relative)
            return True
        top = Path(shown)
        # Asked about itself, never through the caller's GIT_DIR (a pre-commit hook sets it).
        env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARIABLES}
        found = toplevel(top, env)
        if found is None or not _same(found, top):
            self.walk(shown, relative)
            return True
        self.seen.setdefault(_key(top), shown)
        try:
            self.work_tree(top, top, relative, shown, env)
        except UsageError:
            self.walk(shown, relative)  # git cannot list it: every file, as a server would
        return True

    def _bare_repositories(self) -> None:
        """Repositories that git lists file by file (a bare one has no ``.git`` to stop it):
        each is refused once, and none of its files is checked as a file."""
        heads = [(s, r) for s, r in self.files if r == "HEAD" or r.endswith("/HEAD")]
        repositories = []
        for shown_head, head in heads:
            shown = shown_head[: -len("HEAD")] or "."
            if all(os.path.isdir(os.path.join(shown, d)) for d in ("objects", "refs")):  # noqa: PTH112, PTH118
                repositories.append((shown.rstrip("/") or ".", head[: -len("HEAD")]))
        for shown, directory in repositories:
            self.refused.append((Note(shown, REPOSITORY), directory.rstrip("/")))
            self.files = [(s, r) for s, r in self.files if not r.startswith(directory)]


# ``git archive`` (a common way to publish a site) fills in ``$Format:...$`` in a file with the
# export-subst attribute: the commit message (%B), notes (%N), names and mail addresses of its
# author and committer... Text no check reads, from whoever wrote the commit.
EXPORT_SUBST = "export-subst"  # the kind of its refusal, which picks the hint
SUBSTITUTED = (
    "export-subst: git archive fills in its $Format:...$ placeholder with commit data (a "
    "commit message, notes, names) that no check reads"
)
_PLACEHOLDER = b"$Format:"


def export_subst(top: Path, names: Sequence[str], env: dict[str, str] | None = None) -> set[str]:
    """Which of ``names`` (relative to the work tree ``top``) have the ``export-subst``
    attribute, by the work tree's attributes or the index's (``git archive`` of a commit reads
    the committed ones; with ``--worktree-attributes``, the work tree's)."""
    if not names:
        return set()
    data = b"".join(os.fsencode(name) + b"\0" for name in names)
    found: set[str] = set()
    for source in ((), ("--cached",)):
        out = git(
            ["check-attr", *source, "-z", "--stdin", "export-subst"], top, input=data, env=env
        )
        fields = out.split(b"\0")
        # "<path> NUL export-subst NUL <value> NUL" per path.
        for path, value in zip(fields[0::3], fields[2::3], strict=False):
            if value not in (b"unspecified", b"unset", b""):
                found.add(os.fsdecode(path))
    return found


def _tree_export_subst(top: Path, env: dict[str, str] | None) -> set[str]:
    """The files of the work tree ``top`` (tracked or not, not ignored) with the
    ``export-subst`` attribute, as ``export_subst`` says, in two cheap runs of git rather than
    one question per file: git's own attribute pathspec (the work tree's attributes, the
    index's where a .gitattributes is not in the work tree); and, only when a .gitattributes in
    the work tree differs from the index's, the index's too."""
    magic = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    out = git([*magic, "--", ":(attr:export-subst)"], top, env=env)
    found = {os.fsdecode(name) for name in out.split(b"\0") if name}
    differ = ["diff", "--name-only", "-z", "--no-ext-diff", "--", ":(glob)**/.gitattributes"]
    if git(differ, top, env=env).strip(b"\0"):
        every = [n for n in os.fsdecode(git([*magic[:3], "--"], top, env=env)).split("\0") if n]
        found |= export_subst(top, every, env)
    return found


def _has_placeholder(path: str) -> bool:
    """Whether the file at ``path`` holds ``$Format:`` (or cannot be read: fail closed)."""
    try:
        with open(path, "rb") as file:  # noqa: PTH123
            return _PLACEHOLDER in file.read()
    except OSError:
        return True


def _common_dir(top: Path, env: dict[str, str] | None) -> str:
    """The real path of the git directory the work tree ``top`` shares (where git keeps its
    submodules' repositories), or "" when git does not say."""
    out = _succeeds(["rev-parse", "--path-format=absolute", "--git-common-dir"], top, env)
    return os.path.realpath(os.fsdecode(out.strip())) if out and out.strip() else ""


def _points_into(git_file: str, common_dir: str) -> bool:
    """Whether ``git_file`` is a ``gitdir:`` pointer (what git writes in a submodule) to a
    directory inside ``common_dir``."""
    if not common_dir or not os.path.isfile(git_file) or os.path.islink(git_file):  # noqa: PTH113, PTH114
        return False
    try:
        with open(git_file, "rb") as file:  # noqa: PTH123
            line = file.read(4096).partition(b"\n")[0].strip()
    except OSError:
        return False
    if not line.startswith(b"gitdir: "):
        return False
    where = os.path.join(os.path.dirname(git_file), os.fsdecode(line[len(b"gitdir: ") :]))  # noqa: PTH118, PTH120
    return os.path.realpath(where).startswith(os.path.join(common_dir, ""))  # noqa: PTH118


def _link_text(path: str) -> str:
    """What the link at ``path`` says (its target as written), or "?" when it cannot be read."""
    try:
        return os.readlink(path)  # noqa: PTH115 - strings: see list_files
    except OSError:
        return "?"


def _key(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def list_files(paths: Sequence[Path], *, include_ignored: bool = False) -> Listed:
    """Every file under ``paths``, as a web server serving them would find them (see the
    module doc); inside a git work tree, as git would publish them, what git ignores named
    (``git_ignored``), or checked too with ``include_ignored``."""
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    files: list[str] = []
    ignored: list[str] = []
    refused: list[Note] = []
    skipped: list[Note] = []
    outside: list[Note] = []
    git_ignored: list[str] = []
    left_out_files: list[tuple[str, str]] = []
    committed: list[Committed] = []
    home = _Home()
    for path in paths:
        start = path if path.is_dir() else path.parent
        top = toplevel(start)
        # (as shown, relative to the root whose .approvalignore files apply): string work only,
        # since resolving 5,000 paths costs more than checking them from the cache.
        if top is not None and not home.holds(top, start):
            # Not the user's checkout (a .git planted in a web root, checked from elsewhere):
            # its ignore rules are not theirs. Every file, as a server would find it.
            found = _Found(start, str(path))
            found.foreign = os.path.realpath(top / ".git")
            _plain(found, path, "" if path.is_dir() else path.name)
        elif top is None:
            found = _Found(start, str(path))
            _plain(found, path, "" if path.is_dir() else path.name)
        elif not _is_top(top, path) and _ignored_by_git(top, path):
            # Named on purpose though git ignores it (a build output, say): what is published
            # from there is checked, all of it, with .approvalignore only.
            found = _Found(top, str(path))
            _plain(found, path, Path(os.path.relpath(_unfollowed(path), top)).as_posix())
        else:
            found = _Found(top, str(path), include_ignored)
            found.work_tree(top, path, "")
            if _is_top(top, path):
                own = os.path.normpath(os.path.join(str(path), ".git"))  # noqa: PTH118
                if os.path.lexists(own):
                    if include_ignored:  # a web root deployed as a checkout serves it too
                        found.refused.append((Note(own, REPOSITORY), ".git"))
                    else:
                        found.skipped.append(Note(own, OWN_REPOSITORY))
        relatives = [r for _, r in found.files] + [r for _, r in found.refused if r]
        matcher = _matcher(found.root, relatives, _read_file)
        skipped += found.skipped
        outside += found.outside
        git_ignored += found.git_ignored
        left_out_files += found.left_out_files
        committed += found.committed
        if not matcher:  # no .approvalignore (the usual case): nothing to match 5,000 times
            kept = [shown for shown, _ in found.files]
            blocked = [note for note, _ in found.refused]
            left_out: list[str] = []
        else:
            kept, blocked, left_out = [], [], []
            for shown, relative in found.files:
                if matcher.ignored(relative):
                    left_out.append(shown)
                    left_out_files.append((shown, _rule(matcher, relative)))
                else:
                    kept.append(shown)
            for note, relative in found.refused:
                if relative and matcher.ignored(relative, directory=True):
                    left_out.append(note.path)
                else:
                    blocked.append(note)
        if not kept and not blocked and (left_out or found.git_ignored) and path.is_dir():
            # Left out, and nothing checked: whatever put the rules there (a planted .git's
            # info/exclude of "*", an .approvalignore of "*"), the gate checked nothing.
            why = nothing_checked(len(found.git_ignored), len(left_out))
            blocked.append(Note(str(path), why, LEFT_OUT))
        files += kept
        refused += blocked
        ignored += left_out
    return Listed(
        tuple(dict.fromkeys(files)),
        tuple(dict.fromkeys(ignored)),
        tuple(dict.fromkeys(refused)),
        tuple(dict.fromkeys(skipped)),
        tuple(dict.fromkeys(outside)),
        tuple(dict.fromkeys(git_ignored)),
        tuple(dict(left_out_files).items()),
        tuple(dict.fromkeys(committed)),
    )


def approvalignore_rules(top: Path, paths: Sequence[str]) -> dict[str, str]:
    """The ``.approvalignore`` line (``<file>:<line>``) that leaves out each of ``paths``
    (relative to the work tree ``top``, "/"-separated) that the work tree's files leave out:
    the rules in force now, for paths that may be in no checked-out tree (history)."""
    matcher = _matcher(top, paths, _read_file)
    if not matcher:
        return {}
    return {path: _rule(matcher, path) for path in paths if matcher.ignored(path)}


def _rule(matcher: Matcher, relative: str) -> str:
    """The ``.approvalignore`` line that leaves ``relative`` out (``<file>:<line>``): the last
    pattern that decides, for the first of its directories (or itself) that is ignored."""
    parts = relative.strip("/").split("/")
    for depth in range(1, len(parts) + 1):
        path, directory = "/".join(parts[:depth]), depth < len(parts)
        last = None
        for pattern in matcher.patterns:
            if pattern.base and not path.startswith(pattern.base + "/"):
                continue
            if pattern.hits(path[len(pattern.base) + 1 :] if pattern.base else path,
                            directory=directory):  # fmt: skip
                last = pattern
        if last is not None and not last.negated:
            return last.origin
    return FILE_NAME


class _Home:
    """The user's checkout: the git work tree the command runs in (holding the current
    directory, as git finds it), asked once and only when a checked path is in a work tree."""

    def __init__(self) -> None:
        self._top: Path | None = None
        self._asked = False

    def holds(self, top: Path, start: Path) -> bool:
        """Whether ``top``, the work tree holding ``start``, is the user's checkout."""
        if _same(start, Path.cwd()):
            return True  # ``approval check .``: the question git just answered
        if not self._asked:
            self._top, self._asked = toplevel(Path.cwd()), True
        return self._top is not None and _same(self._top, top)


def _plain(found: _Found, path: Path, relative: str) -> None:
    """``path`` outside a work tree (or ignored by git): a file, a link, or a directory."""
    shown = str(path)
    if os.path.islink(shown):  # noqa: PTH114
        found.link(shown, relative)
    elif path.is_dir():
        found.walk(shown, relative)
    else:
        found.files.append((shown, relative))


def _unfollowed(path: Path) -> str:
    """``path`` made absolute for git, its directories resolved but not a link it ends in: git
    keeps a link as one (resolved, a staged link would be looked up as its target's path, and
    a dangling one as nothing at all)."""
    if not path.is_symlink():
        return str(path.resolve())
    return str(path.absolute().parent.resolve() / path.name)


def _is_top(top: Path, path: Path) -> bool:
    """Whether ``path`` is the work tree's root, which git never ignores (one git run saved)."""
    try:
        return path.resolve() == top.resolve()
    except OSError:
        return False


_REPOSITORY_VARIABLES = frozenset(
    {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
     "GIT_PREFIX", "GIT_NAMESPACE", "GIT_ALTERNATE_OBJECT_DIRECTORIES"}
)  # fmt: skip


def _git_files(
    top: Path,
    path: Path,
    env: dict[str, str] | None,
    shown_top: str | None,
    *,
    everything: bool = False,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], set[str]]:
    """Tracked and untracked, not ignored, files under ``path`` (``.gitignore`` honoured;
    ``everything``: ignored ones too): each as shown (relative to the current directory when
    below it, or below ``shown_top``) and relative to ``top``. An untracked repository is one
    entry ending in ``/``. Second: the directories git could not open (``_unopened``). Third:
    the names of the entries marked skip-worktree or assume-unchanged (``_Found.committed``)."""
    out, warned = _git_warned(
        [*(_LS_ALL if everything else _LS_FILES), _unfollowed(path)], top, env=_in_c(env)
    )
    # Deleted but still tracked, or a submodule: the caller looks at each. Decoded at once (a
    # NUL is never part of a UTF-8 sequence, so splitting after decoding is the same). Each
    # entry is "<tag> <name>" (``-v``).
    entries = [entry for entry in dict.fromkeys(os.fsdecode(out).split("\0")) if entry]
    names = list(dict.fromkeys(entry[2:] for entry in entries))
    flagged = {entry[2:] for entry in entries if entry[0] == "S" or entry[0].islower()}
    return _as_shown(top, names, shown_top), _unopened(top, warned, shown_top), flagged


def _in_c(env: dict[str, str] | None) -> dict[str, str]:
    """``env`` (None: the caller's) with git's messages in English, for ``_unopened``."""
    return {**(os.environ if env is None else env), "LC_ALL": "C"}


# What git says, on its standard error and still exiting 0, of a directory it cannot read.
_UNOPENED = re.compile(rb"^warning: could not open directory '(.*)': ", re.MULTILINE)


def _unopened(top: Path, warned: bytes, shown_top: str | None) -> list[tuple[str, str]]:
    """The directories git could not open (``warned``: its standard error), as shown."""
    names = [os.fsdecode(m[1]) for m in _UNOPENED.finditer(warned)]
    return _as_shown(top, names, shown_top) if names else []


def _git_ignored(
    top: Path, path: Path, env: dict[str, str] | None, shown_top: str | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What git ignores under ``path`` (``.gitignore``, ``info/exclude``, ``core.excludesFile``),
    as ``_git_files`` gives files: an ignored directory once, ending in ``/``; and the
    directories git could not open."""
    out, warned = _git_warned([*_LS_IGNORED, _unfollowed(path)], top, env=_in_c(env))
    names = sorted(name for name in set(os.fsdecode(out).split("\0")) if name)
    # git lists a directory's files after the directory itself at times ("a/" then "a/b.pyc"):
    # sorted, a name inside the last directory kept is left out. An empty directory serves
    # nothing: not named (git's --no-empty-directory, with --ignored, also drops ignored files
    # beside tracked ones, so it is not used).
    kept: list[str] = []
    for name in names:
        if kept and kept[-1].endswith("/") and name.startswith(kept[-1]):
            continue
        if name.endswith("/") and _empty(top / name):
            continue
        kept.append(name)
    return _as_shown(top, kept, shown_top), _unopened(top, warned, shown_top)


def _ignore_rules(
    top: Path, ignored: Sequence[tuple[str, str]], env: dict[str, str] | None
) -> dict[str, str]:
    """The rule that leaves out each of ``ignored`` (as ``_git_ignored`` gives them), by its
    name without a trailing "/": ``<source>:<line>: <pattern>``, as ``git check-ignore -v``
    says."""
    if not ignored:
        return {}
    names = b"".join(os.fsencode(name.rstrip("/")) + b"\0" for _, name in ignored)
    out = _succeeds(["check-ignore", "-v", "-z", "--stdin"], top, env, names) or b""
    fields = os.fsdecode(out).split("\0")
    # "<source> NUL <line> NUL <pattern> NUL <path> NUL" per path.
    return {
        path: f"{source}:{line}: {pattern}"
        for source, line, pattern, path in zip(
            fields[0::4], fields[1::4], fields[2::4], fields[3::4], strict=False
        )
    }


def _empty(directory: Path) -> bool:
    """Whether ``directory`` holds nothing but directories (git lists one holding only an
    empty ``__pycache__/`` as ignored); a link, a file, or what cannot be read is something."""
    try:
        with os.scandir(directory) as listing:
            for entry in listing:
                if not entry.is_dir(follow_symlinks=False) or not _empty(Path(entry.path)):
                    return False
    except OSError:
        return False
    return True


def _as_shown(top: Path, names: list[str], shown_top: str | None) -> list[tuple[str, str]]:
    """``names`` (relative to ``top``) as shown, each with its name."""
    if shown_top is not None:
        prefix = os.path.join(shown_top, "")  # noqa: PTH118
        return [(prefix + name, name) for name in names]
    here = os.path.join(Path.cwd().resolve(), "")  # noqa: PTH118 - strings: see list_files
    base = os.path.join(top, "")  # noqa: PTH118
    if base.startswith(here):  # the usual case: every file is below the current directory
        prefix = base[len(here) :]
        return [(prefix + name, name) for name in names]
    files = []
    for name in names:
        absolute = base + name
        # The current directory itself (an ignored one the user stands in) is "./", not "".
        shown = absolute[len(here) :] or "./" if absolute.startswith(here) else absolute
        files.append((shown, name))
    return files


def _ignored_by_git(top: Path, path: Path) -> bool:
    """Whether git ignores ``path`` itself (``.gitignore``, ``info/exclude``...)."""
    return _succeeds(["check-ignore", "-q", _unfollowed(path)], top) is not None


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
        file = root / directory / FILE_NAME if directory else root / FILE_NAME
        text = read(file)
        if text is not None:
            matcher.add(parse(text, directory, _shown_path(file)))
    return matcher


def _shown_path(path: Path) -> str:
    """``path`` as messages show it: relative to the current directory when below it."""
    here = Path.cwd().resolve()
    absolute = path if path.is_absolute() else here / path
    try:
        return str(absolute.relative_to(here))
    except ValueError:
        return str(path)


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
    mode: str = "100644"
    # The clean filter it is staged through (its "filter" attribute), "" for none: the staged
    # blob is then the filter's output (a Git LFS pointer), not the content published.
    filter: str = ""


@dataclass(frozen=True)
class StagedList:
    root: Path
    files: tuple[StagedFile, ...]  # regular files, and links (``LINK_MODE``: ``staged_link``)
    ignored: tuple[str, ...]  # relative to root
    skipped: tuple[Note, ...] = ()  # staged submodules (paths relative to root)
    # The regular files among ``ignored``, with the staged ``.approvalignore`` line that left
    # each out: committed, they are published all the same, so ``check`` scans them too.
    left_out: tuple[tuple[StagedFile, str], ...] = ()
    # Blocked without a scan (paths relative to root): what ``git archive`` rewrites
    # (``SUBSTITUTED``), whatever .approvalignore says; a staged submodule whose commit cannot
    # be read (``unread_submodule``).
    refused: tuple[Note, ...] = ()
    # Object directories of staged submodules, whose files are among ``files``: a
    # ``BlobReader`` given them reads their content.
    objects: tuple[str, ...] = ()


def list_staged(paths: Sequence[Path], cwd: Path | None = None) -> StagedList:
    """Without ``paths`` (what the shipped pre-commit hook runs): the files a commit would add
    or change, as staged, links and submodules included. With ``paths``: the staged content of
    every file under them, changed or not (``approval check --staged .`` checks every file). A
    staged submodule stands for the files of its staged commit (``_submodule_files``)."""
    here = cwd or Path.cwd()
    top = toplevel(here)
    if top is None:
        raise UsageError("--staged needs a git work tree", hint="run it inside the repository")
    staged = _index_entries(top, paths) if paths else _staged_changes(top)
    if not paths and (directories := _attribute_changes(top)):
        # A staged .gitattributes (added, changed or removed) changes how files already
        # committed leave (export-subst, filters, eol, export-ignore): every file under its
        # directory is checked as staged, not only those the commit changes.
        known = {file.path for file in staged}
        staged += [f for f in _index_under(top, directories) if f.path not in known]
    # A staged submodule is published with its files (a CI checkout with submodules, a
    # deploy): those of the staged commit, read in the submodule's own repository.
    refused: list[Note] = []
    objects: list[str] = []
    if any(file.mode == GITLINK_MODE for file in staged):
        staged = [
            found
            for file in staged
            for found in (
                _submodule_files(top, file, objects, refused)
                if file.mode == GITLINK_MODE
                else [file]
            )
        ]
    reader = BlobReader(top)
    try:
        matcher = _staged_matcher(top, staged, reader)
    finally:
        reader.close()
    kept, ignored, skipped = [], [], []
    left_out: list[tuple[StagedFile, str]] = []
    for file in staged:
        if matcher and matcher.ignored(file.path):
            ignored.append(file.path)
            if file.mode not in _NOT_FILES:
                left_out.append((file, _rule(matcher, file.path)))
        elif file.mode in _NOT_FILES:
            skipped.append(Note(file.path, _NOT_FILES[file.mode]))
        else:
            kept.append(file)
    files = [file.path for file in kept if file.mode != LINK_MODE]
    if files := files + [file.path for file, _ in left_out if file.mode != LINK_MODE]:
        filters = staged_filters(top, files)
        kept = [replace(file, filter=filters.get(file.path, "")) for file in kept]
        left_out = [(replace(f, filter=filters.get(f.path, "")), r) for f, r in left_out]
        if marked := export_subst(top, files):
            marked_files = [f for f in staged if f.path in marked]
            substituted = _staged_placeholders(top, marked_files, objects)
            refused += [Note(path, SUBSTITUTED, EXPORT_SUBST) for path in sorted(substituted)]
            kept = [file for file in kept if file.path not in substituted]
            left_out = [(f, r) for f, r in left_out if f.path not in substituted]
    return StagedList(
        top,
        tuple(kept),
        tuple(ignored),
        tuple(skipped),
        tuple(left_out),
        tuple(refused),
        tuple(objects),
    )


GITLINK_MODE = "160000"
SUBMODULE = "submodule"  # the kind of a staged submodule that cannot be read, for its hint


def module_objects(top: Path, env: dict[str, str] | None = None) -> tuple[str, ...]:
    """The object directories of the submodules' repositories that git keeps for the work
    tree ``top`` (``<git dir>/modules/<name>``, a nested one under its own ``modules``): where
    the commit a submodule pins is, when it was ever checked out here (it stays after
    ``git submodule deinit``). Objects are named by their content, so any store that holds a
    commit holds that very commit."""
    common = _common_dir(top, env)
    found: list[str] = []
    for directory, below, names in os.walk(os.path.join(common, "modules") if common else ""):  # noqa: PTH118
        below.sort()
        if "objects" in below and "HEAD" in names:
            found.append(os.path.join(directory, "objects"))  # noqa: PTH118
            below[:] = ["modules"] if "modules" in below else []
    return tuple(found)


def pinned_tree(
    top: Path, commit: str, env: dict[str, str] | None = None, objects: Sequence[str] = ()
) -> list[StagedFile] | None:
    """Every entry of the tree of ``commit`` (files, links, and a submodule within it as its
    gitlink), read in the repository of ``top`` with ``objects`` as more object directories;
    None when the commit (or a tree of it) cannot be read here, which is never fetched."""
    tree = ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, "--"]
    out = _succeeds(tree, top, _alternates(env, objects))
    if out is None:
        return None
    files = []
    for entry in out.split(b"\0"):
        info, _, name = entry.partition(b"\t")
        parts = info.decode().split()
        if len(parts) == 3:  # "<mode> <type> <object>"
            files.append(StagedFile(os.fsdecode(name), parts[2], parts[0]))
    return files


def _alternates(env: dict[str, str] | None, objects: Sequence[str]) -> dict[str, str] | None:
    """``env`` (None: the caller's) with ``objects`` as more object directories to read from,
    quoted as git unquotes ``GIT_ALTERNATE_OBJECT_DIRECTORIES`` (a path may hold the
    separator)."""
    if not objects:
        return env
    out = dict(os.environ if env is None else env)
    more = [f'"{o.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
            for o in objects]  # fmt: skip
    before = out.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")
    out["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = os.pathsep.join(
        [*([before] if before else []), *more]
    )
    return out


def unread_submodule(commit: str) -> str:
    """Why a staged submodule whose files cannot be read here is blocked."""
    return (
        f"a submodule staged at commit {commit[:12]}, which its repository here does not "
        "hold (or it is not checked out): its files cannot be checked"
    )


def _submodule_files(
    top: Path, link: StagedFile, objects: list[str], refused: list[Note]
) -> list[StagedFile]:
    """The files of the submodule staged as ``link`` (a gitlink: its object is a commit), as
    that commit holds them, read in the submodule's repository in the work tree (its object
    directory added to ``objects``, where ``BlobReader`` finds their content); a submodule
    within it likewise. Refused (to ``refused``) when that repository is not there or does not
    hold the commit: nothing says what it publishes."""
    where = top / link.path
    # Asked about itself, never through the caller's GIT_DIR (a pre-commit hook sets it).
    env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARIABLES}
    found = toplevel(where, env) if where.is_dir() and not where.is_symlink() else None
    listing = objects_dir = None
    if found is not None and _same(found, where):
        tree = ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", link.blob, "--"]
        listing = _succeeds(tree, where, env)
        git_path = ["rev-parse", "--path-format=absolute", "--git-path", "objects"]
        objects_dir = _succeeds(git_path, where, env)
    if listing is None or not objects_dir or not objects_dir.strip():
        refused.append(Note(link.path, unread_submodule(link.blob), SUBMODULE))
        return []
    objects.append(os.fsdecode(objects_dir.strip()))
    files: list[StagedFile] = []
    for entry in listing.split(b"\0"):
        info, _, name = entry.partition(b"\t")
        parts = info.decode().split()
        if len(parts) != 3:
            continue
        file = StagedFile(f"{link.path}/{os.fsdecode(name)}", parts[2], parts[0])
        if file.mode == GITLINK_MODE:
            files += _submodule_files(top, file, objects, refused)
        else:
            files.append(file)
    return files


def _staged_placeholders(
    top: Path, files: Sequence[StagedFile], objects: Sequence[str] = ()
) -> set[str]:
    """The paths of ``files`` whose staged content holds ``$Format:`` (or cannot be read)."""
    with BlobReader(top, objects) as reader:
        return {
            file.path
            for file in files
            if file.mode != LINK_MODE and _PLACEHOLDER in (reader.read(file.blob) or _PLACEHOLDER)
        }


def staged_filters(top: Path, paths: Sequence[str]) -> dict[str, str]:
    """The clean filter (``filter`` attribute) of each of ``paths`` that has one, by the work
    tree's attributes or the index's, whichever names one (a filter in either may have made the
    staged blob; the gate does not guess which ran)."""
    names = b"".join(os.fsencode(path) + b"\0" for path in paths)
    found: dict[str, str] = {}
    for source in ((), ("--cached",)):
        out = git(["check-attr", *source, "-z", "--stdin", "filter"], top, input=names)
        fields = out.split(b"\0")
        # "<path> NUL filter NUL <value> NUL" per path.
        for path, value in zip(fields[0::3], fields[2::3], strict=False):
            driver = value.decode("utf-8", "replace")
            if driver not in ("unspecified", "unset", ""):
                found.setdefault(os.fsdecode(path), driver)
    return found


# A Git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md), as
# git-lfs decodes one (lfs/pointer.go): under 1024 bytes, whitespace around it trimmed, blank
# lines skipped, the version line first, naming one of the spec's names: "git-media" and
# "hawser" are its earlier ones (v1Aliases). Any such version accepted here: a pointer that a
# later git-lfs reads is not content either.
_LFS_POINTER_SIZE = 1024
_LFS_NAMES = re.compile(rb"git-media|hawser|git-lfs")
LFS_POINTER = "a Git LFS pointer: the content it points to is not here to check"
# Why a file staged through a clean filter, or as a pointer, is blocked without a scan.
FILTERED = "staged through the clean filter"
POINTER_STAGED = "staged as a Git LFS pointer"


def is_lfs_pointer(head: bytes, size: int) -> bool:
    """Whether ``size`` bytes starting with ``head`` are a Git LFS pointer: the version line
    first (after blank lines and whitespace, which git-lfs trims), and an ``oid`` line, as
    every pointer has (a file that is not one is scanned as what it is). Cheap on other files:
    the size and one ``in`` first."""
    if size >= _LFS_POINTER_SIZE or b"version" not in head:
        return False
    lines = [line.strip() for line in head.strip().splitlines()]
    lines = [line for line in lines if line]
    return (
        bool(lines)
        and lines[0].startswith(b"version ")
        and _LFS_NAMES.search(lines[0]) is not None
        and any(line.startswith(b"oid ") for line in lines[1:])
    )


@dataclass(frozen=True)
class WorkTreeContent:
    """What a staged file staged through a clean filter holds: the work-tree bytes, when the
    same filter makes exactly the staged blob of them; else why it cannot be read."""

    data: bytes | None
    refusal: str = ""
    kind: str = "filtered"  # the refusal's kind (``Note.kind``), which picks the hint


# Where a setting may come from for the gate to run the command it names: not the checked
# repository's own configuration ("local", "worktree"), which whoever wrote the tree chose.
_OUTSIDE_SCOPES = frozenset({"system", "global", "command"})
LOCAL_FILTER = "local-filter"  # the kind of a refusal to run a filter the repository defines


def filter_defined_outside(top: Path, driver: str) -> bool:
    """Whether the commands git would run for the clean filter ``driver`` (its ``clean`` and
    ``process`` settings, as in effect) were configured outside the repository at ``top``: in
    the system's or the user's global configuration (``git lfs install`` writes there) or by
    ``-c``. A command set in the repository's own configuration is one the checked tree chose,
    unless the very same command is configured outside it as well (``git lfs install --local``
    on a machine where it is also installed globally)."""
    try:
        out = git(["config", "--show-scope", "-z", "--list"], top)
    except UsageError:
        return False
    effective: dict[str, tuple[str, str]] = {}  # setting: (scope, value), the last one wins
    outside: set[tuple[str, str]] = set()
    wanted = {f"filter.{driver}.clean", f"filter.{driver}.process"}
    fields = os.fsdecode(out).split("\0")
    # "<scope> NUL <key> LF <value> NUL" per setting (the value and LF absent for a bare key).
    for scope, entry in zip(fields[0::2], fields[1::2], strict=False):
        key, _, value = entry.partition("\n")
        section, _, rest = key.partition(".")
        subsection, _, name = rest.rpartition(".")
        # Section and variable names are case-insensitive (git lowers them); not the driver.
        if f"{section.lower()}.{subsection}.{name.lower()}" not in wanted:
            continue
        setting = f"filter.{subsection}.{name.lower()}"
        effective[setting] = (scope, value)
        if scope in _OUTSIDE_SCOPES:
            outside.add((setting, value))
    return all(
        scope in _OUTSIDE_SCOPES or (setting, value) in outside
        for setting, (scope, value) in effective.items()
    )


def filtered_content(top: Path, file: StagedFile, staged: bytes) -> WorkTreeContent:
    """The content of ``file``, staged through a clean filter (``file.filter``) or staged as an
    LFS pointer (``staged``, its blob): the blob is the filter's output, not what is pushed to
    the LFS store and checked out everywhere. The work-tree file is that content when the clean
    filter makes the staged blob of its bytes (``git hash-object --path``, on the very bytes
    read); otherwise nothing says what the content is, and it is refused."""
    how = f"{FILTERED} '{file.filter}'" if file.filter else POINTER_STAGED
    if file.filter and not filter_defined_outside(top, file.filter):
        # Running it would run a command the checked repository's configuration names.
        why = f"{how}, which this repository's own git configuration defines: not run"
        return WorkTreeContent(None, why, LOCAL_FILTER)
    path = top / file.path
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return WorkTreeContent(None, f"{how}, and the work-tree file is not a regular file")
        data = path.read_bytes()
    except FileNotFoundError:
        return WorkTreeContent(None, f"{how}, and not in the work tree: no content to read")
    except OSError as e:
        return WorkTreeContent(None, f"{how}, and the work-tree file cannot be read: {_why(e)}")
    if is_lfs_pointer(data, len(data)):
        return WorkTreeContent(None, LFS_POINTER)
    # Without a filter (a pointer staged as it is), nothing is to run: --no-filters makes sure
    # that none does, whatever the attributes say by now.
    how_hashed = f"--path={file.path}" if file.filter else "--no-filters"
    try:
        cleaned = git(["hash-object", "--stdin", how_hashed], top, input=data)
    except UsageError:
        return WorkTreeContent(None, f"{how}: the filter failed on the work-tree file")
    if cleaned.decode().strip() != file.blob:
        return WorkTreeContent(
            None,
            f"{how}, and the work-tree file is not what was staged: the content committed "
            "cannot be read",
        )
    return WorkTreeContent(data)


@dataclass(frozen=True)
class Reached:
    """What a staged link serves, read in the work tree (``staged_link``): each file as (its
    path relative to the work tree's root, "/"-separated; where to read it), and notes, their
    paths relative to the root too."""

    files: tuple[tuple[str, str], ...] = ()
    refused: tuple[Note, ...] = ()
    skipped: tuple[Note, ...] = ()
    outside: tuple[Note, ...] = ()


STAGED_LINK = "staged-link"  # the kind of a link staged as other than what the work tree holds


def staged_link(top: Path, file: StagedFile, staged: bytes) -> Reached:
    """What the link ``file``, staged with the text ``staged``, serves once committed and
    published (``rsync -L``, nginx): read through the work tree when the link there is the one
    staged and it resolves inside the checkout; blocked otherwise, since what it reaches
    elsewhere (a git-ignored file, an absolute path on the deploy host) cannot be read here."""
    target = os.fsdecode(staged)
    path = os.path.join(top, file.path)  # noqa: PTH118
    try:
        here = os.readlink(path)  # noqa: PTH115
    except OSError:
        here = None
    if here != target:
        why = f"a link to {target}, staged, while the work tree holds something else there"
        return Reached(refused=(Note(file.path, why, STAGED_LINK),))
    if os.path.isabs(target):  # noqa: PTH117
        # Resolved on each host by its own files: what it serves depends on where it is.
        why = f"a link to {target}, an absolute path: it serves whatever each host holds there"
        return Reached(refused=(Note(file.path, why, UNRESOLVED),))
    root = os.path.realpath(top)
    real = os.path.realpath(path)
    if real == root or not real.startswith(os.path.join(root, "")):  # noqa: PTH118
        why = f"a link to {target}, which leads out of the checkout: it cannot be checked here"
        return Reached(refused=(Note(file.path, why, UNRESOLVED),))
    found = _Found(top, root)
    found.link(path, file.path)  # a file, a directory walked, or blocked (dangling, a loop)
    shown = len(os.path.join(str(top), ""))  # noqa: PTH118 - the notes: relative to the root

    def relative(notes: Sequence[Note]) -> tuple[Note, ...]:
        return tuple(replace(n, path=n.path[shown:]) for n in notes)

    return Reached(
        tuple((name, where) for where, name in found.files),
        relative([note for note, _ in found.refused]),
        relative(found.skipped),
        relative(found.outside),
    )


def _staged_changes(top: Path) -> list[StagedFile]:
    fields = git(list(_DIFF_STAGED), top).split(b"\0")
    staged: list[StagedFile] = []
    for header, name in zip(fields[0::2], fields[1::2], strict=False):
        parts = header.decode().split()
        if len(parts) < 5 or not header.startswith(b":"):
            continue
        mode, blob = parts[1], parts[3]
        staged.append(StagedFile(os.fsdecode(name), blob, mode))
    return staged


# A staged change of any .gitattributes, a removal too (git archive reads the committed ones).
_DIFF_ATTRIBUTES = (
    *("diff", "--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff"),
    *("--no-textconv", "--", ":(glob)**/.gitattributes"),
)


def _attribute_changes(top: Path) -> list[str]:
    """The directories (relative to ``top``, "" for the root) of each staged change to a
    ``.gitattributes``: its rules apply to the files under it."""
    out = os.fsdecode(git(list(_DIFF_ATTRIBUTES), top))
    return sorted({posixpath.dirname(name) for name in out.split("\0") if name})


def _index_under(top: Path, directories: Sequence[str]) -> list[StagedFile]:
    """The index entries under ``directories`` (relative to ``top``), present in the work
    tree or not (a sparse checkout)."""
    return _ls_stage(top, [directory or "." for directory in directories])


def _index_entries(top: Path, paths: Sequence[Path]) -> list[StagedFile]:
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    return _ls_stage(top, [_unfollowed(p) for p in paths])


_LS_STAGE = ("--literal-pathspecs", "ls-files", "--stage", "-z", "--full-name")


def _ls_stage(top: Path, specs: Sequence[str]) -> list[StagedFile]:
    out = git([*_LS_STAGE, "--", *specs], top)
    staged: list[StagedFile] = []
    for line in out.split(b"\0"):
        info, _, name = line.partition(b"\t")
        parts = info.decode().split()
        # "<mode> <object> <stage>": stage 0 is the entry a commit takes (others: a conflict).
        if len(parts) == 3 and parts[2] == "0":
            staged.append(StagedFile(os.fsdecode(name), parts[1], parts[0]))
    return staged


def _staged_matcher(top: Path, files: Sequence[StagedFile], reader: BlobReader) -> Matcher:
    """``.approvalignore`` as staged: the committed gate must not depend on an unstaged edit."""
    directories = _directories([file.path for file in files])
    matcher = Matcher()
    for directory in sorted(directories, key=lambda d: (d.count("/") + bool(d), d)):
        name = f"{directory}/{FILE_NAME}" if directory else FILE_NAME
        data = reader.read(f":{name}")
        if data is not None:
            origin = f"{name} (staged)"
            matcher.add(parse(data.decode("utf-8", "replace"), directory, origin))
    return matcher


class BlobReader:
    """One ``git cat-file --batch`` for the staged contents."""

    def __init__(self, top: Path, objects: Sequence[str] = (), env: dict[str, str] | None = None):
        """``objects``: more object directories to read from (staged submodules'); ``env``:
        git's environment (None: the caller's)."""
        env = _environment(_alternates(env, objects))
        self._process = subprocess.Popen(
            _command(["cat-file", "--batch"]),
            cwd=top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    def read(self, name: str) -> bytes | None:
        """The content of object ``name`` (an id, or ``:path`` for the index), or None (also
        when git stopped: a partial clone's missing object, which is never fetched)."""
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(os.fsencode(name) + b"\n")
            process.stdin.flush()
        except OSError:  # git ended (BrokenPipeError): nothing more can be read
            return None
        header = process.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            if len(header) == 3:  # not a blob: skip its content
                process.stdout.read(int(header[2]) + 1)
            return None
        size = int(header[2])
        data = process.stdout.read(size + 1)
        return data[:-1] if len(data) == size + 1 else None  # cut short: never a prefix

    def close(self) -> None:
        if self._process.stdin:
            with contextlib.suppress(OSError):  # git ended first: nothing was left to flush
                self._process.stdin.close()
        if self._process.stdout:
            self._process.stdout.close()
        self._process.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
