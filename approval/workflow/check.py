"""``approval check``: the gate for CI and pre-commit. The same decision ``export`` takes, for
every file under some paths (or every staged file): clean or approved passes, anything else
fails.

Scans are cached by the file's sha256, its extension (the scanner reads some formats by it),
the policy in force and the scanner's own code: an unchanged file is hashed, not scanned again.
Every file is hashed on every run, never trusted from its size or time as git's index does: a
cached result is only ever the scan of the very bytes just read. The decision is never cached:
it is taken from the ledger each time, so an approval that expired or was revoked fails the
next run.

A warm run over thousands of unchanged files is mostly fixed cost, so the per-file work is kept
to a hash, one dictionary lookup in the scope's cached scans (read in one query), and a shared
decision for clean files; nothing that only a scan needs (the scanner, its readers) is imported.

A cold run (files not scanned before, a fresh CI runner) scans on every core it may use
(``--jobs``): this process and worker processes take the files, largest first, and the
reports come back in the files' order, the same as one process would make them. A scan that
fails, here or in a worker, or whose worker dies, makes its file unscannable: blocked.

A file left out by rules (git's ignore rules from any source, ``.approvalignore``) is still
served by a web server from the same directory: it is scanned too, with the same cache, and one
that holds protected data, or cannot be scanned (encrypted, corrupt; not merely compiled code
or media, which every ignored ``.venv`` holds), blocks unless approved (format
``left-out-file``, the rule named); a clean one is only named.

A push publishes its history, not only its last tree: with ``commits`` (``--commits
BASE..HEAD``), every path and blob that a commit of the range added or changed
(``files.history``) is checked too, as a file of its own shown ``<commit>:<path>``: written once
to a private directory and scanned from there, decided by its sha256, its path in the commit
read as a name, the work tree's ``.approvalignore`` applied as to a left-out file.

Without a ledger (no ``--ledger``, no ``$APPROVAL_LEDGER``) the check still runs, under the
bundled default policy, and fails closed: clean files pass; a protected or unscannable file
cannot be approved without a ledger, so it fails, with a hint.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from approval.detect.report import CLEAN, UNSCANNABLE, FileReport, Finding
from approval.files.worktree import (
    FOREIGN_REPOSITORY,
    LFS_POINTER,
    REPOSITORY,
    SPECIAL,
    UNREADABLE,
    Listed,
    Note,
    is_lfs_pointer,
)
from approval.policy import Policy
from approval.statements import now
from approval.trust.decision import Decision, decide
from approval.trust.gating import APPROVED as APPROVED  # the words of a file's status
from approval.trust.gating import BLOCKED as BLOCKED
from approval.trust.gating import CLEAN_WORD as CLEAN_WORD
from approval.trust.gating import classes_of, status_of

if TYPE_CHECKING:
    from approval.detect.names import NamedData
    from approval.detect.units import Part

NO_LEDGER = "no ledger is configured: a file with protected or unscannable data cannot be approved"
NO_LEDGER_HINT = "pass --ledger DIR or set $APPROVAL_LEDGER, or redact the file"
# Reads while hashing: most published files fit the first; a larger file continues in larger
# chunks. Not 1 MiB from the start: os.read allocates what it is asked for, and asking 1 MiB
# twice per small file (its bytes, then the end) costs more than hashing it (measured: 6.7 us a
# file against 5.2 us, 5,000 files of a few hundred bytes).
_FIRST_READ = 64 * 1024
_HASH_CHUNK = 1024 * 1024
_CLEAN_PREFIX = f"{CLEAN} "


@dataclass(frozen=True)
class Checked:
    """One file: its scan (fresh or cached) and the ledger's decision (None without a ledger);
    or something blocked without a scan (``refusal``: a repository inside the tree, a
    directory that cannot be read), which no approval lets out."""

    path: str
    report: FileReport
    decision: Decision | None
    cached: bool
    refusal: str | None = None
    # The commit that put it in the repository, for a blob of a range (``--commits``); its
    # path is then ``<commit>:<path>``, the commit shortened.
    commit: str = ""

    @property
    def status(self) -> str:
        if self.refusal is not None:
            return BLOCKED
        return status_of(self.report, self.decision)

    @property
    def passes(self) -> bool:
        return self.status != BLOCKED

    def to_dict(self) -> dict[str, Any]:
        out = self.report.to_dict()
        out["path"] = self.path
        out["status"] = self.status
        out["cached"] = self.cached
        out["decision"] = self.decision.to_dict() if self.decision is not None else None
        if self.commit:
            out["commit"] = self.commit
        if self.refusal is not None:
            out["reason"] = self.refusal
        elif self.decision is None and not self.passes:
            out["reason"] = out.get("reason") or NO_LEDGER
        return out

    @classmethod
    def refused(cls, note: Note) -> Checked:
        kind = _REFUSED_KINDS.get(note.reason) or note.kind or "link"
        report = FileReport(note.path, "", 0, kind, UNSCANNABLE, reason=note.reason)
        return cls(note.path, report, None, False, note.reason)


# What a refused thing is, by its reason (else the note says, else a link): the report's
# ``format``, which picks the hint (``cli/check.py``).
_REFUSED_KINDS = {
    REPOSITORY: "repository",
    FOREIGN_REPOSITORY: "foreign-repository",
    SPECIAL: "special",
    UNREADABLE: "directory",
    LFS_POINTER: "lfs-pointer",
}


@dataclass(frozen=True)
class CheckResult:
    files: tuple[Checked, ...]
    left_out: tuple[str, ...]  # by .approvalignore
    policy: Policy
    with_ledger: bool
    scanned: int  # files scanned now (the others came from the cache)
    skipped: tuple[Note, ...] = ()  # not checked, not blocking (dangling links, loops...)
    outside: tuple[Note, ...] = ()  # links leaving the checked tree: what they reach is checked
    # Left out because git ignores them (an ignored directory once, ending in "/"); empty with
    # include_ignored, which checks them.
    git_ignored: tuple[str, ...] = ()
    # How many commits a range (``--commits``) held, whose blobs are among ``files``; None
    # when no range was checked.
    commits: int | None = None

    @property
    def unchanged(self) -> int:
        """Files whose scan came from the cache."""
        return sum(1 for f in self.files if f.cached)

    @property
    def ignored(self) -> int:
        """How many files ``.approvalignore`` left out."""
        return len(self.left_out)

    @property
    def exit_code(self) -> int:
        from approval.errors import EXIT_BLOCKED, EXIT_OK

        return EXIT_BLOCKED if self.count(BLOCKED) else EXIT_OK

    def count(self, status: str) -> int:
        return self._counts[status]

    @cached_property
    def _counts(self) -> Counter[str]:
        # Counted once: the summary, the exit code and the JSON each ask (5,000 files, 4 times).
        return Counter(f.status for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "files": [f.to_dict() for f in self.files],
            "summary": {
                "files": len(self.files),
                CLEAN_WORD: self.count(CLEAN_WORD),
                APPROVED: self.count(APPROVED),
                BLOCKED: self.count(BLOCKED),
                "ignored": self.ignored,
                "skipped": len(self.skipped),
                "outside": len(self.outside),
                "scanned": self.scanned,
                "git_ignored": len(self.git_ignored),
                **({"commits": self.commits} if self.commits is not None else {}),
            },
            "ignored": list(self.left_out),
            "skipped": [note.to_dict() for note in self.skipped],
            "outside": [note.to_dict() for note in self.outside],
            "git_ignored": list(self.git_ignored),
        }


@cache
def scanner_digest() -> str:
    """A digest of the scanner's code: a cached scan made by another scanner is not reused."""
    from approval import __version__

    root = Path(__file__).resolve().parent.parent / "detect"
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def check(
    ledger: Path | None,
    paths: Sequence[Path],
    *,
    staged: bool = False,
    jobs: int | None = None,
    include_ignored: bool = False,
    commits: Sequence[str] = (),
) -> CheckResult:
    """Check every file under ``paths`` (or the staged files, restricted to ``paths``), and
    with ``commits`` (``git rev-list`` arguments: ``BASE..HEAD``) every blob those commits
    added or changed, in the repository of the current directory (``files.history``).

    Files not in the scan cache are scanned on up to ``jobs`` processes (default: the cores
    this process may use; 1: here, one after another); the result is the same either way.
    Inside a git work tree, what git ignores is named and left out, or checked too with
    ``include_ignored`` (a web root deployed as a checkout serves it)."""
    if not commits:
        return _check(ledger, paths, staged, jobs, include_ignored, None)
    import tempfile

    # The blobs of the range, each written once to a private directory, are scanned as files
    # (by a worker too), not held in memory: a whole history may be large.
    with tempfile.TemporaryDirectory(prefix="approval-history-") as spill:
        history = _history_items(commits, Path(spill))
        return _check(ledger, paths, staged, jobs, include_ignored, history)


def _check(
    ledger: Path | None,
    paths: Sequence[Path],
    staged: bool,
    jobs: int | None,
    include_ignored: bool,
    history: _History | None,
) -> CheckResult:
    from approval.files.pool import default_jobs
    from approval.ledger.storage import LEDGER_ENV
    from approval.policy import default_policy

    workers = default_jobs() if jobs is None else jobs

    items, listing, loose, rules = _items(paths, staged, include_ignored)
    names: dict[str, str] = {}
    links: list[Checked] = []
    if history is not None:
        items, loose, rules = items + history.items, loose + history.loose, rules + history.rules
        listing = replace(
            listing,
            refused=listing.refused + history.refused,
            ignored=listing.ignored + history.ignored,
        )
        names, links = history.names, history.links
    commits = history.commits if history is not None else None
    refused = tuple(Checked.refused(note) for note in listing.refused)
    notes = (listing.skipped, listing.outside, listing.git_ignored)
    every = [*items, *loose]
    if ledger is None and not os.environ.get(LEDGER_ENV):
        policy = default_policy()
        reports, _ = _scan_all(every, policy, None, "", workers)
        pairs = list(zip(every, reports, strict=True))
        files = tuple(
            Checked(i.path, r, None, False, commit=i.commit) for i, r in pairs[: len(items)]
        )
        files += _left_out(pairs[len(items) :], rules, None, set())
        quiet = _named_only(pairs[len(items) :], None, set()) + links
        named, found = _names_checked(files, paths, policy, None, "", quiet, names)
        listing, notes = _names_hidden(listing, notes, found, policy)
        return CheckResult(
            tuple(named) + refused, listing.ignored, policy, False, len(every), *notes, commits
        )

    from approval.ledger.session import opened

    with opened(ledger) as (_, view):
        adoption = view.state_for(()).current
        policy = adoption.policy
        scope = f"{policy.id}:{policy.version}:{adoption.id[:16]}:{scanner_digest()}"
        reports, fresh = _scan_all(every, policy, view.db, scope, workers)
        # A clean file needs no approval whatever the ledger holds about it: no slice to read.
        state = view.state_for({r.sha256 for r in reports if r.verdict != CLEAN})
        at = now()
        # No rule applies to a clean file: its decision depends on the policy in force alone.
        clean = decide(state, "", at, classes=())
        checked = []
        decisions = []
        for item, report in zip(every, reports, strict=True):
            decision = (
                clean
                if report.verdict == CLEAN
                else decide(
                    state, report.sha256, at, classes=classes_of(report), found=report.summary()
                )
            )
            decisions.append(decision)
            cached = item.path not in fresh
            checked.append(Checked(item.path, report, decision, cached, commit=item.commit))
        n = len(items)
        pairs = list(zip(every[n:], reports[n:], strict=True))
        checked[n:] = _left_out(pairs, rules, decisions[n:], fresh)
        quiet = _named_only(pairs, decisions[n:], fresh) + links
        checked, found = _names_checked(checked, paths, policy, view.db, scope, quiet, names)
        listing, notes = _names_hidden(listing, notes, found, policy)
    return CheckResult(
        tuple(checked) + refused, listing.ignored, policy, True, len(fresh), *notes, commits
    )


def _named_only(
    pairs: Sequence[tuple[_Item, FileReport]], decisions: Sequence[Decision] | None, fresh: set[str]
) -> list[Checked]:
    """The left-out files that are only named (clean, or media): their names are published
    all the same, so they are read as data too (``_names_checked``)."""
    return [
        Checked(
            item.path,
            report,
            decisions[n] if decisions is not None else None,
            item.path not in fresh,
            commit=item.commit,
        )
        for n, (item, report) in enumerate(pairs)
        if report.verdict == CLEAN or _inert(report)
    ]


def _names_hidden(
    listing: Listed,
    notes: tuple[tuple[Note, ...], tuple[Note, ...], tuple[str, ...]],
    found: set[str],
    policy: Policy,
) -> tuple[Listed, tuple[tuple[Note, ...], tuple[Note, ...], tuple[str, ...]]]:
    """The lists of left-out files with each name that holds protected data redacted."""
    if not found:
        return listing, notes
    ignored = tuple(_redacted_path(p, policy) if p in found else p for p in listing.ignored)
    git_ignored = tuple(_redacted_path(p, policy) if p in found else p for p in notes[2])
    return replace(listing, ignored=ignored), (notes[0], notes[1], git_ignored)


def _names_checked(
    checked: Sequence[Checked],
    roots: Sequence[Path],
    policy: Policy,
    db: Any,
    scope: str,
    quiet: Sequence[Checked] = (),
    names: Mapping[str, str] | None = None,
) -> tuple[list[Checked], set[str]]:
    """``checked``, each file whose published path (relative to the tree checked) holds
    protected data blocked, named redacted (``detect.names``): a web server lists and serves
    it under that name, whatever it holds; and the files of ``quiet`` (left out, and only
    named) whose names do, blocked the same way. Also the paths so found. A listing found
    clean is cached under the listing's digest, so that a warm check does not read the names
    again. ``names``: the published name of each blob of a range (``--commits``) by its path
    shown, its path in its commit: read each alone, since no one listing shows them all."""
    names = names or {}
    every = [*checked, *quiet]
    published = {
        c.path: _published(c.path, roots)
        for c in every
        if c.refusal is None and c.path not in names
    }
    history = {c.path: names[c.path] for c in every if c.refusal is None and c.path in names}
    found = {
        **_named(published, policy, db, scope, alone=False),
        **_named(history, policy, db, scope, alone=True),
    }
    if not found:
        return list(checked), set()
    out = []
    paths = set()
    for n, c in enumerate(every):
        named = found.get(c.path)
        if named is None or c.refusal is not None:
            if n < len(checked):
                out.append(c)
            continue
        paths.add(c.path)
        # Shown redacted, in the text, the JSON and the CI log alike.
        shown = _redacted_path(c.path, policy)
        report = replace(c.report, path=shown)
        out.append(replace(c, path=shown, report=report, refusal=named.reason))
    return out, paths


_NAMES_CLEAN = "clean"


def _named(
    published: Mapping[str, str], policy: Policy, db: Any, scope: str, *, alone: bool
) -> dict[str, NamedData]:
    """What ``detect.names`` finds in the names ``published`` (the name of each path shown),
    by the path shown: the names read as one listing, or each ``alone``. Nothing when the
    same listing was found clean before (the cache)."""
    from approval.ledger.snapshot import cached_scans, save_scans

    if not published:
        return {}
    listing = "\n".join(sorted(set(published.values())))
    digest = hashlib.sha256(listing.encode("utf-8", "surrogateescape")).hexdigest()
    key = f"names{'-alone' if alone else ''}:{digest}"
    if db is not None and scope and cached_scans(db, scope, {key}).get(key) == _NAMES_CLEAN:
        return {}
    from approval.detect.names import name_holds_data, protected_names

    found = protected_names(sorted(set(published.values())), policy)
    if alone and found:
        # Persons named across paths only block every path of a listing a server shows at
        # once; the names of a history are not one listing: only those that say it alone.
        found = {name: named for name in found if (named := name_holds_data(name, policy))}
    if not found:
        if db is not None and scope:
            save_scans(db, scope, {key: _NAMES_CLEAN})
        return {}
    return {path: found[name] for path, name in published.items() if name in found}


def _published(path: str, roots: Sequence[Path]) -> str:
    """``path`` as the web server publishes it: relative to the tree checked (the folders
    above it are the checker's, not the site's), a file given alone by its own name."""
    best = ""
    for root in roots:
        prefix = str(root).rstrip("/")
        if path == prefix:
            return Path(path).name
        if path.startswith(prefix + "/") and len(prefix) > len(best):
            best = prefix
    return path[len(best) + 1 :] if best else path


def _redacted_path(path: str, policy: Policy) -> str:
    from approval.detect.strings import safe_text

    return safe_text(path, policy)


# The ``format`` of a file left out by ignore rules that is blocked all the same: it holds
# protected data, or cannot be scanned, and is not approved.
LEFT_OUT_FILE = "left-out-file"


def left_out_refusal(rule: str, report: FileReport) -> str:
    """Why a left-out file is blocked: the rule, and what it holds (classes, never data)."""
    if report.verdict == UNSCANNABLE:
        holds = f"it cannot be scanned ({report.reason or 'unreadable'})"
    else:
        holds = f"it holds protected data ({', '.join(sorted(report.classes)) or 'found'})"
    return f"left out by {rule}, but {holds}: a web server serves it all the same"


def _left_out(
    pairs: Sequence[tuple[_Item, FileReport]],
    rules: Sequence[str],
    decisions: Sequence[Decision] | None,
    fresh: set[str],
) -> tuple[Checked, ...]:
    """The left-out files that are not merely named: approved ones (passing), and those that
    hold protected or unscannable data and are not approved (blocked, with the rule)."""
    out = []
    for n, ((item, report), rule) in enumerate(zip(pairs, rules, strict=True)):
        if report.verdict == CLEAN or _inert(report):
            continue  # named as left out, as before
        decision = decisions[n] if decisions is not None else None
        cached = item.path not in fresh if decisions is not None else False
        if decision is not None and decision.allowed:
            out.append(Checked(item.path, report, decision, cached, commit=item.commit))
            continue
        blocked = replace(report, format=LEFT_OUT_FILE)
        why = left_out_refusal(rule, report)
        out.append(Checked(item.path, blocked, decision, cached, why, item.commit))
    return tuple(out)


# Left out, a file of these kinds is named, not blocked, though the scanner cannot read it:
# compiled code, libraries and media, which every ignored .venv or node_modules is full of
# (5,000 files of a .venv: 2,111 of them). Checked, they block as any unscannable file; and a
# left-out file that is encrypted, corrupt or a document the scanner cannot read still blocks.
_INERT_FORMATS = (
    *("application/octet-stream", "application/x-executable", "application/x-sharedlib"),
    *("application/x-mach-binary", "application/x-dosexec", "image/", "font/", "audio/"),
    "video/",
)
_UNSUPPORTED = "unsupported format: "


def _inert(report: FileReport) -> bool:
    """Whether an unscannable left-out file is of a kind that holds no records to read."""
    reason = report.reason or ""
    return (
        report.verdict == UNSCANNABLE
        and reason.startswith(_UNSUPPORTED)
        and reason[len(_UNSUPPORTED) :].startswith(_INERT_FORMATS)
    )


def _left_out_items(files: Sequence[tuple[str, str]]) -> tuple[list[_Item], list[str]]:
    """Each left-out file to scan, hashed as a checked file is, with its rule; one that is
    gone, or a Git LFS pointer (its content is not here to serve), is not scanned."""
    items, rules = [], []
    splitext = os.path.splitext
    for file, rule in files:
        hashed = _hash(file)
        if hashed is None or hashed is _POINTER:
            continue
        items.append(_Item(file, splitext(file)[1].lower(), *hashed))
        rules.append(rule)
    return items, rules


# -- what to check --------------------------------------------------------------------------


class _Item(NamedTuple):
    """One file to check: its display path, its bytes' sha256 and size, and the staged bytes
    (None: the file at ``path`` is scanned). A tuple: 5,000 are made on every run."""

    path: str
    suffix: str
    sha256: str
    size: int
    data: bytes | None = None
    where: str = ""  # where to read the file when not at ``path`` (a worker's absolute path)
    commit: str = ""  # the commit that put it in the repository (``--commits``), in full


def _items(
    paths: Sequence[Path], staged: bool, include_ignored: bool = False
) -> tuple[list[_Item], Listed, list[_Item], list[str]]:
    """The files to check; what lists them; and the files left out by rules, with each one's
    rule: published all the same, they are scanned too (with the same cache), and one that is
    not clean blocks unless approved; clean ones are only named (``_left_out``)."""
    if staged:
        return _staged_items(paths)
    items, listed = _tree_items(paths, include_ignored)
    return items, listed, *_left_out_items(listed.left_out_files)


def _tree_items(paths: Sequence[Path], include_ignored: bool) -> tuple[list[_Item], Listed]:
    from approval.files.worktree import GONE, list_files

    listed = list_files(paths, include_ignored=include_ignored)
    items = []
    gone = []
    pointers = []
    splitext = os.path.splitext
    for file in listed.files:
        hashed = _hash(file)
        if hashed is None:
            gone.append(Note(file, GONE))  # removed since it was listed: nothing to publish
            continue
        if hashed is _POINTER:
            pointers.append(Note(file, LFS_POINTER))
            continue
        # Strings, not Path: 5,000 of them on every run.
        items.append(_Item(file, splitext(file)[1].lower(), *hashed))
    # Tracked files the work tree does not show: what git holds for them, as staged bytes are.
    items += [_staged_item(copy.shown, copy.path, copy.data) for copy in listed.committed]
    if gone:
        listed = replace(listed, skipped=listed.skipped + tuple(gone))
    if pointers:
        listed = replace(listed, refused=listed.refused + tuple(pointers))
    return items, listed


def _scan(policy: Policy, item: _Item) -> FileReport:
    """The scan of one item, here or in a worker process (``approval.files.pool``: a
    module-level function, the policy first), reported under ``item.path``."""
    # Imported here: a warm check that scans nothing never loads the scanner.
    from approval.detect.scan import scan_file

    if item.data is None:
        return scan_file(Path(item.where or item.path), policy, display_name=item.path)
    import tempfile

    # The scanner reads files; the staged bytes get one of their own, under their own name
    # (some formats are recognised by extension), in a private temporary directory.
    with tempfile.TemporaryDirectory(prefix="approval-staged-") as directory:
        copy = Path(directory) / Path(item.path).name
        copy.write_bytes(item.data)
        return scan_file(copy, policy, display_name=item.path)


def _failed(item: _Item, why: str) -> FileReport:
    """What a scan that failed (raised, or its process ended) reports: unscannable, and about
    no bytes (no sha256), so that no approval of any file lets it through."""
    reason = f"the scan {why}"
    return FileReport(item.path, "", item.size, "unknown", UNSCANNABLE, reason=reason)


def _staged_items(paths: Sequence[Path]) -> tuple[list[_Item], Listed, list[_Item], list[str]]:
    """The staged bytes of each staged file, kept in memory until scanned (a commit's worth); a
    staged link by what it reaches in the work tree, or blocked (``staged_link``). The files a
    staged ``.approvalignore`` leaves out are committed and published all the same: their
    staged bytes are scanned as left-out files, with the rule."""
    from approval.files.worktree import (
        LINK_MODE,
        BlobReader,
        filtered_content,
        list_staged,
        staged_link,
    )

    listed = list_staged(paths)
    root = listed.root
    items = []
    refused = [Note(_shown(root, n.path), n.reason, n.kind) for n in listed.refused]
    skipped = [Note(_shown(root, n.path), n.reason) for n in listed.skipped]
    outside: list[Note] = []
    loose: list[_Item] = []
    rules: list[str] = []
    # The left-out files (with their rule) are committed all the same: read as a staged file
    # is, into ``loose``. A left-out link that cannot be followed here stays left out: that is
    # what .approvalignore is for (README).
    every = [*((staged, None) for staged in listed.files), *listed.left_out]
    with BlobReader(root, listed.objects) as reader:
        for staged, rule in every:
            data = reader.read(staged.blob)
            shown = _shown(root, staged.path)
            if data is None:  # never passed unread (fail closed)
                refused.append(
                    Note(shown, "the staged content cannot be read from the index", "staged")
                )
                continue
            if staged.mode == LINK_MODE:
                reached = staged_link(root, staged, data)
                found = _reached_items(root, reached.files, refused)
                if rule is not None:
                    loose += found
                    rules += [rule] * len(found)
                    continue
                items += found
                for notes, into in ((reached.refused, refused), (reached.skipped, skipped),
                                    (reached.outside, outside)):  # fmt: skip
                    into += [replace(n, path=_shown(root, n.path)) for n in notes]
                continue
            if staged.filter or is_lfs_pointer(data, len(data)):
                # The blob is a clean filter's output (a Git LFS pointer): the content is what
                # the work tree holds, if it is what was staged; else nothing can be read.
                content = filtered_content(root, staged, data)
                if content.data is None:
                    refused.append(Note(shown, content.refusal, content.kind))
                    continue
                data = content.data
            if rule is None:
                items.append(_staged_item(shown, staged.path, data))
            else:
                loose.append(_staged_item(shown, staged.path, data))
                rules.append(rule)
    ignored = tuple(_shown(root, path) for path in listed.ignored)
    listing = Listed((), ignored, tuple(refused), tuple(skipped), tuple(outside))
    return items, listing, loose, rules


class _History(NamedTuple):
    """The blobs a range of commits introduced (``--commits``), as ``_items`` gives files:
    to check; left out by the work tree's ``.approvalignore``, with each one's rule (scanned
    all the same); refused; the left-out ones as shown; the published name of each by its
    path shown; links, named only; and how many commits the range held."""

    items: list[_Item]
    loose: list[_Item]
    rules: list[str]
    refused: tuple[Note, ...]
    ignored: tuple[str, ...]
    names: dict[str, str]
    links: list[Checked]
    commits: int


# The kind of a refusal to pass a blob of the range that cannot be read, which picks the hint.
HISTORY = "history"


def _history_items(commits: Sequence[str], spill: Path) -> _History:
    """Each path and blob the commits ``commits`` (``git rev-list`` arguments) added or
    changed, in the repository of the current directory, checked as a file: its bytes
    written once to ``spill`` under its own name (some formats are recognised by it), shown
    as ``<commit>:<path>``. A link (mode 120000) is not followed, which here means nothing:
    its path and target are read as names. A Git LFS pointer stands for the content in the
    repository's LFS store, checked when it is there (``git lfs fetch --all``), else refused;
    a blob that cannot be read is refused (a shallow or partial clone)."""
    from approval.files.history import (
        MISSING,
        SHALLOW,
        introduced,
        lfs_content,
        repository,
        revisions,
    )
    from approval.files.worktree import LINK_MODE, BlobReader, approvalignore_rules

    revs = revisions(commits)
    root, work_tree = repository(Path.cwd())
    history = introduced(root, revs)
    rules = approvalignore_rules(root, [f.path for f in history.files]) if work_tree else {}
    out = _History([], [], [], (), (), {}, [], history.commits)
    refused = list(history.refused)
    ignored = []
    spilt: dict[str, tuple[str, str, int]] = {}  # blob: (a copy of it, sha256, size)
    with BlobReader(root, history.objects) as reader:
        for file in history.files:
            shown = file.shown
            if file.mode == LINK_MODE:
                data = reader.read(file.blob)
                if data is None:
                    refused.append(Note(shown, MISSING, SHALLOW))
                    continue
                sha256 = hashlib.sha256(data).hexdigest()
                report = FileReport(shown, sha256, len(data), "link", CLEAN)
                out.links.append(Checked(shown, report, None, False, commit=file.commit))
                out.names[shown] = f"{file.path} {os.fsdecode(data)}"
                continue
            copy = spilt.get(file.blob)
            data = None if copy else reader.read(file.blob)
            if copy is None and data is None:
                refused.append(Note(shown, MISSING, SHALLOW))
                continue
            if data is not None and is_lfs_pointer(data, len(data)):
                data = lfs_content(root, data)
                if data is None:
                    why = f"{LFS_POINTER}: fetch every version (git lfs fetch --all), then check"
                    refused.append(Note(shown, why, "lfs-pointer"))
                    continue
            try:
                where, sha256, size = _spill(spill, file.path, file.blob, data, copy)
            except OSError as e:
                why = f"cannot be written where it is scanned: {e.strerror or e}"
                refused.append(Note(shown, why, HISTORY))
                continue
            spilt.setdefault(file.blob, (where, sha256, size))
            suffix = Path(file.path).suffix.lower()
            item = _Item(shown, suffix, sha256, size, where=where, commit=file.commit)
            out.names[shown] = file.path
            if file.path in rules:
                out.loose.append(item)
                out.rules.append(rules[file.path])
                ignored.append(shown)
            else:
                out.items.append(item)
    return out._replace(refused=tuple(refused), ignored=tuple(ignored))


def _spill(
    spill: Path, path: str, blob: str, data: bytes | None, copy: tuple[str, str, int] | None
) -> tuple[str, str, int]:
    """Where the blob ``blob`` (``data``, or already written as ``copy``) is to be scanned
    under the name of ``path``, its sha256 and size: written once, linked under each other
    name it is met with."""
    name = path.rpartition("/")[2]
    if name in ("", ".", "..") or len(os.fsencode(name)) > 200:
        name = "blob" + Path(name).suffix[-16:]
    where = spill / blob / name
    if copy is not None and copy[0] == str(where):
        return copy
    where.parent.mkdir(exist_ok=True)
    if copy is not None:
        os.link(copy[0], where)
        return str(where), copy[1], copy[2]
    assert data is not None
    where.write_bytes(data)
    return str(where), hashlib.sha256(data).hexdigest(), len(data)


def _staged_item(shown: str, path: str, data: bytes) -> _Item:
    return _Item(
        shown, Path(path).suffix.lower(), hashlib.sha256(data).hexdigest(), len(data), data
    )


def _reached_items(
    root: Path, files: Sequence[tuple[str, str]], refused: list[Note]
) -> list[_Item]:
    """The files a staged link reaches, as items read from the work tree (``where``), shown
    under the link's path, hashed here as a tree's files are; an LFS pointer to ``refused``."""
    items = []
    for relative, where in files:
        hashed = _hash(where)
        shown = _shown(root, relative)
        if hashed is _POINTER:
            refused.append(Note(shown, LFS_POINTER))
            continue
        # Gone since it was found: its scan says it cannot be read (blocked).
        sha256, size = hashed or ("", 0)
        items.append(_Item(shown, Path(where).suffix.lower(), sha256, size, where=where))
    return items


def _shown(root: Path, relative: str) -> str:
    """A staged path as people see it: relative to the current directory where possible."""
    absolute = root / relative
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return relative


# What ``_hash`` says of a Git LFS pointer: not the content, which is elsewhere (blocked).
_POINTER = ("", -1)
_POINTER_SIZE = 1024  # a pointer is smaller (the LFS spec)


def _hash(file: str) -> tuple[str, int] | None:
    """The sha256 and size of a file; None when it is not there to publish (gone, or a
    directory); ("", 0) when it cannot be read, which its scan then reports (fail closed);
    ``_POINTER`` for a Git LFS pointer."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        # Non-blocking: opening a named pipe with no writer must not hang the gate.
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return "", 0
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            return None
        if not stat.S_ISREG(mode):
            return "", 0  # a pipe, a device, a socket: its scan says "not a regular file"
        os.set_blocking(fd, True)
        want = _FIRST_READ
        # Read to the end (an empty read), never stopping at a short one: a short read is not
        # proof of the end on every file system, and a hash of a prefix could name the cached
        # scan of an earlier, shorter version of the file.
        while chunk := os.read(fd, want):
            if size < _POINTER_SIZE:  # the first read, nearly always: a pointer is small
                head += chunk
            digest.update(chunk)
            size += len(chunk)
            want = _HASH_CHUNK if len(chunk) == want else _FIRST_READ
    except IsADirectoryError:
        return None
    except OSError:
        return "", 0
    finally:
        os.close(fd)
    if is_lfs_pointer(head, size):
        return _POINTER
    return digest.hexdigest(), size


# -- scanning, with the cache -----------------------------------------------------------------


def _scan_all(
    items: Sequence[_Item], policy: Policy, db: Any, scope: str, jobs: int
) -> tuple[list[FileReport], set[str]]:
    """A report per item, from the cache where it has one, else scanned now (on up to ``jobs``
    processes); the paths scanned now."""
    from approval.ledger.snapshot import cached_scans, save_scans

    # An unreadable file (no sha256) and a check without a ledger (no scope) are never cached.
    keys = [f"{i.sha256}:{i.suffix}" if i.sha256 and scope else "" for i in items]
    known = cached_scans(db, scope, {k for k in keys if k}) if db is not None and scope else {}
    reports: list[FileReport | None] = []
    cold: list[int] = []
    for n, (item, key) in enumerate(zip(items, keys, strict=True)):
        saved = known.get(key) if key else None
        report = _from_cache(saved, item) if saved is not None else None
        if report is None:
            cold.append(n)
        reports.append(report)
    fresh: set[str] = set()
    new: dict[str, str] = {}
    # The same bytes under the same extension are scanned once (a blob met in many commits
    # of a range, copies of one file): the others take its report, when it is about them.
    first: dict[str, int] = {}
    again: list[int] = []
    for n in cold:
        same = f"{items[n].sha256}:{items[n].suffix}" if items[n].sha256 else ""
        if same and same in first:
            again.append(n)
        elif same:
            first[same] = n
    if again:
        later = set(again)
        cold = [n for n in cold if n not in later]
    if cold:
        from approval.detect.readers import READER_MODULES
        from approval.files.pool import Failed, map_ordered

        # A worker's current directory is not this one: it is told where each file is.
        todo = [items[n]._replace(where=str(Path(items[n].where or items[n].path).absolute()))
                for n in cold]  # fmt: skip
        sizes = [item.size for item in todo]
        if sum(sizes) < _POOL_BYTES:
            jobs = 1
        preload = ("approval.detect.scan", *READER_MODULES)
        scans = map_ordered(_scan, policy, todo, jobs=jobs, sizes=sizes, preload=preload)
        for n, scanned in zip(cold, scans, strict=True):
            item = items[n]
            report = _failed(item, scanned.reason) if isinstance(scanned, Failed) else scanned
            reports[n] = report
            fresh.add(item.path)
            # Only a scan of the bytes hashed may be cached under their hash: the scanner
            # hashes the bytes its readers parse, from one descriptor, and a file that moved
            # while it was scanned comes back unscannable with no sha256 (``scan.scan_fd``),
            # so that a rewrite during the scan (its mtime set back) leaves nothing kept.
            # A failed read may pass next time; "unsupported format" is the bytes' own (every
            # .pyc of an ignored .venv, scanned as left out on each run): it is kept.
            lasting = report.verdict != UNSCANNABLE or (report.reason or "").startswith(
                _UNSUPPORTED
            )
            if keys[n] and report.sha256 == item.sha256 and lasting:
                new[keys[n]] = _to_cache(report)
    for n in again:
        item = items[n]
        lead = reports[first[f"{item.sha256}:{item.suffix}"]]
        # A scan of other bytes (the file changed while it was scanned) is not about these.
        ok = lead is not None and lead.sha256 == item.sha256
        reports[n] = replace(lead, path=item.path) if ok and lead else _failed(item, _RESCAN)
        fresh.add(item.path)
    save_scans(db, scope, new)
    return cast(list[FileReport], reports), fresh


# Why a copy of a file whose scan was not about its bytes is blocked: they changed meanwhile.
_RESCAN = "of the same bytes elsewhere read other bytes: check again"


# Below this many bytes to scan, no pool (``approval.files.pool``): starting one costs about
# 0.35 s of CPU (a fork server importing the scanner and its readers, 0.22 s; a worker building
# the policy's detectors), while scanning a few hundred KB here takes less (0.7-30 MB/s by
# format, measured on 2 cores): the pool would start after the work was done.
_POOL_BYTES = 1024 * 1024


def _to_cache(report: FileReport) -> str:
    """A report as the cache keeps it: most files are clean, and a clean file's report is its
    format, size and parts, read without a JSON parser (``clean <format> <size>``, then a tab
    and ``part<US>kind<US>bytes<US>read<US>reason<US>blocks`` per part); others as JSON."""
    import json

    if report.verdict == CLEAN and not report.findings and " " not in report.format:
        fields = [
            (p.part, p.kind, str(p.bytes), p.read, p.reason, "1" if p.blocks else "")
            for p in report.coverage
        ]
        if not any(_SEPARATORS.intersection(f) for field in fields for f in field):
            parts = "".join("\t" + _UNIT.join(field) for field in fields)
            return f"{CLEAN} {report.format} {report.size}{parts}"
    out = report.to_dict()
    out.pop("path")
    out["size"] = report.size
    return json.dumps(out, ensure_ascii=False)


# Between a clean report's parts, and between a part's fields (ASCII unit separator). A part
# named with either (an archive member may be) is kept as JSON instead.
_UNIT = "\x1f"
_SEPARATORS = frozenset("\t\x1f\n")


@lru_cache(maxsize=4096)
def _parts(text: str) -> tuple[Part, ...]:
    """A clean report's parts from the cache. Memoised: thousands of files share a few shapes
    (one table of the same size), and the Part objects are frozen, so sharing them is safe."""
    from approval.detect.units import Part  # at run time only when a cached report has parts

    out = []
    for line in text.split("\t"):
        part, kind, size, read, reason, blocks = line.split(_UNIT)
        out.append(Part(part, kind, int(size), read, reason, bool(blocks)))  # type: ignore[arg-type]
    return tuple(out)


def _part(entry: dict[str, Any]) -> Part:
    from approval.detect.units import Part  # at run time only when a cached report has parts

    blocks = entry.get("blocks", True)
    return Part(
        entry["part"], entry["kind"], entry["bytes"], entry["read"], entry["reason"], blocks
    )


def _from_cache(text: str, item: _Item) -> FileReport | None:
    """The report saved for ``item``'s bytes; None (scanned again) when the saved line is
    damaged or is not about those bytes."""
    try:
        if text.startswith(_CLEAN_PREFIX):
            head, tab, parts = text.partition("\t")
            _, fmt, size = head.split(" ")
            if int(size) != item.size:
                return None
            coverage = _parts(parts) if tab else ()
            return FileReport(item.path, item.sha256, item.size, fmt, CLEAN, coverage=coverage)
        import json

        doc = json.loads(text)
        if doc["sha256"] != item.sha256:
            return None
        return FileReport(
            path=item.path,
            sha256=doc["sha256"],
            size=doc["size"],
            format=doc["format"],
            verdict=doc["verdict"],
            reason=doc.get("reason"),
            classes={c: v["records"] for c, v in doc["classes"].items()},
            findings=tuple(
                Finding(f["class"], f["detector"], f["location"], f["count"], f["sample"])
                for f in doc["findings"]
            ),
            coverage=tuple(_part(p) for p in doc.get("coverage", ())),
        )
    except (ValueError, KeyError, TypeError):
        return None  # a damaged line: scanned again
