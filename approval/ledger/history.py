"""The ledger's history as an auditor reads it: every commit, oldest first, with the one file it
added, checked against the append-only rules without trusting anything the tool wrote beside it.

One ``git log --raw`` names each commit's parents, message and every path it changed, read as
it comes; one ``git cat-file --batch`` reads the added files, a chunk of requests at a time, the
next chunk asked for while one is verified (git works on the other core meanwhile). ``--raw`` lists
every change against the parent, so a commit that also edits or deletes an earlier entry shows
it; a merge is refused by its parents, so nothing can ride in on a side branch whose commits
``git log`` would otherwise interleave (``--first-parent`` keeps them out of the listing, so
the merge itself is what is named).

This re-implements what ``Ledger.entries`` checks on purpose: the audit is the independent
second reading, reports the rule that was broken in the auditor's words, and must not read the
local caches (``ValidEntries``) that a normal read may use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from approval.ledger import Ledger
from approval.ledger.git import Git, GitObject, ObjectReader, TooLarge
from approval.ledger.layout import ENTRY_PATH, TRAILER
from approval.statements.limits import kind_in_path, max_entry_bytes, oversize
from approval.trust.entry import Commit
from approval.trust.failure import AuditFailure, Rule

# \x01 cannot occur in a commit id: it marks each commit's header line.
_FORMAT = f"%x01%H%x00%P%x00%s%x00%(trailers:key={TRAILER},valueonly,separator=%x2C)"
_RAW = re.compile(rb"^:(?P<old_mode>[0-7]{6}) (?P<new_mode>[0-7]{6}) (?P<old>[0-9a-f]+) "
                  rb"(?P<new>[0-9a-f]+) (?P<status>[A-Z][0-9]*)\t(?P<path>.*)$")  # fmt: skip
# A commit that adds one plain file on one parent (or none): what every commit of a ledger
# looks like; anything else is taken apart field by field to say what is wrong.
_USUAL = re.compile(
    rb"([0-9a-f]{40})\x00([0-9a-f]{40})?\x00([^\x00\n]*)\x00([^\x00\n]*)\n\n"
    rb":000000 100644 0{40} ([0-9a-f]{40}) A\t([^\n]*)\n"
)
_OID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_CHUNK = 256  # 256 x 41 bytes of requests stay well under a pipe's 64 KiB
_BLOCK = 1 << 16


@dataclass(frozen=True)
class _Header:
    oid: str
    parents: tuple[str, ...]
    subject: str
    trailer: str
    changes: tuple[bytes, ...]


# (position, commit id, parents, subject, path, blob) of a commit that adds one entry.
_Added = tuple[int, str, tuple[str, ...], str, str, str]


def read_history(
    ledger: Ledger, head: str, *, since: str | None = None, count: int = 0
) -> Iterator[Commit]:
    """Every commit up to ``head``, oldest first; ``AuditFailure`` at the first that breaks an
    append-only rule (a merge, a commit not on the previous one, anything but one new entry).
    With ``since`` (an ancestor of ``head``, the ``count``-th entry), only the commits after
    it, the first of them on it: a catch-up reads the entry files as they are, once, and the
    verifier parses and checks each (no schema and canonical form checked twice)."""
    for oid in (head, since or head):
        if not _OID.fullmatch(oid):
            raise AuditFailure(Rule.HISTORY, f"not a commit id: {oid[:80]!r}")
    git = Git(ledger.git_dir)
    log = git.popen(log_arguments(head, since))
    objects = ObjectReader(git)
    try:
        asked: list[_Added] = []  # requested from cat-file, not read yet
        chunk: list[_Added] = []
        added = _added_files(log.lines(), since, count)
        while True:
            try:
                entry = next(added, None)
            except AuditFailure:
                yield from _read(objects, asked, git)  # what came before it is verified first
                yield from _ask_and_read(objects, chunk, git)
                raise
            if entry is None:
                break
            chunk.append(entry)
            if len(chunk) == _CHUNK:
                commits = _read(objects, asked, git)
                # cat-file reads the next chunk while this one is verified.
                _ask(objects, chunk)
                asked, chunk = chunk, []
                yield from commits
        yield from _read(objects, asked, git)
        yield from _ask_and_read(objects, chunk, git)
        log.finish()
    finally:
        log.close()
        objects.close()


def log_arguments(head: str, since: str | None = None) -> list[str]:
    """The ``git log`` whose output :func:`read_history` reads (``bench_audit`` times it)."""
    return [
        "log", "--reverse", "--first-parent", "--root", "--raw", "--no-abbrev", "--no-renames",
        "--no-relative", "--no-color", "--no-show-signature", "--no-ext-diff", "--no-textconv",
        f"--format={_FORMAT}", f"{since}..{head}" if since else head, "--",
    ]  # fmt: skip


def _added_files(
    stream: IO[bytes], previous: str | None = None, count: int = 0
) -> Iterator[_Added]:
    """Each commit of ``git log`` output in our format with the one entry it adds, after
    ``previous`` (the ``count``-th); stops with ``AuditFailure`` at the first commit that
    breaks a rule."""
    for position, record in enumerate(_records(stream), start=count + 1):
        entry = _entry(record, position, previous)
        yield entry
        previous = entry[1]


def _entry(record: bytes, position: int, previous: str | None) -> _Added:
    """The entry one commit's record adds, after ``previous``; ``AuditFailure`` if it breaks
    a rule. The shape every commit of a well-kept ledger has is read in one match; anything
    else is taken apart field by field (:func:`_careful_entry`) to say what is wrong."""
    usual = _USUAL.fullmatch(record)
    if usual is None:
        return _careful_entry(record, position, previous)
    oid_bytes, parent, subject, trailer, blob, path_bytes = usual.groups()
    oid = oid_bytes.decode()
    parents: tuple[str, ...] = (parent.decode(),) if parent else ()
    path = path_bytes.decode("utf-8", "replace")
    _check_parents(parents, previous, oid, position)
    _check_entry_path(path, trailer.decode("utf-8", "replace"), oid, position)
    return position, oid, parents, subject.decode("utf-8", "replace"), path, blob.decode()


def _careful_entry(record: bytes, position: int, previous: str | None) -> _Added:
    header = _header_of(record)
    path, blob = _added_file(header, position, previous)
    return position, header.oid, header.parents, header.subject, path, blob


def _ask(objects: ObjectReader, chunk: list[_Added]) -> None:
    # All requests first, then all answers: one pipe round trip per chunk, not per entry.
    if chunk:
        objects.request([blob for *_, blob in chunk])


def _ask_and_read(objects: ObjectReader, chunk: list[_Added], git: Git) -> list[Commit]:
    _ask(objects, chunk)
    return _read(objects, chunk, git)


def _read(objects: ObjectReader, chunk: list[_Added], git: Git) -> list[Commit]:
    """The commits of a chunk whose blobs were asked for, with their entry files."""
    commits = []
    for position, oid, parents, subject, path, blob in chunk:
        kind = kind_in_path(path)
        limit = max_entry_bytes(kind)
        try:
            data = objects.blob(limit)
            if data is None:  # missing (or not a blob: then not one the second time either)
                found = _fresh_read(git, blob, limit)
                if found is None or found.type != "blob":
                    raise AuditFailure(
                        Rule.ENTRY_FILE, f"{path} is missing from the repository", oid, position
                    )
                data = found.data
        except TooLarge as e:  # never read, never admitted
            raise AuditFailure(
                Rule.ENTRY_FILE, f"{path}: {oversize(kind, e.size)}", oid, position
            ) from e
        commits.append(Commit(position, oid, parents, subject, path, blob, data))
    return commits


def _fresh_read(git: Git, blob: str, limit: int) -> GitObject | None:
    """``blob`` asked of a new ``cat-file`` before it is called missing: a long-lived one can
    miss an object that another writer's repack just moved into a pack it has not seen (the
    same retry as ``Ledger._get``). A truly missing object is missing twice. ``TooLarge``
    for one over ``limit``, as the long-lived one."""
    reader = ObjectReader(git)
    try:
        return reader.get(blob, limit)
    finally:
        reader.close()


def _records(stream: IO[bytes], block_size: int = _BLOCK) -> Iterator[bytes]:
    """``git log`` output in our format, one commit's record at a time, as the output comes:
    verifying starts while git still writes the rest (``--reverse`` walks the history first,
    but writes each commit's changes as it goes). Read in large blocks: splitting them costs a
    third of reading line by line."""
    rest: bytes | None = None  # None until the first record starts
    while block := stream.read(block_size):
        records = block.split(b"\x01")
        if rest is not None:
            records[0] = rest + records[0]
        elif records[0]:
            raise AuditFailure(Rule.HISTORY, "unexpected git log output")
        else:
            records.pop(0)
        rest = records.pop() if records else None
        yield from records
    if rest is not None:
        yield rest


def _header_of(record: bytes) -> _Header:
    """One commit's record of ``git log`` output in our format, taken apart."""
    first, _, rest = record.partition(b"\n")
    changes = []
    for line in rest.split(b"\n"):
        if line.startswith(b":"):
            changes.append(line)
        elif line:
            oid = first.split(b"\x00", 1)[0].decode("utf-8", "replace")
            raise AuditFailure(Rule.HISTORY, "unexpected git log output", oid)
    fields = first.decode("utf-8", "replace").split("\x00")
    if len(fields) != 4:
        raise AuditFailure(Rule.HISTORY, "cannot read the ledger's history (git log output)")
    oid, parents, subject, trailer = fields
    return _Header(oid, tuple(parents.split()), subject, trailer, tuple(changes))


def _added_file(header: _Header, position: int, previous: str | None) -> tuple[str, str]:
    """The (path, blob) of the one entry ``header``'s commit adds, or the rule it breaks."""
    oid = header.oid
    if len(header.parents) > 1:
        raise AuditFailure(
            Rule.HISTORY,
            f"is a merge of {len(header.parents)} histories: entries from the other side would "
            "enter the ledger without being appended in order",
            oid,
            position,
        )
    _check_parents(header.parents, previous, oid, position)
    changes = [_RAW.match(line) for line in header.changes]
    for change in changes:
        if change is None:
            raise AuditFailure(
                Rule.ONE_ENTRY, "changes something git cannot describe", oid, position
            )
        if change["status"] != b"A":
            verb = {b"D": "removes", b"M": "changes", b"T": "changes the type of"}.get(
                change["status"][:1], "changes"
            )
            path = change["path"].decode("utf-8", "replace")
            raise AuditFailure(
                Rule.ONE_ENTRY, f"{verb} {path}, which an earlier entry added", oid, position
            )
    if len(changes) != 1:
        raise AuditFailure(
            Rule.ONE_ENTRY, f"adds {len(changes)} files, not exactly one entry", oid, position
        )
    change = changes[0]
    assert change is not None  # checked in the loop
    path = change["path"].decode("utf-8", "replace")
    if change["new_mode"] != b"100644":
        raise AuditFailure(
            Rule.ONE_ENTRY,
            f"adds {path} with mode {change['new_mode'].decode()}, not a plain file",
            oid,
            position,
        )
    _check_entry_path(path, header.trailer, oid, position)
    return path, change["new"].decode()


def _check_parents(parents: tuple[str, ...], previous: str | None, oid: str, position: int) -> None:
    expected = (previous,) if previous else ()
    if parents != expected:
        raise AuditFailure(
            Rule.HISTORY, "does not follow the previous entry: history is not linear", oid, position
        )


def _check_entry_path(path: str, trailer: str, oid: str, position: int) -> None:
    if not ENTRY_PATH.match(path):
        raise AuditFailure(
            Rule.ENTRY_FILE, f"adds {path!r}, which is not an entry path", oid, position
        )
    if trailer != path:
        raise AuditFailure(
            Rule.ENTRY_FILE,
            f"its {TRAILER} trailer does not name the file it adds ({path})",
            oid,
            position,
        )
