"""tar archives (POSIX ustar and pax, GNU, old V7): every regular member is a nested source, read
as a file is read, within the limits. A compressed tar (``.tar.gz``, ``.tar.bz2``, ``.tar.xz``)
is a compressed stream whose content is a tar archive: the compression's reader expands it and
this reader reads what is inside.

The archive is read as a stream, member after member (``tarfile`` in ``r|`` mode), each member
copied out to a private temporary file while it is read, so memory does not grow with the
archive and nothing is read twice. Bounds: ``Limits.max_entries`` members; member sizes count
towards ``Limits.max_expanded_bytes`` in the scan core; nesting depth as for every container.

Member names, link targets, user and group names and every pax header value (per member and
global: a ``comment`` is anything the writer wants) are text a tool shows: they are read as
prose, one line each.

Coverage: every member is a part; the headers are one part, read as text. Regular files are
nested sources (the core records how they were read). Directories, symbolic and hard links,
devices and FIFOs hold no data of their own: unread parts that do not block (a hard link's
data is the member it links to, read there).
Bytes no extractor reads must be zero: a regular member's padding to its last 512-byte block,
and everything after the end-of-archive blocks. What is not is read as a file of its own.
Sparse members (GNU sparse, whose holes ``tar`` fills in on extraction) and members of a type
``tarfile`` does not know block, since what an extractor makes of them is not what we would read.

The bytes decide: ``ustar`` at offset 257, or a first header whose checksum is right (V7).
"""

from __future__ import annotations

import shutil
import tarfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, BinaryIO

from approval.detect.readers._expand import copied_out
from approval.detect.readers._names import name_words
from approval.detect.readers._ranges import as_files, nonzero
from approval.detect.units import (
    AS_TEXT,
    UNREAD,
    Limits,
    Nested,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

_COPY_CHUNK = 1024 * 1024
_PAX_PATHS = frozenset({"path", "linkpath", "GNU.sparse.name"})
_BLOCK = tarfile.BLOCKSIZE
_NO_DATA = {
    tarfile.DIRTYPE: "directory",
    tarfile.SYMTYPE: "symbolic link",
    tarfile.LNKTYPE: "hard link",
    tarfile.CHRTYPE: "character device",
    tarfile.BLKTYPE: "block device",
    tarfile.FIFOTYPE: "FIFO",
}


def _checksum_ok(header: bytes) -> bool:
    """A V7 tar header: its checksum field (octal, at 148) matches the header's bytes."""
    if len(header) < 512 or not header[:100].strip(b"\0"):
        return False
    field = header[148:156].replace(b"\0", b" ").strip()
    try:
        stored = int(field, 8)
    except ValueError:
        return False
    unsigned = sum(header[:148]) + 8 * 32 + sum(header[156:512])
    return stored == unsigned


class TarReader:
    name = "tar"

    def accepts(self, probe: Probe) -> bool:
        head = probe.head
        return head[257:262] == b"ustar" or _checksum_ok(head[:512])

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        label = source.part or PurePosixPath(source.name).name
        with source.open() as raw:
            try:
                archive = tarfile.open(fileobj=raw, mode="r|")  # noqa: SIM115 - closed below
            except (tarfile.TarError, OSError, EOFError, ValueError) as e:
                raise Unscannable("corrupt: bad tar header") from e
            with archive:
                count = 0
                headers: list[str] = []
                padded: list[tuple[int, int]] = []  # (end of a member's data, its start)
                extended: list[tuple[int, int]] = []  # the blocks of extended headers
                while True:
                    try:
                        member = archive.next()
                    except (tarfile.TarError, OSError, EOFError, ValueError) as e:
                        raise Unscannable("corrupt: bad tar header") from e
                    if member is None:
                        break
                    headers += _header_text(member)
                    count += 1
                    if count > limits.max_entries:
                        raise Unscannable(
                            f"more than {limits.max_entries} entries (limits.max_entries)"
                        )
                    if member.isreg() and not member.issparse():
                        padded.append((member.offset_data + member.size, member.offset_data))
                    if member.offset_data - member.offset > _BLOCK:
                        # Extended headers (pax records, a GNU long name) before the member's
                        # own: tarfile reads a long name up to its first NUL and pax records
                        # up to one, and nothing reads what follows. Read as files of their own.
                        extended.append((member.offset + _BLOCK, member.offset_data - _BLOCK))
                    yield from _member(archive, member, source, label)
                headers += [str(v) for v in archive.pax_headers.values()]  # global headers
                end = archive.offset
        yield from _unheld(source, padded, end)
        yield from _extended(source, extended)
        lines = [line for text in headers for line in text.splitlines() if line.strip()]
        yield Part("headers", "tar headers", sum(map(len, lines)), AS_TEXT)
        if lines:
            yield Text(Where(part=source.part), lines, title="tar headers")


def _extended(source: Source, regions: list[tuple[int, int]]) -> Iterator[Unit]:
    """Within each region of extended headers (a header block, then its data, maybe several),
    the data tarfile did not read, as files of their own: it reads a long name, and pax
    records, up to a NUL, so data holding one before its last byte that is not zero is read
    (what came before the NUL is in the member's header text already). A header that cannot
    be read leaves the rest of its region to be read whole (fail closed)."""
    found: list[tuple[int, int]] = []
    with source.open() as f:
        if regions and not f.seekable():
            yield Part("extended headers", "tar headers", 0, UNREAD, "cannot check them")
            return
        for start, stop in regions:
            at = start - _BLOCK  # the first extended header's own block
            while at < stop:
                f.seek(at)
                header = f.read(_BLOCK)
                try:  # octal; a base-256 size (no extended header needs one) reads whole
                    size = int(header[124:136].split(b"\0", 1)[0].strip() or b"0", 8)
                except ValueError:
                    size = -1
                if len(header) < _BLOCK:
                    size = -1
                if size < 0:
                    if (rest := nonzero(f, max(at, start), stop)) is not None:
                        found.append(rest)
                    break
                data = at + _BLOCK
                end = min(stop, data + -(-size // _BLOCK) * _BLOCK)
                if (held := nonzero(f, data, end)) is not None and _beyond(f, *held):
                    found.append(held)
                at = end
    yield from as_files(source, found, "of the tar's extended headers")


def _beyond(f: BinaryIO, start: int, stop: int) -> bool:
    """Whether ``[start, stop)`` holds a NUL: something after what tarfile read."""
    f.seek(start)
    at = start
    while at < stop and (chunk := f.read(min(1 << 20, stop - at))):
        if b"\0" in chunk:
            return True
        at += len(chunk)
    return False


def _unheld(source: Source, padded: list[tuple[int, int]], end: int) -> Iterator[Unit]:
    """The bytes no extractor reads must be zero: a member's padding up to its last block, and
    everything after the end-of-archive blocks. What is not zero there is read as a file of its
    own (text is read, binary data blocks)."""
    with source.open() as f:
        if not f.seekable():
            yield Part("padding", "tar padding", 0, UNREAD, "cannot check the archive's padding")
            return
        ranges = [
            found
            for stop, start in padded
            if (found := nonzero(f, stop, start + -(-(stop - start) // _BLOCK) * _BLOCK))
        ]
        if (found := nonzero(f, end, source.size)) is not None:
            ranges.append(found)
    yield from as_files(source, ranges, "outside the tar members")


def _header_text(member: tarfile.TarInfo) -> list[str]:
    """What a member's header says in words: its name and link target (cut into words as a
    listing is read, ``_names``), owner names, pax records (paths cut likewise)."""
    texts = [name_words(member.name), name_words(member.linkname), member.uname, member.gname]
    texts += [
        f"{key}={name_words(value) if key in _PAX_PATHS else value}"
        for key, value in member.pax_headers.items()
    ]
    return [text for text in texts if text]


def _member(
    archive: tarfile.TarFile, member: tarfile.TarInfo, source: Source, label: str
) -> Iterator[Unit]:
    name = member.name or "(no name)"
    kind = _NO_DATA.get(member.type)
    if kind is not None:
        if kind == "directory" and member.size == 0:
            return
        yield Part(name, kind, 0, UNREAD, "holds no data of its own", blocks=False)
        return
    if member.issparse():
        yield Part(name, "sparse member", member.size, UNREAD, "sparse member: not read")
        return
    if not member.isreg():
        yield Part(name, "member", member.size, UNREAD, "tar member of an unknown type")
        return

    def write(out: IO[bytes]) -> int:
        try:
            stream = archive.extractfile(member)
            if stream is None:
                raise Unscannable("corrupt: tar member without data")
            shutil.copyfileobj(stream, out, _COPY_CHUNK)
        except (tarfile.TarError, OSError, EOFError, ValueError) as e:
            raise Unscannable("corrupt: truncated tar member") from e
        return member.size

    with copied_out(write) as (opener, size):
        yield Nested(
            Source(
                name=name,
                open=opener,
                size=size,
                depth=source.depth + 1,
                part=f"{label}/{name}",
            ),
            Where(part=name),
        )


READER = TarReader()
