"""``approval exposure``: a privacy officer asks which exports exposed some persons, or which
persons an export exposed, with their own key (records open to nobody else).

The answers come from the officer's local index (``approval.exposure.index``), kept encrypted
in their cache directory and brought up to date from the verified ledger at each call: only
the records added since it was saved are decrypted. Persons given on the command line or in a
file are protected data: no message here quotes one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.detect import identity
from approval.errors import UsageError
from approval.exposure.index import ExposureIndex, build
from approval.exposure.officer import OfficerKeys, officer_keys
from approval.exposure.query import ExposureHit, exposures_of, person_groups_of
from approval.exposure.record import ciphertext
from approval.exposure.sealing import ExposureError, decrypt_groups
from approval.ledger import Ledger

if TYPE_CHECKING:
    from approval.ledger.session import Session
    from approval.signing import PrivateKey

CANNOT_READ = "this key cannot read exposure records"
_SHA256 = re.compile(r"[0-9a-f]{64}")


# -- the index of an open ledger ----------------------------------------------------------------


def exposure_index(session: Session, key: PrivateKey | OfficerKeys) -> ExposureIndex:
    """The officer's index of the session's ledger at its head (what ``approval incident``
    asks ``approval.exposure.query`` about)."""
    return index_at(session.ledger, session.head, key)


def index_at(ledger: Ledger, head: str | None, key: PrivateKey | OfficerKeys) -> ExposureIndex:
    """The index at ``head`` (a verified head of ``ledger``): the saved one when it is there,
    brought up to date with the entries after its head; else built from the first entry."""
    keys = key if isinstance(key, OfficerKeys) else officer_keys(key)
    private = None if isinstance(key, OfficerKeys) else key
    identity_ = ledger.identity(head) if head else ""
    path = _index_path(ledger, keys)
    saved = _load(path, identity_, keys)
    if saved is not None and saved.head == head:
        return saved
    since = None
    if saved is not None and saved.head and head and ledger.is_ancestor(saved.head, head):
        since = saved.head
    else:
        saved = None

    def read(statement: dict[str, Any], label: str) -> list[tuple[str, ...]] | None:
        if private is None:
            return None
        data = ciphertext(statement["exposure"], label)
        try:
            return decrypt_groups(data, private)
        except ExposureError:
            return None  # encrypted to this key but unreadable: counted as unreadable

    statements = (
        (entry.envelope.id, entry.envelope.statement)
        for entry in (ledger.entries(head, since=since) if head else ())
    )
    index = build(identity_, head, statements, keys, read, start=saved)
    _save(path, index.to_bytes(keys))
    return index


def _index_path(ledger: Ledger, keys: OfficerKeys) -> Path:
    name = hashlib.sha256(keys.key_fingerprint.encode()).hexdigest()[:16]
    return ledger.cache_dir / f"exposure-{name}.idx"


def _load(path: Path, ledger: str, keys: OfficerKeys) -> ExposureIndex | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return ExposureIndex.from_bytes(data, ledger, keys)


def _save(path: Path, data: bytes) -> None:
    """Write the index 0600 by rename; a cache that cannot be written costs only time."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)


# -- the two questions --------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonsAnswer:
    """The exports that exposed the persons asked about."""

    asked: int
    hits: tuple[ExposureHit, ...]
    exports: int  # exports in the ledger
    unreadable: int  # records this key cannot read (made for other officers)


@dataclass(frozen=True)
class ArtifactAnswer:
    """The persons an export (its bytes) exposed: counts, and the file when asked for.

    The file has a line per person: their strongest key, then every other key the file linked
    to them, tab-separated (``A012345678<TAB>N:garcia maria|B:1990-04-02``). A person is
    notified once, and the office finds them by whichever its case system files them under."""

    sha256: str
    exports: tuple[str, ...]
    persons: int
    by_kind: dict[str, int]  # by strongest key: a-number / name-birthdate / name-facility / name
    out: Path | None


def persons_exposures(
    ledger_path: Path | None,
    persons: Iterable[str],
    person_file: Path | None,
    key_file: Path,
    passphrase_env: str | None,
) -> PersonsAnswer:
    """``approval exposure --person ... | --person-file CSV``."""
    asked = {_person_argument(text, n) for n, text in enumerate(persons, 1)}
    if person_file is not None:
        asked |= read_person_file(person_file)
    if not asked:
        raise UsageError("name persons with --person or --person-file, or an --artifact")
    key = _officer_key(key_file, passphrase_env)
    index = _open_index(ledger_path, key)
    hits = exposures_of(index, asked, key)
    return PersonsAnswer(len(asked), tuple(hits), len(index.exports), index.unreadable_records)


def artifact_exposure(
    ledger_path: Path | None,
    artifact: str,
    key_file: Path,
    passphrase_env: str | None,
    out: Path | None = None,
    force: bool = False,
) -> ArtifactAnswer:
    """``approval exposure --artifact SHA|FILE [--out FILE [--force]]``."""
    sha = _artifact_sha(artifact)
    if out is not None:
        _check_out(out, force)
    key = _officer_key(key_file, passphrase_env)
    index = _open_index(ledger_path, key)
    exports = tuple(e.id for e in index.exports if e.artifact_sha256 == sha)
    if not exports and sha not in index.records_of:
        raise UsageError(f"no export or request of {sha[:12]} is in the ledger")
    persons = person_groups_of(index, sha, key)
    if not persons and any(
        e.readable is False and e.record_sha256 for e in index.exports if e.id in exports
    ):
        raise ExposureError(f"{CANNOT_READ}: the records of {sha[:12]} were made for other keys")
    by_kind: dict[str, int] = {}
    for person in persons:
        kind = _kind(person[0])
        by_kind[kind] = by_kind.get(kind, 0) + 1
    if out is not None:
        lines = "".join("\t".join(p) + "\n" for p in sorted(persons))
        write_private(out, lines.encode(), force=force)
    return ArtifactAnswer(sha, exports, len(persons), by_kind, out)


def _open_index(ledger_path: Path | None, key: PrivateKey) -> ExposureIndex:
    from approval.ledger.session import opened

    with opened(ledger_path) as (ledger, view):
        index = index_at(ledger, view.head, key)
    records = sum(1 for e in index.exports if e.record_sha256) + index.unreadable_records
    if records and not index.persons:
        raise ExposureError(
            f"{CANNOT_READ}: none of the ledger's records was encrypted to it",
            hint="use a privacy officer's key file that the roster in force names",
        )
    return index


def _officer_key(key_file: Path, passphrase_env: str | None) -> PrivateKey:
    from approval.exposure.officer import usable_key
    from approval.ledger.session import read_key

    key = read_key(key_file, passphrase_env)
    usable_key(key)
    return key


def _artifact_sha(artifact: str) -> str:
    text = artifact.strip().lower()
    if _SHA256.fullmatch(text):
        return text
    path = Path(artifact)
    if not path.is_file():
        raise UsageError(f"{artifact}: not a sha256 nor a file", hint="give a file or its sha256")
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _kind(person: str) -> str:
    if not person.startswith("N:"):
        return "a-number"
    if "|B:" in person:
        return "name-birthdate"
    if "|F:" in person:
        return "name-facility"
    return "name"


def _person_argument(text: str, n: int) -> str:
    found = identity.parse_a_number(text)
    if found is None:
        # Never the value itself: it may be a person's name.
        raise UsageError(f"--person number {n} is not an A-number (A and 8 or 9 digits)")
    return found


# -- the person file ------------------------------------------------------------------------------

_A_HEADERS = {"anumber", "aliennumber", "anum", "a", "alienregistrationnumber", "anr", "ano"}
_NAME_HEADERS = {"name", "fullname", "personname", "nameofperson"}
_FIRST_HEADERS = {"firstname", "givenname", "givennames", "first"}
_LAST_HEADERS = {"lastname", "surname", "familyname", "last"}
_BIRTH_HEADERS = {"birthdate", "dateofbirth", "dob", "birthday", "born"}


def _header_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("#", "number"))


def read_person_file(path: Path) -> set[str]:
    """The identity keys in a CSV: an ``a_number`` column, or ``name`` (or first and last
    names) with ``birthdate`` (ISO or MM/DD/YYYY); header names matched loosely."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot be read as UTF-8 text") from e
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UsageError(f"{path}: is empty")
    header = [_header_word(h) for h in rows[0]]

    def column(names: set[str]) -> int | None:
        return next((i for i, h in enumerate(header) if h in names), None)

    a_col, name_col = column(_A_HEADERS), column(_NAME_HEADERS)
    first_col, last_col, birth_col = (
        column(_FIRST_HEADERS),
        column(_LAST_HEADERS),
        column(_BIRTH_HEADERS),
    )
    if a_col is None and name_col is None and (first_col is None or last_col is None):
        raise UsageError(
            f"{path}: no a_number or name column in its header",
            hint="columns: a_number, or name (or first_name and last_name) with birthdate",
        )
    found: set[str] = set()
    for line, row in enumerate(rows[1:], 2):
        cell = row[a_col].strip() if a_col is not None and a_col < len(row) else ""
        if cell:
            key = identity.parse_a_number(cell)
            if key is None:
                raise UsageError(f"{path}:{line}: the A-number column does not hold an A-number")
            found.add(key)
            continue
        full = _cell(row, name_col) or " ".join(
            filter(None, (_cell(row, first_col), _cell(row, last_col)))
        )
        if not full:
            if any(c.strip() for c in row):
                raise UsageError(f"{path}:{line}: neither an A-number nor a name")
            continue
        found.add(identity.name(full, _birthdate(_cell(row, birth_col), path, line)))
    return found


def _cell(row: list[str], col: int | None) -> str:
    return row[col].strip() if col is not None and col < len(row) else ""


def _birthdate(text: str, path: Path, line: int) -> str | None:
    if not text:
        return None
    if identity.is_iso_date(text):
        return text
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    raise UsageError(f"{path}:{line}: the birthdate is not YYYY-MM-DD or MM/DD/YYYY")


# -- the 0600 output ----------------------------------------------------------------------------


def _check_out(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise UsageError(f"{out} exists: nothing was written", hint="add --force to replace it")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such directory")


def write_private(out: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``out`` 0600, atomically, through its directory opened once
    (``approval.files.atomic.write_private``); an existing ``out`` is refused unless
    ``force``."""
    from approval.files.atomic import write_private as write

    _check_out(out, force)
    try:
        write(out, data, force=force)
    except FileExistsError:
        raise UsageError(f"{out} exists: nothing was written", hint="add --force") from None
    except OSError as e:
        raise UsageError(f"cannot write {out}: {(e.strerror or '').lower()}") from e
