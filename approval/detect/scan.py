"""Scan files: the bytes choose the readers, every reader that accepts reads, nested sources
(archive members, attachments, decompressed streams) are read the same way within the limits,
and every part met is accounted for in the report's coverage.

Choosing readers: a ``Probe`` is built from the bytes alone (the first and last 8 KiB, the size,
and for a ZIP the member names from its central directory, wherever the archive starts), never
from the name of the file or of where it is going: renaming a file, or exporting it under another
name, cannot change how it is read. Every reader that accepts the probe reads the source, except
a reader that another accepting reader subsumes (``Reader.subsumes`` in ``units``), into one
tally: the worst verdict stands (a reader that fails makes the file unscannable whatever the
others found; a person any of them finds makes it protected).

The report's ``format`` names the readers that read the file, joined by ``+`` in registry order
(``pdf+csv`` for a CSV with a PDF appended); the generic ``text`` and ``trailer`` readers are
left out of the name when another reader read the file too (their reading shows in the
coverage).

Coverage: readers yield ``Part`` units; the core adds one for a nested source no reader accepts
or whose reader fails (``unread``, blocking). Parts merge across readers: a part any reader read
is read. An unread part that blocks makes the file unscannable, naming the part and the reason.
No byte is passed over (``_account_binary``): a source read only by readers of text (or of a
binary file's text trailer) must be text throughout, or its binary data is an unread part; the
bytes of a ZIP outside its records are read as files of their own.

Prose is passed on as a reader sees it: lines that are not ASCII lose their invisible characters
and have their compatibility forms folded (``textio.visible``: zero-width spaces between the
letters of a name, full-width digits), for every reader alike.

Bounds (``Limits``, from the policy's ``limits`` unless given): the core counts rows and cells of
every table, records and values, the characters of prose and record strings, and checks the
time, between units and every few rows, so that every reader is bounded without code of its
own; past a bound the whole file is unscannable and the reason names the bound
(``more than 50000000 cells (limits.max_cells)``). Nesting depth and expanded bytes count
across every container.

Fail closed: a file that no reader accepts, that a reader cannot read, or that makes a reader
fail in any way is ``unscannable`` with a reason that quotes nothing from the file but the name
of the member at fault. A file that changes while it is scanned is unscannable too: the report's
hash must be of what was read.

Names from the file (sheets, members, headers, keys, coverage parts) reach the report's
locations and reasons; those that identify a person are redacted here, where the report is made
(``approval.detect.strings``), so that every report, and every request made from one, shows
``[redacted]`` instead.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import partial
from itertools import chain, islice
from pathlib import Path, PurePath
from typing import Any, BinaryIO, cast

from approval.detect.blobs import may_hold, may_wrap
from approval.detect.carried import Carrier, Found, payload_units
from approval.detect.classify import Classifier, Engine
from approval.detect.readers import ARCHIVES, structured
from approval.detect.readers import readers as all_readers
from approval.detect.readers._binary import binary_start
from approval.detect.readers._expand import copied_out
from approval.detect.readers._probe import HEAD_BYTES, probe
from approval.detect.readers._probe import zip_members as zip_members  # re-exported for tests
from approval.detect.readers._ranges import copy_range
from approval.detect.readers._zipspan import Unaccounted, outside
from approval.detect.report import CLEAN, PROTECTED, UNSCANNABLE, FileReport, Tally
from approval.detect.signatures import signature
from approval.detect.strings import safe_location, safe_text
from approval.detect.textio import sniff_encoding, visible
from approval.detect.units import (
    PARSED,
    UNREAD,
    Bound,
    Cell,
    Limits,
    Nested,
    Part,
    Probe,
    Reader,
    Records,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
    Where,
    subsumed_by,
)
from approval.errors import UsageError
from approval.policy import Policy

_MAX_REASON = 2000  # the statement schema's limit for text
_MAX_PART = 500  # and for a part's name
_HASH_CHUNK = 1024 * 1024
# Directories that hold a tool's state, not content anyone publishes.
SKIP_DIRS = frozenset({".git", ".hg", ".svn"})

# Legacy Office formats in OLE2 containers that no reader reads, by their main stream's name.
_OLE_FORMATS = (
    ("WordDocument", "legacy Word document (.doc)"),
    ("PowerPoint Document", "legacy PowerPoint presentation (.ppt)"),
    ("__substg1.0_", "Outlook message (.msg)"),
)
# How often (in records or lines) the bounds and the time are checked.
_CHECK_EVERY = 1024
# Rows counted at once (see ``_Budget._rows``).
_ROW_BATCH = 256
# Readers that read what others may leave (every text-like format as plain text, the text
# after a binary file's end): not named in ``format`` next to another reader.
_FALLBACKS = frozenset({"text", "trailer"})
# The kind of the parts the core adds for nested sources (archive members, attachments,
# decompressed streams): read by the readers that accepted them, or unread with the reason.
NESTED = "nested"
# An encrypted Office document is an OLE container with this stream (UTF-16 name).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def guess_type(head: bytes) -> str:
    """A MIME-like type from magic bytes, for the reason of an unsupported file."""
    if (mime := signature(head)) is not None:
        return mime
    return "text/plain" if sniff_encoding(head) is not None else "application/octet-stream"


def limits_for(policy: Policy) -> Limits:
    """The scan bounds of a policy: its ``limits``, the defaults for the rest."""
    # Counts are whole numbers in the schema; ratio and seconds may be fractions.
    given: dict[str, Any] = {
        k: (float(v) if k in _FRACTIONAL else int(v))
        for k, v in policy.limits.items()
        if k in _LIMIT_FIELDS
    }
    return replace(Limits(), **given) if given else Limits()


_LIMIT_FIELDS = frozenset(f.name for f in fields(Limits))
_FRACTIONAL = frozenset({"max_ratio", "max_seconds"})


class _Budget:
    """What one top-level file has decoded so far, against the ``Limits`` (mutable, private to
    one scan). Wraps the rows, records and lines of every unit as they stream to the
    classifier."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.rows = 0
        self.cells = 0
        self.chars = 0
        # Files carried in lines, string values and cells (data URIs, bare base64), read by
        # the core once their unit is classified (``approval.detect.carried``).
        self.carrier = Carrier(limits)

    def carried(self) -> list[Found]:
        """The files found whole since last asked (too many stop the scan as they are found)."""
        return self.carrier.take()

    def check(self) -> None:
        limits = self.limits
        if self.rows > limits.max_rows:
            raise Bound(f"more than {limits.max_rows} rows", "max_rows")
        if self.cells > limits.max_cells:
            raise Bound(f"more than {limits.max_cells} cells", "max_cells")
        if self.chars > limits.max_text_chars:
            raise Bound(f"more than {limits.max_text_chars} characters of text", "max_text_chars")
        if time.monotonic() > self.deadline:
            raise Bound(f"took more than {limits.max_seconds:g} seconds", "max_seconds")

    def bound(self, unit: Table | Records | Text) -> None:
        """Make the unit's content count against the limits as the classifier reads it."""
        if isinstance(unit, Table):
            unit.rows = self._rows(unit)
        elif isinstance(unit, Records):
            unit.records = self._records(unit.records)
        else:
            unit.lines = self._lines(unit.lines)

    def _rows(self, table: Table) -> Iterator[Sequence[Cell]]:
        # Counted a batch at a time and passed on by C iterators (``islice``, ``chain``):
        # this runs for every row of every table, and even a per-row Python generator step
        # costs a few percent of a CSV scan. A batch's cells are counted (and handed to the
        # carrier) before any of its rows is passed on, so a bomb is stopped within one batch.
        source = iter(table.rows)
        batches = iter(lambda: list(islice(source, _ROW_BATCH)), [])
        counted = partial(self._counted, self.carrier.cells(table))
        return chain.from_iterable(map(counted, batches))

    def _counted(
        self, carry: Callable[[list[Sequence[Cell]]], None], batch: list[Sequence[Cell]]
    ) -> list[Sequence[Cell]]:
        self.rows += len(batch)
        self.cells += sum(map(len, batch))
        self.check()
        carry(batch)
        return batch

    def _records(self, records: Iterable[dict[str, Cell]]) -> Iterator[dict[str, Cell]]:
        longest = self.limits.max_string_chars
        for number, record in enumerate(records, 1):
            self.rows += 1
            self.cells += len(record)
            for value in record.values():
                if isinstance(value, str):
                    if len(value) > longest:
                        raise Bound(f"a value longer than {longest} characters", "max_string_chars")
                    self.chars += len(value)
                    if may_hold(value):
                        self.carrier.value(value)
            if number % _CHECK_EVERY == 0:
                self.check()
            yield record
        self.check()

    def _lines(self, lines: Iterable[str]) -> Iterator[str]:
        longest = self.limits.max_string_chars
        carrier = self.carrier
        for number, line in enumerate(lines, 1):
            if not line.isascii():
                # What a reader sees: a name with zero-width spaces between its letters, or in
                # full-width letters, is a name (``textio.visible``).
                line = visible(line)
            if len(line) > longest:
                raise Bound(f"a line longer than {longest} characters", "max_string_chars")
            self.chars += len(line)
            if carrier.waiting or may_hold(line) or may_wrap(line):
                carrier.line(line)
            if number % _CHECK_EVERY == 0:
                self.check()
            yield line
        carrier.close()
        self.check()


@dataclass
class _Run:
    """One top-level file's scan: where units go, the bounds, and what was expanded so far
    across every nesting level."""

    classifier: Classifier
    limits: Limits
    readers: Sequence[Reader]
    budget: _Budget
    top: str  # the file's name, which nested sources' parts start with
    expanded: int = 0
    coverage: list[Part] = field(default_factory=list)

    def add(self, part: Part) -> None:
        """Record a part, named relative to the file (``people.csv``, not ``x.zip/people.csv``):
        the same part found by two readers, or as a member and as a nested source, is one."""
        name = part.part.removeprefix(f"{self.top}/")
        self.coverage.append(part if name == part.part else replace(part, part=name))

    def nested(self, part: str, size: int, reason: str | None = None) -> None:
        """The core's own part for a nested source: read, or unread for ``reason``."""
        how = PARSED if reason is None else UNREAD
        self.add(Part(part, NESTED, size, how, reason or ""))


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
    limits: Limits | None = None,
    display_name: str | None = None,
    readers: Sequence[Reader] | None = None,
    identities: bool = False,
) -> FileReport:
    """Scan one file. Never raises for anything about the file's content.

    ``identities``: also give the persons counted as stable text (``FileReport.identities``,
    for an exposure record; protected data, never shown). Off by default: a check or a scan
    pays nothing for it.

    ``limits`` replaces the policy's; ``readers`` replaces the registry (tests use it to plug
    in a fake format). ``display_name`` is how the report names the file (an export's staged
    copy is reported under the source's name): a name only, never used to choose a reader."""
    name = display_name if display_name is not None else str(path)
    try:
        # Non-blocking: opening a named pipe with no writer must not hang the scan (its fstat
        # then says it is not a file).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as e:
        return FileReport(name, "", 0, "unknown", UNSCANNABLE, reason=_cannot_read(e))
    try:
        return scan_fd(
            fd,
            policy,
            name=name,
            label=PurePath(name).name or Path(path).name,
            limits=limits,
            readers=readers,
            identities=identities,
        )
    finally:
        os.close(fd)


def scan_fd(
    fd: int,
    policy: Policy,
    *,
    name: str,
    label: str | None = None,
    limits: Limits | None = None,
    readers: Sequence[Reader] | None = None,
    identities: bool = False,
) -> FileReport:
    """Scan the file open at ``fd`` (``scan_file``'s work, for a caller that opened the file
    itself, as the web gate does with no link followed on the way). The descriptor is not
    closed; ``name`` names the file in the report, ``label`` starts its parts' names.

    The bytes hashed are the bytes parsed: every reader reads the inode open at ``fd``
    (``_opener``), and a file whose identity moved while it was scanned (``_identity``: an
    in-place rewrite moves the ctime, which no one can set back) is ``unscannable`` with
    ``CHANGED_WHILE_SCANNED``, a report nobody may keep."""
    engine = engine_for(policy)
    bounds = limits if limits is not None else limits_for(policy)
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            # A pipe or a device would block or never end; only files are published.
            return FileReport(name, "", 0, "unknown", UNSCANNABLE, reason="not a regular file")
        os.set_blocking(fd, True)
        size = before.st_size
        # Changed so recently that a change in the same clock tick would keep its ctime.
        racy = time.time_ns() - before.st_ctime_ns < _RACY_NS
        if size <= SNAPSHOT_BYTES:
            data = _read_exactly(fd, size)
            sha256 = hashlib.sha256(data).hexdigest()
            opener: Callable[[], BinaryIO] = partial(io.BytesIO, data)
        else:
            sha256 = _hash_fd(fd, size)
            opener = _opener(fd)
    except _Moved:
        return _changed(name, before)
    except OSError as e:
        return FileReport(name, "", 0, "unknown", UNSCANNABLE, reason=_cannot_read(e))
    if size == 0:
        if _identity(os.fstat(fd)) != _identity(before):
            return _changed(name, before)
        return FileReport(name, sha256, 0, "empty", CLEAN)

    tally = Tally(
        (c.id for c in policy.classes),
        shown=lambda where: safe_location(where, policy),
        identities=identities,
    )
    # The name parts and messages start with: the one the user knows (an export scans a staged
    # copy). A label only: the bytes choose the readers.
    label = label or PurePath(name).name or "file"
    run = _Run(
        Classifier(engine, tally),
        bounds,
        readers if readers is not None else all_readers(),
        _Budget(bounds),
        top=label,
    )
    source = Source(name=label, open=opener, size=size)
    fmt = "unknown"
    failure: str | None = None
    current = fmt
    try:
        chosen, probe = _pick(source, run.readers)
        if not chosen:
            raise Unscannable(_unsupported(source, probe.head))
        fmt = format_name(chosen)
        for reader in chosen:
            current = reader.name
            _read(reader, source, run)
        current = "text"
        _account_binary(source, chosen, run)
        run.classifier.finish()  # what the file states as a whole (a claim about its persons)
        blocking = [p for p in merge_coverage(run.coverage) if p.read == UNREAD and p.blocks]
        if blocking:
            first = blocking[0]
            more = f" (and {len(blocking) - 1} more unread)" if len(blocking) > 1 else ""
            # Named from the file, as findings' parts are: ``names.zip/asylum/x.png``.
            raise Unscannable(f"{label}/{first.part}: {first.reason or 'not read'}{more}")
    except Unscannable as e:
        failure = e.reason
    except (Exception, RecursionError, MemoryError) as e:
        # Fail closed; the exception's message may quote the file, so only its type is shown.
        failure = f"corrupt: cannot read as {current} ({type(e).__name__})"
    # Whatever the readers made of it (a reader may fail because the bytes moved under it):
    # bytes that moved are not the bytes hashed, and nothing found or missed in them stands.
    try:
        if size > SNAPSHOT_BYTES and racy and _hash_fd(fd, size) != sha256:
            raise _Moved
        if _identity(os.fstat(fd)) != _identity(before):
            raise _Moved
    except (_Moved, OSError):
        return _changed(name, before)

    classes = tally.classes()
    by_class = tally.identities() if identities else {}
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
        coverage=tuple(_shown(p, policy) for p in merge_coverage(run.coverage)),
        identities=tuple(text for texts in by_class.values() for text in texts),
        identities_by_class=by_class,
        identity_groups=tuple(g for gs in tally.identity_groups().values() for g in gs),
    )


def scan_paths(
    paths: Sequence[Path],
    policy: Policy,
    *,
    progress: Callable[[Path], None] | None = None,
    limits: Limits | None = None,
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


# ---------------------------------------------------------------------------------------------
# The bytes hashed are the bytes parsed
#
# A report names its bytes by sha256, and whoever keeps it (the web gate's and ``check``'s
# caches) trusts that the readers parsed those bytes. So the file is opened once; the hash is
# read from that descriptor; every reader reads the same inode; and the descriptor's identity
# (``_identity``) is the same before and after, or the report says the file changed (an
# owner can set mtime back with ``utime``, but that moves the ctime, which only the clock
# sets). A small file is read once into memory and parsed from there: hashed and parsed
# bytes are the same object, whatever the file does. A larger one is parsed through the
# descriptor; if it was changed within ``_RACY_NS`` before the scan, it is hashed again after
# it. File times come from a coarse clock on many kernels and file systems (a tick of 1-10
# ms, seconds on some): a rewrite within the tick of the change before it keeps the ctime
# (Linux 6.13 and later give a queried ctime a fine-grained next one). A file changed long
# before its scan has a ctime from an earlier tick, and any change during the scan moves it;
# one changed just before is hashed again, as git treats a "racily clean" entry (on the 100
# MB CSV of bench_scan.py the second hash would cost 3% of the scan, on every file).

# Files up to this size are scanned from one read into memory (a few ms of reading).
SNAPSHOT_BYTES = 8 * 1024 * 1024
# The reason of a report on a file that moved while it was scanned: unscannable, and about
# no bytes (no sha256), so that no cache keeps it and no approval lets it through.
CHANGED_WHILE_SCANNED = "changed while it was scanned"
_PROC_FD = "/proc/self/fd"
_RACY_NS = 3_000_000_000  # a tick of the coarsest file times met (2 s on FAT), and some


class _Moved(Exception):
    """The file's bytes are not those its first read saw."""


def _identity(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _changed(name: str, before: os.stat_result) -> FileReport:
    return FileReport(
        name, "", before.st_size, "unknown", UNSCANNABLE, reason=CHANGED_WHILE_SCANNED
    )


def _cannot_read(e: OSError) -> str:
    return f"cannot read: {(e.strerror or type(e).__name__).lower()}"


def _chunks(fd: int, size: int) -> Iterator[bytes]:
    """The first ``size`` bytes of the file (its size when it was looked at), in pieces read
    at their offsets (the descriptor's own offset is the readers')."""
    offset = 0
    while offset < size:
        chunk = os.pread(fd, min(_HASH_CHUNK, size - offset), offset)
        if not chunk:
            raise _Moved  # shorter than its fstat said: truncated meanwhile
        yield chunk
        offset += len(chunk)


def _read_exactly(fd: int, size: int) -> bytes:
    return b"".join(_chunks(fd, size))


def _hash_fd(fd: int, size: int) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(fd, size):
        digest.update(chunk)
    return digest.hexdigest()


def _opener(fd: int, *, proc: bool = True) -> Callable[[], BinaryIO]:
    """How each reader opens the file open at ``fd``: a file object of its own (readers
    seek, and two may read at once: one through another's archive) on that very inode.

    On Linux, ``/proc/self/fd/N`` opened again: a new open file description of the same
    inode (not of whatever was renamed onto the path since), a plain ``FileIO`` at full
    speed. Where there is no such link (or it names another file), ``pread`` on the
    descriptor with an offset of the reader's own (``_PreadFile``): a ``dup`` would share one
    offset among readers, and a private copy would cost a write of the whole file."""
    if proc:
        link = f"{_PROC_FD}/{fd}"
        try:
            seen, held = Path(link).stat(), os.fstat(fd)
            same = (seen.st_dev, seen.st_ino) == (held.st_dev, held.st_ino)
        except OSError:
            same = False
        if same:
            return partial(_open_link, link)
    return partial(_pread_file, fd)


def _open_link(link: str) -> BinaryIO:
    return open(link, "rb")  # noqa: PTH123 - the reader closes it


def _pread_file(fd: int) -> BinaryIO:
    return cast(BinaryIO, io.BufferedReader(_PreadFile(fd), buffer_size=64 * 1024))


class _PreadFile(io.RawIOBase):
    """A read-only view of an open descriptor with an offset of its own (``os.pread``); closing
    it leaves the descriptor open."""

    def __init__(self, fd: int):
        super().__init__()
        self._fd = fd
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = os.pread(self._fd, len(view), self._pos)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += os.fstat(self._fd).st_size
        if offset < 0:
            raise ValueError("negative seek position")
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos


# ---------------------------------------------------------------------------------------------
# Choosing readers


def _pick(source: Source, readers: Sequence[Reader]) -> tuple[list[Reader], Probe]:
    """Every reader that accepts the source's bytes, less those another of them subsumes."""
    seen = probe(source)
    accepted = []
    for reader in readers:
        try:
            if reader.accepts(seen):
                accepted.append(reader)
        except Exception:  # noqa: S112 - a reader that cannot tell does not accept
            continue
    return subsume(accepted), seen


def subsume(accepted: Sequence[Reader]) -> list[Reader]:
    """``accepted`` without the readers that another accepted reader subsumes (two that
    claim each other both read: neither covers the other for sure)."""
    claims = {id(r): subsumed_by(r) for r in accepted}
    chosen: list[Reader] = []
    for reader in accepted:
        if not any(
            other is not reader
            and reader.name in claims[id(other)]
            and other.name not in claims[id(reader)]
            for other in accepted
        ):
            chosen.append(reader)
            continue
        # What the other's reading does not hold, a subsumed reader may still read: the text
        # reader's reading of markup as a renderer shows it (``readers.text``).
        rest = getattr(reader, "subsumed_rest", None)
        if rest is not None:
            chosen.append(rest)
    return chosen


def format_name(chosen: Sequence[Reader]) -> str:
    """The report's ``format``: the readers that read the file, the text fallback left out
    when another read it too."""
    names = [r.name for r in chosen]
    shown = [n for n in names if n not in _FALLBACKS] or names
    return "+".join(dict.fromkeys(shown))


def _unsupported(source: Source, head: bytes) -> str:
    mime = guess_type(head)
    if mime == "application/x-ole-storage":
        with source.open() as f:
            directory = f.read(1024 * 1024)
        if _ENCRYPTED_PACKAGE in directory:
            return "encrypted"
        for stream, what in _OLE_FORMATS:
            if stream.encode("utf-16-le") in directory:
                return f"unsupported format: {what}"
    if mime == "application/pgp-encrypted":
        return "encrypted"
    return f"unsupported format: {mime}"


# ---------------------------------------------------------------------------------------------
# Reading


def _read(reader: Reader, source: Source, run: _Run) -> None:
    budget = run.budget
    found = 0  # data URIs read out of this source's text so far

    def take(unit: Unit) -> None:
        nonlocal found
        if isinstance(unit, Part):
            if source.part is not None:
                unit = replace(unit, part=f"{source.part}/{unit.part}")
            run.add(unit)
            return
        budget.check()
        if isinstance(unit, Nested):
            if source.context and not unit.source.context:
                unit = replace(unit, source=replace(unit.source, context=source.context))
            _nested(unit, run)
            return
        if unit.where.part is None and source.part is not None:
            unit.where = replace(unit.where, part=source.part)
        if source.context:  # a mail's subject over its attachment's tables and text
            unit.title = f"{source.context} / {unit.title}" if unit.title else source.context
        budget.bound(unit)
        run.classifier.unit(unit)
        drain()

    def drain() -> None:
        """The payloads of the data URIs met in the lines and values read so far."""
        nonlocal found
        while carried := budget.carried():
            for uri in carried:
                found += 1
                for unit in payload_units(source, run.limits, uri, found):
                    take(unit)

    for unit in reader.read(source, run.limits):
        take(unit)
    drain()


def _nested(unit: Nested, run: _Run) -> None:
    """Read a source inside another as a file is read. What cannot be read becomes an unread
    part (the scan goes on, and the file is unscannable at the end, naming every such part);
    a bound passed stops the whole scan."""
    source = unit.source
    limits = run.limits
    if source.part is None and unit.where.part is not None:
        source = replace(source, part=unit.where.part)
    label = source.part or source.name
    if source.depth > limits.max_depth:
        reason = f"nested more than {limits.max_depth} levels deep (limits.max_depth)"
        run.nested(label, source.size, reason)
        return
    run.expanded += source.size
    if run.expanded > limits.max_expanded_bytes:
        raise Bound(f"expands to more than {limits.max_expanded_bytes} bytes", "max_expanded_bytes")
    if source.size == 0:
        run.nested(label, 0)
        return
    try:
        chosen, seen = _pick(source, run.readers)
    except Unscannable as e:  # the member could not be opened (a corrupt archive member)
        run.nested(label, source.size, e.reason)
        return
    except (Exception, RecursionError) as e:
        run.nested(label, source.size, f"corrupt: cannot be opened ({type(e).__name__})")
        return
    if not chosen:
        run.nested(label, source.size, _unsupported(source, seen.head))
        return
    failure: str | None = None
    for reader in chosen:
        try:
            _read(reader, source, run)
        except Bound:
            raise
        except Unscannable as e:
            failure = failure or e.reason
        except (Exception, RecursionError) as e:
            failure = failure or f"corrupt: cannot read as {reader.name} ({type(e).__name__})"
    if failure is None:
        try:
            _account_binary(source, chosen, run)
        except Bound:
            raise
        except Unscannable as e:  # armoured ciphertext found by the text check
            failure = e.reason
        except (Exception, RecursionError) as e:
            failure = f"corrupt: cannot read as text ({type(e).__name__})"
    run.nested(label, source.size, failure)


def _account_binary(source: Source, chosen: Sequence[Reader], run: _Run) -> None:
    """Binary data that no reader of its format read is an unread part that blocks. Readers
    of text (and of a binary file's text trailer) read only what decodes as text: unless a
    reader that accounts for every byte of its format read the source too
    (``readers.structured``), the source must be text throughout (``readers._binary``).
    A ZIP's readers read what its directory names: the bytes outside its records are read as
    files of their own (``readers._zipspan``)."""
    held = [reader.name for reader in chosen if structured(reader)]
    if held:
        # The ZIP is the outer format unless a reader of another format read the source too
        # (a PDF or a tar holding a workbook is a ZIP to the ZIP readers, and the rest is the
        # PDF's or the tar's, which account for it). But a PDF that does not start the file
        # (a ZIP holding a stored PDF near its start) leaves the bytes around it to the ZIP's
        # accounting (``readers.pdf``): then it runs, or nobody reads them.
        others = {name for name in held if name not in ARCHIVES}
        if len(others) < len(held) and (not others or (others == {"pdf"} and _pdf_inside(source))):
            _outside_archive(source, run)
        return
    at = binary_start(source)
    if at is None:
        return
    if at == 0:
        with source.open() as f:
            reason = _unsupported(source, f.read(HEAD_BYTES))
    else:
        reason = f"binary data after byte {at} of text, which no reader reads"
    name = f"{source.part}/binary data" if source.part is not None else "binary data"
    run.add(Part(name, "binary", source.size - at, UNREAD, reason))


def _pdf_inside(source: Source) -> bool:
    """Whether the PDF the PDF reader read does not start the file (``readers.pdf`` then
    leaves the bytes around it to the format that holds it)."""
    with source.open() as f:
        return not f.read(5).startswith(b"%PDF-")


def _outside_archive(source: Source, run: _Run) -> None:
    """Each range of a ZIP's bytes that no record of the archive holds, read as a file."""
    with source.open() as f:
        # Whenever a ZIP reader read the source, not only when the probe listed its members
        # (its caps, a count zipfile ignores): bytes between members are read by no one else.
        try:
            gaps = outside(f, source.size, source.stream_ends) if f.seekable() else None
        except Unaccounted:
            gaps = None
        if gaps is None:  # a ZIP to its readers whose bytes cannot all be placed
            name = f"{source.part}/archive" if source.part is not None else "archive"
            reason = "cannot account for the archive's bytes"
            run.add(Part(name, "archive", source.size, UNREAD, reason))
            return
    for start, end in gaps:
        label = f"bytes {start}-{end} outside the archive"
        part = f"{source.part}/{label}" if source.part is not None else label
        with copied_out(partial(copy_range, source, start, end)) as (opener, size):
            inner = Source(label, opener, size, source.depth + 1, part, source.context)
            _nested(Nested(inner, Where(part=part)), run)


# ---------------------------------------------------------------------------------------------
# Coverage


def merge_coverage(parts: Iterable[Part]) -> list[Part]:
    """Parts as the report lists them: a part that any reader read is not also listed unread
    (another reader did not know it), except a nested source that could not be read (whatever
    else says of the member, its content was not read); a nested source read is listed once,
    as its reader names it; the same part read the same way is listed once."""
    parts = list(parts)
    read = {p.part for p in parts if p.read != UNREAD}
    # The core's own record that a nested source was read says nothing a reader's part for
    # the same member does not: one entry is enough.
    listed = {p.part for p in parts if p.read != UNREAD and p.kind != NESTED}
    seen: set[tuple[str, str, str]] = set()
    merged = []
    for part in parts:
        if part.read == UNREAD and part.part in read and part.kind != NESTED:
            continue
        if part.kind == NESTED and part.read != UNREAD and part.part in listed:
            continue
        key = (part.part, part.kind, part.read)
        if key not in seen:
            seen.add(key)
            merged.append(part)
    return merged


def _shown(part: Part, policy: Policy) -> Part:
    """A part safe to show: its name (a member may be named after a person) and reason
    redacted where they identify someone."""
    return replace(
        part,
        part=safe_text(part.part, policy, _MAX_PART),
        reason=safe_text(part.reason, policy, _MAX_REASON) if part.reason else "",
    )
