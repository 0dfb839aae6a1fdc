"""The ledger's git remote: fetch its branch, push fast-forward only, and the refs a clone keeps
about it. Mechanics only: nothing here verifies a signature or decides what to trust
(:mod:`approval.ledger.replication` does).

A clone names one remote, ``origin``. What it fetched lands in ``refs/approval/fetched``, never
straight in ``refs/remotes/origin/ledger``: the tracking ref moves only to a head that was
verified, and ``refs/approval/verified`` remembers the last one, so that a later fetch whose head
does not descend from it can be refused as a rollback or a rewrite. A push is always a
fast-forward (no ``+``, no ``--force``): when someone else pushed first, the remote refuses it
and the caller fetches, rebuilds and tries again.

A fetch or a push given a :class:`~approval.ledger.git.Progress` runs through GitPython, which
reads git's progress meter for it (``approval sync`` and ``approval clone``); without one it
runs plain git, quietly: importing GitPython would cost a command more than its fetch (see
git.py). Both raise the same errors.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from approval.errors import UsageError
from approval.ledger import layout
from approval.ledger.git import Git, GitError, Progress, transfer
from approval.ledger.locks import turn
from approval.ledger.storage import Ledger

NAME = "origin"
TRACKING = "refs/remotes/origin/ledger"
FETCHED = "refs/approval/fetched"
VERIFIED = "refs/approval/verified"
# A local statement the shared ledger refused is kept under its statement id, never dropped.
REJECTED = "refs/approval/rejected/"
# The local history an accepted rewrite replaced (kept whole, as evidence).
REPLACED = "refs/approval/replaced/"
# Every office's set-aside statements are shared too (``approval sync`` pushes this clone's
# under the same names on the remote, never forced, never deleted): a fetch brings the remote's
# here, and each one this clone lacks is copied into REJECTED, never over one it holds.
INCOMING_REJECTED = "refs/approval/incoming/rejected/"
_STATEMENT_ID = re.compile(r"[0-9a-f]{64}")
_ZERO = "0" * 40

# One sync at a time per clone: they would only undo each other's rebuilds. Like the writers'
# lock in storage.py, it only spares work: every ref still moves by compare-and-swap.
LOCK_FILE = "approval-sync.lock"
LOCK_WAIT = 60.0

# git's words for "the remote has no ledger branch (yet)".
_NO_BRANCH = "couldn't find remote ref"
# A push the remote refused because its branch moved, or was being moved, under it: fetch,
# rebuild and try again. Any other refusal (a hook, a protected branch) is final.
_RETRY = ("fetch first", "non-fast-forward", "stale info", "failed to update ref", "failed to lock")
_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+(@[A-Za-z0-9._-]+)?:")


class Unreachable(UsageError):
    """The remote could not be read or written at all (network, path, permissions)."""

    def __init__(self, url: str, doing: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"cannot {doing} the shared ledger at {url}: {reason}")


@dataclass(frozen=True)
class Pushed:
    """What became of a push: ``ok``, or refused because the remote's branch moved first."""

    ok: bool
    reason: str = ""


def normalize_url(url: str) -> str:
    """``url`` as it is recorded: a local path made absolute (git would read a relative one
    against whatever directory a later command runs in), anything else as given."""
    text = url.strip()
    if not text:
        raise UsageError("the remote URL is empty")
    if "://" in text or (_SCP_LIKE.match(text) and not Path(text).exists()):
        return text
    return str(Path(text).expanduser().resolve())


def url(ledger: Ledger) -> str | None:
    """The remote this ledger shares with, or None for a ledger of its own."""
    done = _git(ledger).run(["config", "--get", f"remote.{NAME}.url"], check=False)
    value = done.stdout.decode("utf-8", "replace").strip()
    return value or None


def set_url(ledger: Ledger, remote_url: str) -> None:
    """Record ``remote_url`` as the ledger's remote (also for stock git: ``git fetch`` then
    updates ``origin/ledger``, which approval itself never trusts)."""
    git = _git(ledger)
    git.run(["config", f"remote.{NAME}.url", remote_url])
    git.run(["config", f"remote.{NAME}.fetch", f"+{layout.BRANCH}:{TRACKING}"])
    git.run(["config", f"remote.{NAME}.tagOpt", "--no-tags"])


def remote_head(git_dir: Path, remote_url: str) -> str | None:
    """The head of the ledger branch at ``remote_url`` without fetching it (None: no branch).
    ``git_dir`` need not exist yet: ``ls-remote`` needs no repository."""
    done = Git(git_dir).run(["ls-remote", "--heads", remote_url, layout.BRANCH], check=False)
    if done.returncode != 0:
        raise Unreachable(remote_url, "reach", _why(done.stderr.decode("utf-8", "replace")))
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        oid, _, ref = line.partition("\t")
        if ref == layout.BRANCH:
            return oid
    return None


# Settings that make git run a program on a fetch or a push. Set in the ledger directory's own
# config (one copied from someone else), they would run it as whoever syncs, with their keys
# at hand: refused there; the user's global config is where such settings belong.
_PROGRAMS = re.compile(r"core\.sshcommand|core\.gitproxy|core\.askpass|credential\.(?:.*\.)?helper")


def refuse_programs(ledger: Ledger) -> None:
    """A ``UsageError`` when the ledger's own git config names a program a fetch or a push
    would run (``core.sshCommand``, ``credential.helper``...); the user's global config, and
    ``GIT_SSH_COMMAND``, are where such settings belong."""
    done = _git(ledger).run(["config", "--local", "--name-only", "--list"], check=False)
    names = done.stdout.decode("utf-8", "replace").split()
    named = sorted({name for name in names if _PROGRAMS.fullmatch(name.lower())})
    if named:
        raise UsageError(
            f"the ledger's own git config sets {', '.join(named)}, which runs a program on "
            "every fetch and push: refused",
            hint="set it in your global git config (or GIT_SSH_COMMAND), and remove it from "
            f"the ledger's: git --git-dir {ledger.git_dir} config --unset {named[0]}",
        )


def fetch(ledger: Ledger, remote_url: str, *, progress: Progress | None = None) -> str | None:
    """Fetch the remote's ledger branch into ``refs/approval/fetched``; its head (None: the
    remote has no ledger branch yet). Nothing else moves."""
    refuse_programs(ledger)
    try:
        transfer(
            ledger.git_dir,
            [
                "fetch",
                "--no-tags",
                "--no-write-fetch-head",
                # No opportunistic update of origin/ledger: it moves only once verified.
                "--refmap=",
                *_no_remote_hooks("--upload-pack", remote_url),
                NAME,
                f"+{layout.BRANCH}:{FETCHED}",
                f"+{REJECTED}*:{INCOMING_REJECTED}*",
            ],
            progress=progress,
        )
    except GitError as e:
        if _NO_BRANCH in e.stderr:
            return None
        raise Unreachable(remote_url, "fetch", _why(e.stderr)) from e
    return ref(ledger, FETCHED)


def push(
    ledger: Ledger, remote_url: str, commit: str, *, progress: Progress | None = None
) -> Pushed:
    """Push ``commit`` as the remote's ledger branch, fast-forward only. A refusal because
    someone else pushed first is returned (fetch and try again); any other failure raises:
    :class:`Unreachable`, or :class:`UsageError` when the remote refuses for good."""
    refuse_programs(ledger)
    try:
        transfer(
            ledger.git_dir,
            [
                "push",
                "--porcelain",
                *_no_remote_hooks("--receive-pack", remote_url),
                NAME,
                f"{commit}:{layout.BRANCH}",
            ],
            progress=progress,
        )
    except GitError as e:
        refusal = ""
        for line in e.stdout.splitlines():
            if line.startswith("!\t"):
                refusal = line.split("\t")[-1]
        if not refusal:
            raise Unreachable(remote_url, "push to", _why(e.stderr)) from e
        if any(sign in refusal for sign in _RETRY):
            return Pushed(False, refusal)
        raise UsageError(
            f"the shared ledger at {remote_url} refused the push: {refusal}",
            hint="the remote's branch protection or hooks must let `ledger` move forward; "
            "this clone keeps its statements",
        ) from e
    point_head(remote_url)
    return Pushed(True)


def _no_remote_hooks(option: str, remote_url: str) -> list[str]:
    """For a remote on this machine (a directory on a file share), the program git runs on
    its side, without its hooks: git runs that side here, as this user, and the remote's
    ``hooks/`` (``pre-receive``, ``reference-transaction``...), which anyone who can write the
    share can fill, would run with the official's keys at hand. The program named here also
    overrides a ``remote.origin.receivepack`` / ``uploadpack`` set in the ledger's config. A
    remote reached over the network runs its own hooks on its own host, as a forge does."""
    if local_path(remote_url) is None:
        return []
    side = option.removeprefix("--")
    return [f"{option}=git -c core.hooksPath=/dev/null {side}"]


def local_path(remote_url: str) -> Path | None:
    """The directory of a remote on this machine (a path or a ``file://`` URL), else None."""
    if remote_url.startswith("file://"):
        return Path(remote_url.removeprefix("file://"))
    if "://" in remote_url or _SCP_LIKE.match(remote_url):
        return None
    return Path(remote_url)


def point_head(remote_url: str) -> None:
    """Point a bare remote's HEAD at the ledger branch when it names a branch that does not
    exist (``git init --bare`` leaves it at ``master`` or ``main``): then a plain ``git clone``
    of the remote checks out the ledger's files. A HEAD that names an existing branch was
    someone's choice and is left alone. Only a remote on this machine can be pointed (git's
    protocol cannot move HEAD); a failure here is not the push's: it is ignored."""
    path = local_path(remote_url)
    if path is None or not path.is_dir():
        return
    git = Git(path)
    named = git.run(["symbolic-ref", "-q", "HEAD"], check=False)
    target = named.stdout.decode("utf-8", "replace").strip()
    if named.returncode != 0 or target == layout.BRANCH:
        return  # detached, unreadable (another owner's, not safe.directory), or already so
    if git.run(["rev-parse", "-q", "--verify", target], check=False).returncode == 0:
        return
    git.run(["symbolic-ref", "HEAD", layout.BRANCH], check=False)


def ref(ledger: Ledger, name: str) -> str | None:
    """The commit ``name`` points at, or None when there is no such ref."""
    return ledger.resolve(name)


def set_ref(ledger: Ledger, name: str, commit: str) -> None:
    _git(ledger).run(["update-ref", name, commit])


def mark_verified(ledger: Ledger, commit: str, old: str | None) -> bool:
    """Remember ``commit`` as the remote's verified head, if the mark is still at ``old``
    (None: wherever it is), and show it to git users as ``origin/ledger``: one transaction.
    False when another process moved the mark first."""
    expect = f" {old}" if old is not None else ""
    lines = f"update {VERIFIED} {commit}{expect}\nupdate {TRACKING} {commit}\n"
    done = _git(ledger).run(["update-ref", "--stdin"], input=lines.encode(), check=False)
    return done.returncode == 0


def delete_ref(ledger: Ledger, name: str) -> None:
    _git(ledger).run(["update-ref", "-d", name], check=False)


def merge_base(ledger: Ledger, one: str, other: str) -> str | None:
    """The newest commit both histories share; None when they share none."""
    done = _git(ledger).run(["merge-base", one, other], check=False)
    if done.returncode == 1:
        return None
    if done.returncode != 0:
        raise GitError(["merge-base"], done.returncode, done.stderr.decode("utf-8", "replace"))
    return done.stdout.decode().strip()


def first_parent_log(ledger: Ledger, head: str, since: str | None = None) -> list[tuple[str, str]]:
    """(commit, subject) of every commit up to ``head`` (after ``since``), oldest first: one
    ``git log``, no entry read. The subject is ``<kind> <statement id>``."""
    out = _git(ledger).output(
        [
            "log",
            "--first-parent",
            "--reverse",
            "--no-color",
            "--format=%H %s",
            f"{since}..{head}" if since else head,
            "--",
        ]
    )
    log = []
    for line in out.splitlines():
        commit, _, subject = line.partition(" ")
        log.append((commit, subject))
    return log


def rejected(ledger: Ledger) -> dict[str, str]:
    """Statement id -> commit, for every statement set aside that this clone holds (its own,
    and other offices' fetched from the remote)."""
    return _refs(ledger, REJECTED)


def adopt_rejected(ledger: Ledger) -> list[str]:
    """Copy each set-aside statement the last fetch brought (INCOMING_REJECTED) that this
    clone does not hold into REJECTED: created only, never moved or deleted (a ref this clone
    holds under the same name stays as it is). The ids copied. Nothing here says they are
    genuine: ``approval.ledger.setaside`` verifies each before anyone is told of it."""
    theirs = _refs(ledger, INCOMING_REJECTED)
    ours = rejected(ledger)
    new = {s: c for s, c in theirs.items() if s not in ours and _STATEMENT_ID.fullmatch(s)}
    if not new:
        return []
    lines = "".join(f"create {REJECTED}{s} {c}\n" for s, c in sorted(new.items()))
    done = _git(ledger).run(["update-ref", "--stdin"], input=lines.encode(), check=False)
    if done.returncode != 0:  # one of them appeared meanwhile: each on its own
        for statement, commit in sorted(new.items()):
            _git(ledger).run(["update-ref", f"{REJECTED}{statement}", commit, _ZERO], check=False)
    return sorted(new)


def publish_rejected(ledger: Ledger, remote_url: str) -> list[str]:
    """Push each set-aside statement this clone holds that the remote lacked at the last
    fetch, under the same name, never forced: the remote keeps what it holds. The ids pushed
    (``Unreachable`` or ``UsageError`` as :func:`push`; a refusal of some of them is left for
    the next sync)."""
    theirs = _refs(ledger, INCOMING_REJECTED)
    mine = {s: c for s, c in rejected(ledger).items() if s not in theirs}
    if not mine:
        return []
    refspecs = [f"{c}:{REJECTED}{s}" for s, c in sorted(mine.items())]
    hooks = _no_remote_hooks("--receive-pack", remote_url)
    try:
        transfer(ledger.git_dir, ["push", "--porcelain", *hooks, NAME, *refspecs])
    except GitError as e:
        if not any(line.startswith("!\t") for line in e.stdout.splitlines()):
            raise Unreachable(remote_url, "push to", _why(e.stderr)) from e
        raise UsageError(
            f"the shared ledger at {remote_url} refused statements set aside here "
            f"({len(refspecs)}): {_why(e.stderr)}",
            hint=f"the remote must accept new refs under {REJECTED}; they are kept here",
        ) from e
    return sorted(mine)


def _refs(ledger: Ledger, prefix: str) -> dict[str, str]:
    out = _git(ledger).output(["for-each-ref", "--format=%(refname) %(objectname)", prefix])
    found = {}
    for line in out.splitlines():
        name, _, commit = line.partition(" ")
        found[name.removeprefix(prefix)] = commit
    return found


@contextlib.contextmanager
def sync_lock(ledger: Ledger) -> Iterator[None]:
    """Take this clone's turn to sync (see LOCK_FILE), or go ahead without it: on a read-only
    clone (its refs cannot move either), or after LOCK_WAIT behind a sync that hung."""
    with turn(ledger.git_dir / LOCK_FILE, wait=LOCK_WAIT, poll=0.005):
        yield


def _git(ledger: Ledger) -> Git:
    return Git(ledger.git_dir)


def _why(stderr: str) -> str:
    """git's first error line, without its prefix: what the user needs to see."""
    lines = [line.strip() for line in stderr.splitlines()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line.split(":", 1)[1].strip()
    return next((line for line in lines if line), "git gave no reason")
