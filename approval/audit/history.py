"""The ledger's history as an auditor reads it: every commit, oldest first, with the one file it
added, checked against the append-only rules without trusting anything the tool wrote beside it.

One ``git log --raw`` names each commit's parents, message and every path it changed; one
``git cat-file --batch`` reads the added files, a chunk of requests at a time. ``--raw`` lists
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

from approval.audit.failure import AuditFailure, Rule
from approval.ledger import Ledger
from approval.ledger.git import Git, ObjectReader
from approval.ledger.layout import ENTRY_PATH, TRAILER

# \x01 cannot occur in a commit id: it marks each commit's header line.
_FORMAT = f"%x01%H%x00%P%x00%s%x00%(trailers:key={TRAILER},valueonly,separator=%x2C)"
_RAW = re.compile(rb"^:(?P<old_mode>[0-7]{6}) (?P<new_mode>[0-7]{6}) (?P<old>[0-9a-f]+) "
                  rb"(?P<new>[0-9a-f]+) (?P<status>[A-Z][0-9]*)\t(?P<path>.*)$")  # fmt: skip
_CHUNK = 256  # 256 x 41 bytes of requests stay well under a pipe's 64 KiB


@dataclass(frozen=True)
class Commit:
    """One commit of the ledger branch, in order, with the file it added."""

    position: int  # 1 for the first commit
    oid: str
    parents: tuple[str, ...]
    subject: str
    path: str
    blob: str
    raw: bytes


@dataclass(frozen=True)
class _Header:
    oid: str
    parents: tuple[str, ...]
    subject: str
    trailer: str
    changes: tuple[bytes, ...]


def read_history(ledger: Ledger, head: str) -> Iterator[Commit]:
    """Every commit up to ``head``, oldest first; ``AuditFailure`` at the first that breaks an
    append-only rule (a merge, a commit not on the previous one, anything but one new entry)."""
    git = Git(ledger.git_dir)
    log = git.popen(
        [
            "log", "--reverse", "--first-parent", "--root", "--raw", "--no-abbrev",
            "--no-renames", "--no-relative", "--no-color", "--no-show-signature",
            "--no-ext-diff", "--no-textconv", f"--format={_FORMAT}", head, "--",
        ]
    )  # fmt: skip
    objects = ObjectReader(git)
    try:
        previous: str | None = None
        chunk: list[tuple[int, _Header, str, str]] = []
        for position, header in enumerate(_headers(log.lines().read()), start=1):
            try:
                path, blob = _added_file(header, position, previous)
            except AuditFailure:
                yield from _read(objects, chunk)  # what came before it is verified first
                raise
            chunk.append((position, header, path, blob))
            previous = header.oid
            if len(chunk) == _CHUNK:
                yield from _read(objects, chunk)
                chunk = []
        yield from _read(objects, chunk)
        log.finish()
    finally:
        log.close()
        objects.close()


def _read(objects: ObjectReader, chunk: list[tuple[int, _Header, str, str]]) -> list[Commit]:
    if not chunk:
        return []
    # All requests first, then all answers: one pipe round trip per chunk, not per entry.
    objects.request([blob for *_, blob in chunk])
    commits = []
    for position, header, path, blob in chunk:
        found = objects.response()
        if found is None or found.type != "blob":
            raise AuditFailure(
                Rule.ENTRY_FILE, f"{path} is missing from the repository", header.oid, position
            )
        commits.append(
            Commit(position, header.oid, header.parents, header.subject, path, blob, found.data)
        )
    return commits


def _headers(output: bytes) -> Iterator[_Header]:
    """``git log`` output in our format -> one :class:`_Header` per commit. The whole output
    at once: ``git log --reverse`` writes nothing until it has walked all of history anyway,
    and splitting it costs a third of reading it line by line."""
    for record in output.split(b"\x01")[1:]:
        first, _, rest = record.partition(b"\n")
        changes = []
        for line in rest.split(b"\n"):
            if line.startswith(b":"):
                changes.append(line)
            elif line:
                oid = first.split(b"\x00", 1)[0].decode("utf-8", "replace")
                raise AuditFailure(Rule.HISTORY, "unexpected git log output", oid)
        yield _header(first.split(b"\x00"), changes)


def _header(fields: list[bytes], changes: list[bytes]) -> _Header:
    if len(fields) != 4:
        raise AuditFailure(Rule.HISTORY, "cannot read the ledger's history (git log output)")
    oid, parents, subject, trailer = (part.decode("utf-8", "replace") for part in fields)
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
    expected = (previous,) if previous else ()
    if header.parents != expected:
        raise AuditFailure(
            Rule.HISTORY, "does not follow the previous entry: history is not linear", oid, position
        )
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
    if not ENTRY_PATH.match(path):
        raise AuditFailure(
            Rule.ENTRY_FILE, f"adds {path!r}, which is not an entry path", oid, position
        )
    if header.trailer != path:
        raise AuditFailure(
            Rule.ENTRY_FILE,
            f"its {TRAILER} trailer does not name the file it adds ({path})",
            oid,
            position,
        )
    return path, change["new"].decode()
