"""Where an entry lives in the ledger's tree and what its commit says: pure functions, no git.

An entry is one file, ``entries/YYYY/MM/DD/<YYYYMMDDTHHMMSSZ>-<kind>-<id12>.json``, named from
the statement's ``created`` time, kind and id. Sharding by day keeps every tree an append
rewrites small (a flat directory makes each append rewrite one huge tree; DESIGN.md, Measured).
Each commit's message is ``<kind> <id>`` and a trailer ``Approval-Entry: <path>``, so that
``git log`` alone names every entry without diffing trees.
"""

from __future__ import annotations

from dataclasses import dataclass

from approval.statements import Envelope

# Entry naming is the statements' own (replay checks it without the ledger); re-exported here.
from approval.statements.paths import ENTRIES_DIR, ENTRY_PATH, entry_path, path_for

__all__ = ["ENTRIES_DIR", "ENTRY_PATH", "entry_path", "path_for"]

BRANCH = "refs/heads/ledger"
TRAILER = "Approval-Entry"
FILE_MODE = b"100644"
TREE_MODE = b"40000"

# Every commit is made by the tool, never by whoever runs it: the signer is in the statement.
IDENTITY_NAME = "approval"
IDENTITY_EMAIL = "ledger@approval.invalid"


def commit_message(envelope: Envelope, path: str) -> str:
    return f"{envelope.kind} {envelope.id}\n\n{TRAILER}: {path}\n"


def subject(envelope: Envelope) -> str:
    """The first line of the entry's commit message."""
    return f"{envelope.kind} {envelope.id}"


@dataclass(frozen=True)
class TreeEntry:
    """One line of a git tree: mode, object id (hex) and name."""

    mode: bytes
    oid: str
    name: bytes

    @property
    def is_tree(self) -> bool:
        return self.mode == TREE_MODE

    def mktree_record(self) -> bytes:
        """This entry in ``git mktree -z`` input form."""
        kind = b"tree" if self.is_tree else b"commit" if self.mode == b"160000" else b"blob"
        return b"%s %s %s\t%s\x00" % (self.mode, kind, self.oid.encode(), self.name)


def parse_tree(data: bytes, oid_size: int) -> list[TreeEntry]:
    """Decode a raw tree object (``<mode> <name>\\0<binary id>`` repeated)."""
    entries = []
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\x00", space)
        end = nul + 1 + oid_size
        if end > len(data):
            raise ValueError("truncated tree object")
        entries.append(TreeEntry(data[at:space], data[nul + 1 : end].hex(), data[space + 1 : nul]))
        at = end
    return entries


def with_entry(entries: list[TreeEntry], new: TreeEntry) -> list[TreeEntry]:
    """``entries`` with ``new`` added, or replacing the entry of the same name."""
    return [*(e for e in entries if e.name != new.name), new]


def find(entries: list[TreeEntry], name: bytes) -> TreeEntry | None:
    for entry in entries:
        if entry.name == name:
            return entry
    return None
