"""What a range of commits put into a repository (``approval check --commits``): every path and
blob that any commit of the range added or changed, read from git's objects.

A push publishes every commit it carries, not only the last one's tree: a file committed (with
``--no-verify``, or on a machine without the hook) and deleted in the next commit of the same
push passes a check of the checked-out tree, while anyone who clones or browses the repository
reads it (``git show HEAD~1:detainees.csv``). So each commit of the range is diffed against its
parents (``git diff-tree -r -m --root --no-renames``: a merge against each parent, which checks
more than it introduced, never less), and each added or changed path with its blob is listed
once (a path and blob met again in a later commit are the same bytes under the same name). The
range is what ``git rev-list`` takes: ``BASE..HEAD``, a commit alone (all its history), or
``--all`` (every ref here: branches, tags, notes).

Fails closed, never fetching (the safe environment of ``worktree``: no lazy fetch, no
transport): a commit whose history is cut (a shallow clone) is named, since the commits before
it in the range cannot be read; a blob that cannot be read is the caller's to refuse
(``BlobReader.read`` gives None). A submodule the range pins is what a recursive clone of that
commit publishes: the files of its commit, read where git keeps the submodule's repository
(``.git/modules``), or refused as in a tree (``worktree.submodule_not_here``). Replacement
objects (``git replace``) are not used (``worktree``'s safe environment): a forge serves the
objects themselves.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from approval.errors import UsageError
from approval.files.worktree import (
    GITLINK_MODE,
    UNREAD_SUBMODULE,
    Note,
    git,
    module_objects,
    pinned_tree,
    submodule_not_here,
    toplevel,
)

# The options of ``git rev-list`` that name sets of refs, and nothing else: any other option
# (an output format, a path limit, ``--max-count``) would change what is listed, not which
# commits, and a value that is not one of these must not be taken for an option at all.
_REF_OPTIONS = frozenset({"--all", "--branches", "--tags", "--remotes", "--not"})
_REF_OPTION_PREFIXES = ("--branches=", "--tags=", "--remotes=", "--glob=", "--exclude=")
# The id git gives for "no commit": GitHub's ``github.event.before`` and GitLab's
# ``CI_COMMIT_BEFORE_SHA`` on the first push of a branch, a pre-receive hook's new ref.
_NO_COMMIT = re.compile(r"0{40}|0{64}")
_RANGE = re.compile(r"^(.*?)(\.\.\.?)(.*)$")
# An abbreviated or full commit id, which a clone may not have fetched (unlike a mistyped name).
_COMMIT_ID = re.compile(r"[0-9a-f]{7,64}")
# "<commit>" alone, or ":<old mode> <new mode> <old> <new> <status>" then the path (-z).
_COMMIT_LINE = re.compile(rb"^[0-9a-f]{40}([0-9a-f]{24})?$")
_DIFF_TREE = (
    *("diff-tree", "--stdin", "-r", "-m", "--root", "-z", "--no-renames", "--no-abbrev"),
    *("--no-ext-diff", "--no-textconv", "--diff-filter=ACMT"),
)
# Added, copied, modified or type-changed: what a commit puts there (a rename is an addition).
SHALLOW = "shallow"  # the kind of a refusal for a history cut short, which picks the hint


def revisions(given: Sequence[str]) -> list[str]:
    """The ``git rev-list`` arguments for ``given`` (each a revision, a range or an option
    naming refs); ``UsageError`` for anything else. A range whose base is git's id for "no
    commit" (a branch's first push) stands for all the history of its tip; a range with an
    empty end (``..HEAD``, an unset CI variable) is refused, since git would read it as HEAD
    and check nothing."""
    out = []
    for value in given:
        if value.startswith("-"):
            if value in _REF_OPTIONS or value.startswith(_REF_OPTION_PREFIXES):
                out.append(value)
                continue
            raise UsageError(
                f"--commits takes revisions and ranges, not {value!r}",
                hint="e.g. --commits BASE..HEAD, --commits HEAD, --commits=--all",
            )
        if not value.strip():
            raise UsageError("--commits was given an empty revision (an unset variable?)")
        ends = _RANGE.match(value)
        if ends is None:
            out.append(value)
            continue
        base, dots, tip = ends.groups()
        if not base or not tip:
            raise UsageError(
                f"--commits {value!r} leaves an end of the range empty (an unset variable?)",
                hint="name both ends: --commits BASE..HEAD",
            )
        out.append(tip if dots == ".." and _NO_COMMIT.fullmatch(base) else value)
    return out


def repository(directory: Path, env: dict[str, str] | None = None) -> tuple[Path, bool]:
    """Where the history is read: the work tree holding ``directory``, or the bare
    repository it is (a server's pre-receive hook); and whether it is a work tree."""
    top = toplevel(directory, env)
    if top is not None:
        return top, True
    try:
        bare = git(["rev-parse", "--is-bare-repository"], directory, env=env).strip()
    except UsageError:
        bare = b""
    if bare == b"true":
        return directory, False
    raise UsageError("--commits needs a git repository", hint="run it inside the repository")


@dataclass(frozen=True)
class Introduced:
    """One path and blob a commit of the range added or changed."""

    commit: str  # the commit that introduced it, in full
    path: str  # in that commit's tree, "/"-separated
    mode: str
    blob: str

    @property
    def shown(self) -> str:
        """``<commit>:<path>``, the commit's id shortened: as ``git show`` takes it."""
        return f"{self.commit[:12]}:{self.path}"


@dataclass(frozen=True)
class History:
    """What a range introduced: each path and blob once (submodules' files among them), what
    cannot be read (a history cut short, a submodule whose commit is not here), the number of
    commits, and the submodules' object directories, where their files' blobs are read."""

    files: tuple[Introduced, ...]
    refused: tuple[Note, ...]
    commits: int
    objects: tuple[str, ...] = ()


def introduced(root: Path, revs: Sequence[str], env: dict[str, str] | None = None) -> History:
    """Every path and blob that a commit in ``revs`` (``revisions``) added or changed, in the
    repository at ``root``: see the module doc."""
    cut = _shallow(root, env)
    try:
        # Oldest first: a path and blob met again later is named by the commit that added it.
        listed = git(["rev-list", "--reverse", *revs, "--"], root, env=env)
    except UsageError as e:
        raise UsageError(
            f"cannot list the commits {' '.join(revs)}: {e.message}", hint=_not_listed(revs, cut)
        ) from e
    commits = [line for line in listed.decode().split("\n") if line]
    refused = [Note(commit[:12], _cut(commit), SHALLOW) for commit in commits if commit in cut]
    seen: set[tuple[str, str]] = set()
    files: list[Introduced] = []
    links: list[Introduced] = []
    out = git(list(_DIFF_TREE), root, input="".join(c + "\n" for c in commits).encode(), env=env)
    fields = out.split(b"\0")
    commit = ""
    n = 0
    while n < len(fields):
        field = fields[n]
        if field.startswith(b":") and n + 1 < len(fields):
            parts = field[1:].decode().split()
            path = os.fsdecode(fields[n + 1])
            n += 2
            if len(parts) == 5 and (path, parts[3]) not in seen:
                seen.add((path, parts[3]))
                entry = Introduced(commit, path, parts[1], parts[3])
                (links if entry.mode == GITLINK_MODE else files).append(entry)
            continue
        if _COMMIT_LINE.match(field):
            commit = field.decode()
        n += 1
    objects = module_objects(root, env) if links else ()
    for link in links:
        files += _pinned(root, env, objects, link, link.path, link.blob, refused)
    return History(tuple(files), tuple(refused), len(commits), objects)


def _pinned(
    root: Path,
    env: dict[str, str] | None,
    objects: Sequence[str],
    link: Introduced,
    path: str,
    pinned: str,
    refused: list[Note],
) -> list[Introduced]:
    """The files a submodule at ``path`` pinned at ``pinned`` publishes, as introduced by the
    commit of ``link``; a submodule within it likewise; refused when its commit is not here."""
    listing = pinned_tree(root, pinned, env, objects)
    shown = f"{link.commit[:12]}:{path}"
    if listing is None:
        refused.append(Note(shown, submodule_not_here(pinned), UNREAD_SUBMODULE))
        return []
    files = []
    for entry in listing:
        inside = f"{path}/{entry.path}"
        if entry.mode == GITLINK_MODE:
            files += _pinned(root, env, objects, link, inside, entry.blob, refused)
        else:
            files.append(Introduced(link.commit, inside, entry.mode, entry.blob))
    return files


def _shallow(root: Path, env: dict[str, str] | None) -> frozenset[str]:
    """The commits where this repository's history is cut (a shallow clone's boundary)."""
    where = git(["rev-parse", "--path-format=absolute", "--git-path", "shallow"], root, env=env)
    try:
        text = Path(os.fsdecode(where.strip())).read_text()
    except FileNotFoundError:
        return frozenset()
    except OSError as e:  # there, and not readable: nothing says where the history ends
        raise UsageError(f"cannot read which commits are shallow: {e.strerror}") from e
    return frozenset(text.split())


def _not_listed(revs: Sequence[str], cut: frozenset[str]) -> str:
    """What to do when git cannot list ``revs``: fetch, where a commit may simply not be here
    (a shallow clone, an id), else look at the names (a mistyped branch, ``HEAD~5`` past the
    first commit), which no fetch mends."""
    ends: list[str] = []
    for rev in revs:
        is_range = _RANGE.match(rev)
        ends += [is_range[1], is_range[3]] if is_range else [rev.lstrip("^")]
    if cut or any(_COMMIT_ID.fullmatch(end) for end in ends):
        return (
            "fetch the whole history (git fetch --unshallow; in CI, fetch-depth: 0 or "
            "GIT_DEPTH: 0) and name commits it holds"
        )
    return "name commits, branches or tags this repository holds (git log --oneline --all)"


def _cut(commit: str) -> str:
    """Why a commit where a shallow clone's history is cut is blocked."""
    return (
        f"the history is cut at commit {commit[:12]} (a shallow clone): what the commits before "
        "it in the range put in the repository cannot be read"
    )


MISSING = (
    "its content cannot be read here (a missing object: a shallow or partial clone), and it is "
    "in the history published"
)


def lfs_content(root: Path, pointer: bytes, env: dict[str, str] | None = None) -> bytes | None:
    """The content a Git LFS ``pointer`` stands for, from the repository's own LFS store
    (``git lfs fetch --all`` fills it), when it is there and its bytes have the pointer's
    sha256; else None (the content is not here to check)."""
    found = re.search(rb"^oid sha256:([0-9a-f]{64})\s*$", pointer, re.MULTILINE)
    if found is None:
        return None
    oid = found[1].decode()
    try:
        where = git(["rev-parse", "--path-format=absolute", "--git-common-dir"], root, env=env)
        data = (
            Path(os.fsdecode(where.strip())) / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
        ).read_bytes()
    except (UsageError, OSError):
        return None
    return data if hashlib.sha256(data).hexdigest() == oid else None
