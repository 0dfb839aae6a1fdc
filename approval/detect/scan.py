"""Scan files: pick a reader by the first bytes, stream its units through the classifier,
follow nested sources (archive members, attachments) within the limits, and report.

Fail closed: a file that no reader accepts, that a reader cannot read, or that makes a reader
fail in any way is ``unscannable`` with a reason that quotes nothing from the file but the name
of the member at fault. A file that changes while it is scanned is unscannable too: the report's
hash must be of what was read.

Names from the file (sheets, members, headers, keys) reach the report's locations and reasons;
those that identify a person are redacted here, where the report is made
(``approval.detect.strings``), so that every report, and every request made from one, shows
``[redacted]`` instead.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from approval.detect.classify import Classifier, Engine
from approval.detect.readers import readers as all_readers
from approval.detect.report import CLEAN, PROTECTED, UNSCANNABLE, FileReport, Tally
from approval.detect.strings import safe_location, safe_text
from approval.detect.textio import sniff_encoding
from approval.detect.units import UNREAD, Limits, Nested, Part, Reader, Source, Unscannable
from approval.errors import UsageError
from approval.policy import Policy

HEAD_BYTES = 8192
_MAX_REASON = 2000  # the statement schema's limit for text
_HASH_CHUNK = 1024 * 1024
# Directories that hold a tool's state, not content anyone publishes.
SKIP_DIRS = frozenset({".git", ".hg", ".svn"})

_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (8, b"WEBP", "image/webp"),
    (4, b"ftypheic", "image/heic"),
    (4, b"ftyp", "video/mp4"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"BZh", "application/x-bzip2"),
    (0, b"\xfd7zXZ\x00", "application/x-xz"),
    (0, b"(\xb5/\xfd", "application/zstd"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"MZ", "application/x-msdownload"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"SQLite format 3\x00", "application/vnd.sqlite3"),
    (0, b"{\\rtf", "application/rtf"),
    (0, b"-----BEGIN PGP MESSAGE", "application/pgp-encrypted"),
)
# An encrypted Office document is an OLE container with this stream (UTF-16 name).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def guess_type(head: bytes) -> str:
    """A MIME-like type from magic bytes, for the reason of an unsupported file."""
    for offset, magic, mime in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return mime
    return "text/plain" if sniff_encoding(head) is not None else "application/octet-stream"


@dataclass
class _Run:
    """One top-level file's scan: where units go, the bounds, and what was expanded so far
    across every nesting level."""

    classifier: Classifier
    limits: Limits
    readers: Sequence[Reader]
    expanded: int = 0
    coverage: list[Part] = field(default_factory=list)


_ENGINES: dict[int, tuple[Policy, Engine]] = {}


def engine_for(policy: Policy) -> Engine:
    """The policy's detectors and masks, built once per policy object."""
    cached = _ENGINES.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    if len(_ENGINES) >= 8:
        _ENGINES.clear()
    engine = Engine(policy)
    _ENGINES[id(policy)] = (policy, engine)
    return engine


def scan_file(
    path: Path,
    policy: Policy,
    *,
    limits: Limits = Limits(),  # noqa: B008 - frozen, so sharing the default is safe
    display_name: str | None = None,
    readers: Sequence[Reader] | None = None,
) -> FileReport:
    """Scan one file. Never raises for anything about the file's content.

    ``readers`` replaces the registry (tests use it to plug in a fake format)."""
    engine = engine_for(policy)
    name = display_name if display_name is not None else str(path)
    path = Path(path)
    try:
        before = path.stat()
        if not stat.S_ISREG(before.st_mode):
            # A pipe or a device would block or never end; only files are published.
            return FileReport(name, "", 0, "unknown", UNSCANNABLE, reason="not a regular file")
        sha256, size = _hash(path)
    except OSError as e:
        reason = f"cannot read: {(e.strerror or type(e).__name__).lower()}"
        return FileReport(name, "", 0, "unknown", UNSCANNABLE, reason=reason)
    if size == 0:
        return FileReport(name, sha256, 0, "empty", CLEAN)

    tally = Tally((c.id for c in policy.classes), shown=lambda where: safe_location(where, policy))
    run = _Run(Classifier(engine, tally), limits, readers if readers is not None else all_readers())
    source = Source(name=path.name, open=lambda: path.open("rb"), size=size)
    fmt = "unknown"
    failure: str | None = None
    try:
        reader, head = _pick(source, run.readers)
        if reader is None:
            raise Unscannable(_unsupported(source, head))
        fmt = reader.name
        _read(reader, source, run)
        blocking = [p for p in run.coverage if p.read == UNREAD and p.blocks]
        if blocking:
            first = blocking[0]
            more = f" (and {len(blocking) - 1} more unread)" if len(blocking) > 1 else ""
            raise Unscannable(f"{first.part}: not read: {first.reason}{more}")
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise Unscannable("changed while it was scanned")
    except Unscannable as e:
        failure = e.reason
    except (Exception, RecursionError, MemoryError) as e:
        # Fail closed; the exception's message may quote the file, so only its type is shown.
        failure = f"corrupt: cannot read as {fmt} ({type(e).__name__})"

    classes = tally.classes()
    verdict = UNSCANNABLE if failure is not None else PROTECTED if classes else CLEAN
    return FileReport(
        path=name,
        sha256=sha256,
        size=size,
        format=fmt,
        verdict=verdict,
        # The member at fault is named (``asylum/x.png: unsupported format``), but not a person.
        reason=None if failure is None else safe_text(failure, policy, _MAX_REASON),
        classes=classes,
        findings=tally.findings(),
        coverage=tuple(run.coverage),
    )


def scan_paths(
    paths: Sequence[Path],
    policy: Policy,
    *,
    progress: Callable[[Path], None] | None = None,
    limits: Limits = Limits(),  # noqa: B008 - frozen, so sharing the default is safe
) -> list[FileReport]:
    """Scan files and directories (recursively, in name order). A path that does not exist
    is a usage error, raised before anything is scanned."""
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    reports = []
    for path in paths:
        for file in iter_files(Path(path)):
            if progress is not None:
                progress(file)
            reports.append(scan_file(file, policy, limits=limits))
    return reports


def iter_files(path: Path) -> Iterator[Path]:
    """``path`` itself, or every file under it; symbolic links to directories are not
    followed (a loop would never end), VCS state directories are skipped."""
    if not path.is_dir():
        yield path
        return
    for root, dirs, files in os.walk(path):
        # A git directory (a bare ledger, a submodule's) holds objects, not content to publish.
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not (Path(root, d, "HEAD").is_file() and Path(root, d, "objects").is_dir())
        )
        for name in sorted(files):
            yield Path(root, name)


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _pick(source: Source, readers: Sequence[Reader]) -> tuple[Reader | None, bytes]:
    with source.open() as f:
        head = f.read(HEAD_BYTES)
    for reader in readers:
        try:
            accepted = reader.accepts(head, source.name)
        except Exception:  # noqa: S112 - a reader that cannot tell does not accept
            continue
        if accepted:
            return reader, head
    return None, head


def _unsupported(source: Source, head: bytes) -> str:
    mime = guess_type(head)
    if mime == "application/x-ole-storage":
        with source.open() as f:
            if _ENCRYPTED_PACKAGE in f.read(1024 * 1024):
                return "encrypted"
    if mime == "application/pgp-encrypted":
        return "encrypted"
    return f"unsupported format: {mime}"


def _read(reader: Reader, source: Source, run: _Run) -> None:
    for unit in reader.read(source, run.limits):
        if isinstance(unit, Part):
            if source.part is not None:
                unit = replace(unit, part=f"{source.part}/{unit.part}")
            run.coverage.append(unit)
            continue
        if isinstance(unit, Nested):
            _nested(unit, run)
            continue
        if unit.where.part is None and source.part is not None:
            unit.where = replace(unit.where, part=source.part)
        run.classifier.unit(unit)


def _nested(unit: Nested, run: _Run) -> None:
    source = unit.source
    limits = run.limits
    label = source.part or unit.where.part or source.name
    if source.depth > limits.max_depth:
        raise Unscannable(f"{label}: nested more than {limits.max_depth} levels deep")
    run.expanded += source.size
    if run.expanded > limits.max_expanded_bytes:
        raise Unscannable(f"expands to more than {limits.max_expanded_bytes} bytes")
    if source.size == 0:
        return
    if source.part is None and unit.where.part is not None:
        source = replace(source, part=unit.where.part)
    reader, head = _pick(source, run.readers)
    if reader is None:
        raise Unscannable(f"{label}: {_unsupported(source, head)}")
    try:
        _read(reader, source, run)
    except Unscannable as e:
        if e.reason.startswith(f"{label}: ") or e.reason.startswith("expands to"):
            raise
        raise Unscannable(f"{label}: {e.reason}") from None
    except (Exception, RecursionError) as e:
        raise Unscannable(
            f"{label}: corrupt: cannot read as {reader.name} ({type(e).__name__})"
        ) from None
