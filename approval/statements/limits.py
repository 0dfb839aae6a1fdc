"""How large one ledger entry may be, by kind: pure.

Anyone who can push to a ledger's remote can append a commit by plain git, and every command
replays the ledger: an entry file of hundreds of MB (a giant reason, a huge list) would stop
them all or eat their memory. So each entry file has a cap, checked when it is written (a
statement over it is refused, exit 2) and when it is read, from the size git gives for the
blob before its bytes are read (an entry over it is an integrity failure naming it, exit 3,
never admitted).

The caps are what the largest legitimate statement of each kind needs, with a wide margin:

- a sign-off, revocation, blocked record or incident step is a few KB (texts of at most 2,000
  characters): 64 KiB;
- a redaction lists what it removed (at most 5,000 items of 500 characters): 4 MiB;
- an adoption carries a policy and a roster (the default policy is ~40 KB): 4 MiB;
- an incident's scope lists up to 100,000 export ids of each kind: 16 MiB;
- a request or an export may carry an exposure record (``$defs/exposure``: age ciphertext of
  up to 100,000,000 base64 characters, ~2.6 million persons) beside its scan summary (at most
  20,000 findings and coverage entries): 112 MiB; without a record, a request is a few KB;
- a checkpoint carries the compressed verified state, which grows with the ledger (~9 MB at
  50,000 entries): 256 MiB.
"""

from __future__ import annotations

KiB = 1024
MiB = 1024 * KiB

MAX_ENTRY_BYTES: dict[str, int] = {
    "adoption": 4 * MiB,
    "request": 112 * MiB,
    "signoff": 64 * KiB,
    "revocation": 64 * KiB,
    "export": 112 * MiB,
    "redaction": 4 * MiB,
    "blocked": 64 * KiB,
    "incident-open": 64 * KiB,
    "incident-scope": 16 * MiB,
    "incident-step": 64 * KiB,
    "incident-close": 64 * KiB,
    "checkpoint": 256 * MiB,
}
# An entry whose kind cannot be told (its path is checked elsewhere): the smallest cap.
DEFAULT_MAX_ENTRY_BYTES = 64 * KiB


def kind_in_path(path: str) -> str:
    """The kind an entry path names (``...Z-<kind>-<id12>.json``, checked against
    ``paths.ENTRY_PATH`` before), or "" when it names none: string slicing, no regex, since a
    replay asks this of every entry."""
    start = path.find("Z-", len("entries/YYYY/MM/DD/"))
    return path[start + 2 : -len("-0123456789ab.json")] if start > 0 else ""


def max_entry_bytes(kind: str) -> int:
    """The most bytes an entry file of ``kind`` may hold."""
    return MAX_ENTRY_BYTES.get(kind, DEFAULT_MAX_ENTRY_BYTES)


def size_words(size: int) -> str:
    """``size`` bytes in the unit a person reads: ``64 KiB``, ``112 MiB``, ``1.5 MiB``."""
    for unit, scale in (("MiB", MiB), ("KiB", KiB)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def oversize(kind: str, size: int) -> str | None:
    """What is wrong with an entry file of ``kind`` holding ``size`` bytes, or None."""
    cap = max_entry_bytes(kind)
    if size <= cap:
        return None
    return f"{size_words(size)} ({size} bytes), over the {kind} cap of {size_words(cap)}"
