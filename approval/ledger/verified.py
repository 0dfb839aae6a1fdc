"""A clone never goes back (DESIGN.md invariant 11): the highest head this clone verified, per
ledger identity, and the check every command makes against it.

Each clone (a ledger directory, for this user) remembers, for each ledger it has held there (by
identity: the id of its first statement), the last head it verified. A command that finds a
head that does not descend from it is refused (:class:`HistoryRewritten`, exit 3, naming both
heads): someone moved the branch back (``git update-ref``) or rewrote the history, and a
revocation or a rejection may be gone with it. Only ``approval sync --accept-rewrite``, after
verifying the new head from the first entry, replaces the record (the old head is kept under
``refs/approval/replaced/``).

A clone's own moves are not rewrites: sync rebuilds this clone's statements not shared yet on
another office's (new commits), and records the new head in place of the one it replaced, under
an exclusive lock; a command reads the head and checks it under the same lock, shared, so it
never sees the branch moved and the record not yet.

The record lives in the user's private cache directory (usercache.py), which others cannot
write: whoever can write a shared ledger directory can move its branch, but not this. A record
that cannot be read, or is not sealed by this user's client (sealed.py: an edited or copied
file), is taken as none (the first head seen is recorded again): it only ever detects, it never
allows what the ledger refuses.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from approval.errors import HistoryRewritten
from approval.ledger.sealed import seal, unseal

if TYPE_CHECKING:
    from approval.ledger.storage import Ledger

FILE = "verified-heads.json"
LOCK = "verified-heads.lock"
_ID = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


class VerifiedHeads:
    """``verified-heads.json`` in a clone's directory: ledger identity -> the highest head
    verified, most recently recorded first."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._context = f"verified-heads {directory}"

    def items(self) -> list[tuple[str, str]]:
        try:
            payload = unseal(self._context, (self.directory / FILE).read_bytes())
            if payload is None:  # not written by this user's client (sealed.py): none
                return []
            document = json.loads(payload)
            pairs = [(str(g), str(h)) for g, h in document["heads"]]
        except (OSError, ValueError, KeyError, TypeError):
            return []
        return [(g, h) for g, h in pairs if _ID.match(h)]

    def get(self, identity: str) -> str | None:
        return dict(self.items()).get(identity)

    def put(self, identity: str, head: str) -> None:
        """Record ``head`` for ``identity`` (atomically: a temporary file renamed over)."""
        pairs = [(identity, head), *((g, h) for g, h in self.items() if g != identity)]
        path = self.directory / FILE
        temporary = path.with_name(f".{FILE}.{os.getpid()}")
        with contextlib.suppress(OSError):
            payload = json.dumps({"heads": pairs[:64]}).encode()
            temporary.write_bytes(seal(self._context, payload))
            temporary.replace(path)

    @contextlib.contextmanager
    def locked(self, *, exclusive: bool) -> Iterator[None]:
        """Hold the record's lock (see the module doc); without a lock file, go on unlocked."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)


# The pin inside the clone's own git directory (one per user: the seal is this user's): it
# moves with the directory (``mv``, ``cp -a``), where the record above, keyed by the path, does
# not; and it names the ledger's identity, so a history with another first adoption swapped in
# over ``objects/`` and ``refs/`` is refused, not taken for a new ledger. A file of this user's
# directly in the git directory (whose group and mode a shared clone already set): nothing to
# create, and a file made with a random name, exclusively (mkstemp), renamed over the pin, so a
# link planted there is replaced, never followed. Best effort: a git directory this user cannot
# write keeps none, and whoever can write it can delete it; so the same pin is also kept in
# this user's private cache, keyed by the git directory's path and by its (device, inode),
# which ``mv`` keeps (:func:`_cache_pins`). A missing pin where those hold one is not a new
# ledger: only ``approval init`` or ``approval clone`` (a directory made anew: :func:`forget`)
# or ``approval sync --accept-rewrite`` (:func:`accept`) put another ledger's identity there.
PIN_PREFIX = ".approval-verified-head."
_PIN_CONTEXT = "verified-pin"  # not the path: the pin must survive a move


def _pin_path(ledger: Ledger) -> Path:
    return ledger.git_dir / f"{PIN_PREFIX}{os.getuid()}"


def _cache_pins(ledger: Ledger) -> list[tuple[Path, str]]:
    """This user's copies of the pin, in their private cache: (file, seal context), by the git
    directory's resolved path and by its (device, inode); none that cannot be had."""
    from approval.cachedirs import cache_root, private_dir

    pins: list[tuple[Path, str]] = []
    with contextlib.suppress(OSError, RuntimeError):
        resolved = ledger.git_dir.resolve()
        pins.append((ledger.clone_dir / "clone-pin", f"clone-pin {resolved}"))
        info = resolved.stat()
        root = cache_root()
        if root is not None:
            directory = root / "ledgers" / "by-inode"
            if private_dir(root) and private_dir(root / "ledgers") and private_dir(directory):
                name = f"{info.st_dev}-{info.st_ino}"
                pins.append((directory / name, f"clone-pin {name}"))
    return pins


def _read_sealed(path: Path, context: str) -> tuple[str, str] | None:
    """(identity, head) from a pin file of this user's, sealed by this user's client; None
    otherwise. A link is not followed (O_NOFOLLOW), and a file of someone else's not read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(1 << 16)
        payload = unseal(context, raw)
        if payload is None:
            return None
        document = json.loads(payload)
        identity, head = str(document["identity"]), str(document["head"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        os.close(fd)
    return (identity, head) if _ID.match(head) else None


def _write_sealed(path: Path, context: str, identity: str, head: str) -> None:
    """Write the pin at ``path``: a new file of a random name made exclusively (0600), renamed
    over it; nothing when that cannot be done (best effort)."""
    payload = seal(context, json.dumps({"identity": identity, "head": head}).encode())
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        Path(name).replace(path)  # replaces a link planted at ``path``, never follows it
    except OSError:
        with contextlib.suppress(OSError):
            Path(name).unlink()


def read_pin(ledger: Ledger) -> tuple[str, str] | None:
    """The (identity, head) pinned in the clone's git directory, or None (none, unreadable,
    or not sealed by this user's client)."""
    return _read_sealed(_pin_path(ledger), _PIN_CONTEXT)


def read_pins(ledger: Ledger) -> list[tuple[str, str]]:
    """Every pin this user holds for this git directory: in it, and in the private cache."""
    found = [pin for path, context in _cache_pins(ledger) if (pin := _read_sealed(path, context))]
    pin = read_pin(ledger)
    return [*found, pin] if pin is not None and pin not in found else found


def _write_pin(
    ledger: Ledger,
    identity: str,
    head: str,
    *,
    replaces: str | None = None,
    replace: bool = False,
) -> None:
    """Pin ``identity`` at ``head`` in the git directory and in the cache; a pin of another
    ledger, or of a head that neither ``head`` nor ``replaces`` (this clone's own rebase, see
    :func:`record`) descends from, is kept unless ``replace`` (only what the user chose: a new
    ledger made there, an accepted rewrite)."""
    places = [(_pin_path(ledger), _PIN_CONTEXT), *_cache_pins(ledger)]
    for path, context in places:
        pin = _read_sealed(path, context)
        if pin == (identity, head):
            continue
        if (
            replace
            or pin is None
            or (
                pin[0] == identity
                and (
                    ledger.is_ancestor(pin[1], head)
                    or (replaces is not None and ledger.is_ancestor(pin[1], replaces))
                )
            )
        ):
            _write_sealed(path, context, identity, head)


def forget(ledger: Ledger) -> None:
    """A ledger made anew at this git directory (``approval init``, ``approval clone``): the
    pins of what was there before (the same path, or a reused inode) are dropped."""
    for path, _ in [(_pin_path(ledger), ""), *_cache_pins(ledger)]:
        with contextlib.suppress(OSError):
            if path.lstat().st_uid == os.getuid():
                path.unlink()


def current_head(ledger: Ledger) -> str | None:
    """The ledger's head, once it is known to descend from the head this clone last verified
    for the same ledger; :class:`HistoryRewritten` (exit 3) when it does not."""
    heads = VerifiedHeads(ledger.clone_dir)
    with heads.locked(exclusive=False):
        head = ledger.head()
        check(ledger, head, heads)
    return head


def check(ledger: Ledger, head: str | None, heads: VerifiedHeads | None = None) -> None:
    """Refuse ``head`` unless it is, or descends from, the head last verified here."""
    heads = heads or VerifiedHeads(ledger.clone_dir)
    _check_pin(ledger, head)
    if head is None:
        # An empty branch where a ledger was: a deleted branch is a rewrite too.
        for _, last in heads.items()[:1]:
            if ledger.is_ancestor(last, last):  # its commits are still here
                raise _rewritten(ledger, last, None)
        return
    recorded = dict(heads.items())
    if not recorded:
        return  # nothing verified here yet (a fresh clone): no walk to the root for its identity
    verified = recorded.get(ledger.identity(head))
    if verified is None or verified == head or ledger.is_ancestor(verified, head):
        return
    raise _rewritten(ledger, verified, head)


def _check_pin(ledger: Ledger, head: str | None) -> None:
    """Refuse ``head`` unless it is, or descends from, the head pinned in the git directory,
    of the same ledger (see :data:`PIN_PREFIX`)."""
    # Checked even when the record in the user's cache names the same head: that record is
    # per identity, so it would take another ledger for a new one. (A "descends" answer is
    # kept by the ledger: the check below asks git once.)
    for identity, pinned in read_pins(ledger):
        _check_one_pin(ledger, head, identity, pinned)


def _check_one_pin(ledger: Ledger, head: str | None, identity: str, pinned: str) -> None:
    if head is not None and (pinned == head or ledger.is_ancestor(pinned, head)):
        return
    if head is not None and ledger.genesis(head) != identity:
        raise HistoryRewritten(
            f"the ledger at {ledger.path} is not the ledger this clone verified: its history "
            f"starts from another first adoption ({ledger.genesis(head)[:12]}, not "
            f"{identity[:12]}); it was swapped for another ledger",
            verified=pinned,
            found=head,
            hint="nothing was decided or recorded; compare with another clone. An admin who "
            "knows why can accept it, verified in full: approval sync --accept-rewrite",
        )
    raise _rewritten(ledger, pinned, head)


def record(
    ledger: Ledger, head: str | None, *, replaces: str | None = None, locked: bool = False
) -> None:
    """Remember ``head`` as verified: when it descends from the recorded head, or when it
    replaces ``replaces`` (this clone's own rebase) and that was, or descended from, the
    record. Anything else leaves the record as it is (another command moved it further).
    ``locked``: the caller holds the lock already (:func:`moving`)."""
    if head is None:
        return
    heads = VerifiedHeads(ledger.clone_dir)
    identity = ledger.identity(head)
    if heads.get(identity) == head:
        _write_pin(ledger, identity, head)  # one pin read when it is there already
        return
    lock = contextlib.nullcontext() if locked else heads.locked(exclusive=True)
    with lock:
        verified = heads.get(identity)
        if verified == head:
            return
        if (
            verified is None
            or ledger.is_ancestor(verified, head)
            or (replaces is not None and ledger.is_ancestor(verified, replaces))
        ):
            heads.put(identity, head)
            _write_pin(ledger, identity, head, replaces=replaces)


def accept(ledger: Ledger, head: str, *, locked: bool = False) -> str | None:
    """Record ``head`` (verified in full by the caller) whatever was recorded; the head it
    replaces, if any."""
    heads = VerifiedHeads(ledger.clone_dir)
    identity = ledger.identity(head)
    lock = contextlib.nullcontext() if locked else heads.locked(exclusive=True)
    with lock:
        old = heads.get(identity)
        heads.put(identity, head)
        _write_pin(ledger, identity, head, replace=True)
    return old if old != head else None


@contextlib.contextmanager
def moving(ledger: Ledger) -> Iterator[None]:
    """Hold the record's lock, exclusive, while the branch is moved off its line (a rebase)
    and the new head recorded: no command reads one without the other."""
    with VerifiedHeads(ledger.clone_dir).locked(exclusive=True):
        yield


def _rewritten(ledger: Ledger, verified: str, found: str | None) -> HistoryRewritten:
    what = (
        "has no ledger branch any more"
        if found is None
        else f"is at {found[:12]}, which does not descend from {verified[:12]}"
    )
    return HistoryRewritten(
        f"the ledger at {ledger.path} {what}, the head this clone last verified: its history "
        "was moved back or rewritten, and what it dropped (a revocation, a rejection) would be "
        "ignored",
        verified=verified,
        found=found,
        hint="nothing was decided or recorded; compare with another clone. An admin who knows "
        "why can accept the new head, verified in full: approval sync --accept-rewrite",
    )


def expect_head(ledger: Ledger, pinned: str) -> str:
    """``approval audit --expect-head ID``: an auditor pins a head taken from elsewhere (another
    clone, a report, a signed note). The ledger passes when its head is that commit or
    descends from it (the ledger only grows: what was there is still there); exit 3 when the
    pinned commit is not in this ledger or not in its head's history. The head, checked."""
    from approval.errors import IntegrityError, UsageError

    text = pinned.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{7,64}", text):
        raise UsageError(f"--expect-head {pinned!r}: not a commit id (7 to 64 hex digits)")
    head = ledger.head()
    found = ledger.resolve(text)
    if head is None or found is None or not found.startswith(text):
        raise IntegrityError(
            f"the ledger at {ledger.path} does not hold the expected head {text[:12]} "
            f"(its head: {head[:12] if head else 'none'}): it was rewritten, or it is another "
            "ledger",
            hint="compare with the clone the expected head was taken from",
        )
    if not ledger.is_ancestor(found, head):
        raise HistoryRewritten(
            f"the ledger at {ledger.path} is at {head[:12]}, which does not descend from the "
            f"expected head {found[:12]}: its history was moved back or rewritten",
            verified=found,
            found=head,
            hint="compare with the clone the expected head was taken from",
        )
    return head
