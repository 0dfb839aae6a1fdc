"""ZIP archives: every member is a ``Nested`` source, read by the reader for its own format.

Hostile archives are refused from the central directory alone, before a byte is expanded:
too many entries, a member whose declared size is too many times its compressed size, a total
declared size over ``Limits.max_expanded_bytes``, nesting deeper than ``Limits.max_depth``,
encrypted members. A member that lies about its size cannot expand beyond what it declared:
``zipfile`` stops at the declared size and then fails the CRC check, which we report as corrupt.

Office Open XML (xlsx, docx, pptx) and OpenDocument files are ZIP files too; their own readers
come first in the registry and this reader declines them, so that a workbook is never scanned
as a heap of XML parts.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import IO, BinaryIO

from approval.detect.units import Limits, Nested, Source, Unit, Unscannable, Where

_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Containers built on ZIP that have readers of their own, or that we refuse as unsupported
# rather than half-read as loose XML.
_OFFICE_SUFFIXES = frozenset(
    {
        ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam",
        ".docx", ".docm", ".dotx", ".dotm",
        ".pptx", ".pptm", ".potx", ".ppsx",
        ".ods", ".odt", ".odp", ".odg", ".ots", ".ott",
    }
)  # fmt: skip
# Members this small expand cheaply whatever their ratio: a 50 KiB run of spaces deflates
# 1000:1 and is no bomb. Apache POI's ZipSecureFile grants the same kind of grace.
RATIO_GRACE_BYTES = 1024 * 1024
# A member is copied to memory up to this size, to a temporary file beyond.
_SPOOL_BYTES = 16 * 1024 * 1024
_COPY_CHUNK = 1024 * 1024
_SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


def is_zip(head: bytes) -> bool:
    return head.startswith(_MAGIC)


def is_office_container(head: bytes, name: str) -> bool:
    """Whether a ZIP is an Office Open XML or OpenDocument file, from its name or first member.

    Office writes ``[Content_Types].xml`` first; OpenDocument requires ``mimetype`` first, stored,
    with the media type right after it (ODF 1.2 part 3, 3.3)."""
    if PurePosixPath(name.lower()).suffix in _OFFICE_SUFFIXES:
        return True
    if not head.startswith(b"PK\x03\x04") or len(head) < 30:
        return False
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    first = head[30 : 30 + name_length]
    if first == b"[Content_Types].xml":
        return True
    data = head[30 + name_length + extra_length :]
    return first == b"mimetype" and data.startswith(b"application/vnd.oasis.opendocument")


def open_archive(stream: BinaryIO) -> zipfile.ZipFile:
    """A ``ZipFile`` over ``stream``, or ``Unscannable("corrupt: ...")``."""
    try:
        return zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        raise Unscannable(f"corrupt: {_zip_problem(exc)}") from exc
    except (OSError, EOFError, ValueError, zipfile.LargeZipFile, NotImplementedError) as exc:
        # NotImplementedError: a directory claiming a zip version zipfile does not know.
        raise Unscannable("corrupt: unreadable zip directory") from exc


def check_members(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse an archive from its central directory alone, before anything is expanded."""
    if len(members) > limits.max_entries:
        raise Unscannable(f"zip bomb: more than {limits.max_entries} entries")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise Unscannable("encrypted")
        if _is_dir(info):
            continue
        if info.compress_type not in _SUPPORTED_METHODS:
            raise Unscannable(f"unsupported format: zip compression method {info.compress_type}")
        if info.file_size > RATIO_GRACE_BYTES and (
            info.file_size > info.compress_size * limits.max_ratio
        ):
            raise Unscannable(
                f"zip bomb: a member expands more than {limits.max_ratio:g} times its size"
            )
        total += info.file_size
        if total > limits.max_expanded_bytes:
            raise Unscannable(f"zip bomb: expands to more than {_size(limits.max_expanded_bytes)}")


def member_opener(source: Source, index: int, limits: Limits) -> Callable[[], BinaryIO]:
    """A way to open the ``index``-th member afresh, as a seekable file, at most its declared
    size. By position, not by name: two members may share a name, and each is read.

    The member is copied out (to memory, or to a temporary file past a few MiB) because the
    readers of nested formats (ZIP inside ZIP, a workbook in an archive) need to seek, and a
    seek backwards in a compressed member would decompress it again from the start."""

    def open_member() -> BinaryIO:
        copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        try:
            with source.open() as raw, open_archive(raw) as archive:
                _copy_member(archive, index, limits, copy)
        except BaseException:
            copy.close()
            raise
        copy.seek(0)
        return copy  # type: ignore[return-value]  # a SpooledTemporaryFile is a binary file

    return open_member


def _copy_member(archive: zipfile.ZipFile, index: int, limits: Limits, out: IO[bytes]) -> None:
    try:
        info = archive.infolist()[index]
        check_members([info], limits)
        with archive.open(info) as stream:
            shutil.copyfileobj(stream, out, _COPY_CHUNK)
    except IndexError as exc:
        raise Unscannable("corrupt: member missing from zip directory") from exc
    except zipfile.BadZipFile as exc:
        raise Unscannable(f"corrupt: {_zip_problem(exc)}") from exc
    except (OSError, EOFError, ValueError, zlib.error, NotImplementedError, RuntimeError) as exc:
        # RuntimeError is zipfile's "password required", NotImplementedError a method it does
        # not know: both were checked in the directory, but a local header may disagree.
        # ValueError: an offset that points before the start of the file.
        raise Unscannable("corrupt: zip member cannot be expanded") from exc


def child_part(source: Source, inner: str) -> str:
    """The location of something inside ``source``, as seen from the top-level file."""
    return f"{source.part or PurePosixPath(source.name).name}/{inner}"


class _ZipReader:
    name = "zip"

    def accepts(self, head: bytes, name: str) -> bool:
        return is_zip(head) and not is_office_container(head, name)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as raw:
            archive = open_archive(raw)
            with archive:
                members = archive.infolist()
        check_members(members, limits)
        files = [(index, info) for index, info in enumerate(members) if not _is_dir(info)]
        if files and source.depth >= limits.max_depth:
            raise Unscannable(f"zip bomb: archives nested more than {limits.max_depth} deep")
        for index, info in files:
            name = info.filename or "(no name)"
            yield Nested(
                source=Source(
                    name=name,
                    open=member_opener(source, index, limits),
                    size=info.file_size,
                    depth=source.depth + 1,
                    part=child_part(source, name),
                ),
                where=Where(part=name),
            )


_PROBLEMS = (
    ("Bad CRC-32", "bad CRC-32 (a member differs from its checksum or declared size)"),
    ("File is not a zip file", "not a zip file (no central directory)"),
    ("Truncated", "truncated zip"),
    ("Bad magic number", "bad zip header"),
    ("Bad offset", "bad zip directory offset"),
    ("File name in directory", "member names differ between directory and header"),
)


def _is_dir(info: zipfile.ZipInfo) -> bool:
    # Not ZipInfo.is_dir(): it fails on an empty name; and a "directory" that holds data is a
    # file whatever its name says.
    return info.filename.endswith("/") and info.file_size == 0


def _zip_problem(exc: zipfile.BadZipFile) -> str:
    """A fixed phrase for zipfile's complaint: its messages may quote member names."""
    text = str(exc)
    return next((phrase for prefix, phrase in _PROBLEMS if text.startswith(prefix)), "bad zip")


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


READER = _ZipReader()
