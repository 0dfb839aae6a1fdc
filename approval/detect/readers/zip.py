"""ZIP archives: every member is a ``Nested`` source, read by the reader for its own format.

Hostile archives are refused from the central directory alone, before a byte is expanded:
too many entries, a member whose declared size is too many times its compressed size, a total
declared size over ``Limits.max_expanded_bytes``, nesting deeper than ``Limits.max_depth``,
encrypted members. A member that lies about its size cannot expand beyond what it declared:
``zipfile`` stops at the declared size and then fails the CRC check, which we report as corrupt.

Office Open XML (xlsx, docx, pptx) and OpenDocument spreadsheets are ZIP files too. This reader
accepts them like any ZIP (by content: the bytes are a ZIP), and the package readers declare
that they subsume it (``subsumes = {"zip"}``): when one of them accepts the bytes, the scanner
reads them with it alone. That holds because a package reader accounts for every member of the
archive (``_package.account``: the parts it reads, an XML text fallback for the others, and
every other member ``Nested``, as here), so reading the package as a plain archive too would
only cost time. A ZIP that no package reader accepts (an OpenDocument text, a package missing
its main part) is read here, member by member. A name never enters into it.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import IO, BinaryIO

from approval.detect.readers._members import (
    HEAD,
    MAX_IMAGE,
    PICTURE_FILE_REASON,
    ends_as_image,
    image_text,
    is_image,
    strings,
)
from approval.detect.readers._names import name_words
from approval.detect.units import (
    AS_TEXT,
    PARSED,
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

_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Members this small expand cheaply whatever their ratio: a 50 KiB run of spaces deflates
# 1000:1 and is no bomb. Apache POI's ZipSecureFile grants the same kind of grace.
RATIO_GRACE_BYTES = 1024 * 1024
# A member is copied to memory up to this size, to a temporary file beyond.
_SPOOL_BYTES = 16 * 1024 * 1024
_COPY_CHUNK = 1024 * 1024
# What expanding a member may raise besides BadZipFile (see ``_copy_member``).
_EXPAND_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    NotImplementedError,
)
_SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


def is_zip(head: bytes) -> bool:
    return head.startswith(_MAGIC)


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


def comments(members: list[zipfile.ZipInfo], archive: bytes) -> Iterator[Unit]:
    """The archive's comment and its members' comments, as text: ``unzip -z`` shows them, and
    they hold up to 64 KiB each."""
    for where, raw in (
        *((f"{info.filename} (comment)", info.comment) for info in members),
        ("archive comment", archive),
    ):
        text = " ".join(raw.decode("utf-8", "replace").split())
        if text:
            yield Part(where, "comment", len(raw), PARSED)
            yield Text(Where(part=where, hidden=True), [text], "")


# Extra fields that hold numbers only (sizes, times, ids, alignment, encryption settings).
_NUMERIC_EXTRAS = frozenset(
    {0x0001, 0x000A, 0x000D, 0x0017, 0x5455, 0x5855, 0x7855, 0x7875, 0x756E, 0x9901, 0xCAFE,
     0xD935}
)  # fmt: skip
_UNICODE_PATH, _UNICODE_COMMENT = 0x7075, 0x6375


def extras(members: list[zipfile.ZipInfo]) -> Iterator[Unit]:
    """What the members' extra fields hold besides numbers: Info-ZIP's Unicode path and
    comment (``unzip -l`` and ``unzip -z`` show them instead of the names and comments
    ``zipfile`` reads), and the text of any field no tool is known to fill with numbers."""
    for info in members:
        lines: list[str] = []
        data, at = info.extra, 0
        while at + 4 <= len(data):
            kind = int.from_bytes(data[at : at + 2], "little")
            size = int.from_bytes(data[at + 2 : at + 4], "little")
            body = data[at + 4 : at + 4 + size]
            at += 4 + size
            if kind in (_UNICODE_PATH, _UNICODE_COMMENT):
                text = body[5:].decode("utf-8", "replace")  # after a version and a CRC-32
                lines.append(name_words(text) if kind == _UNICODE_PATH else " ".join(text.split()))
            elif kind not in _NUMERIC_EXTRAS:
                lines += strings(body)
        if at < len(data):  # bytes no field header covers
            lines += strings(data[at:])
        if any(lines):
            where = f"{info.filename} (extra fields)"
            yield Part(where, "extra fields", len(data), PARSED)
            yield Text(Where(part=where, hidden=True), [line for line in lines if line], "")


def child_part(source: Source, inner: str) -> str:
    """The location of something inside ``source``, as seen from the top-level file."""
    return f"{source.part or PurePosixPath(source.name).name}/{inner}"


class _ZipReader:
    name = "zip"

    def accepts(self, probe: Probe) -> bool:
        # A central directory found from the end is a ZIP too when something precedes it:
        # zipfile, unzip and Explorer all open it.
        return is_zip(probe.head) or probe.members is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as raw:
            archive = open_archive(raw)
            with archive:
                members = archive.infolist()
                comment = archive.comment
        check_members(members, limits)
        yield from comments(members, comment)
        yield from extras(members)
        files = [(index, info) for index, info in enumerate(members) if not _is_dir(info)]
        if files and source.depth >= limits.max_depth:
            raise Unscannable(f"zip bomb: archives nested more than {limits.max_depth} deep")
        names = _member_lines(members)
        if names:
            # A listing (`unzip -l`, a file manager) shows the names: a folder of files named
            # after the persons in them is a list of those persons.
            yield Part("member names", "names", sum(map(len, names)), AS_TEXT)
            yield Text(Where(part=child_part(source, "member names")), names, "")
        pictures = _pictures(source, files)
        for index, info in files:
            name = info.filename or "(no name)"
            if index in pictures:
                # A member is a file of its own, and a picture file is unscannable wherever it
                # is (a scanned list travels as one): it blocks, as at the top level. The text it
                # carries (PNG text chunks, JPEG comments, Exif, XMP) is read all the same.
                yield Part(name, "image", info.file_size, UNREAD, PICTURE_FILE_REASON)
                if pictures[index]:
                    yield Text(Where(part=name, hidden=True), pictures[index], "")
                continue
            yield Part(name, "member", info.file_size, PARSED, "read as a file of its own")
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


def _member_lines(members: list[zipfile.ZipInfo]) -> list[str]:
    """Each member's name as a line of words: folders and ``_`` separate words, as people
    read them."""
    lines = []
    for info in members:
        words = name_words(info.filename)
        if words:
            lines.append(words)
    return lines


def _pictures(source: Source, files: list[tuple[int, zipfile.ZipInfo]]) -> dict[int, list[str]]:
    """The members that are pictures, and only pictures (see ``_members.ends_as_image``),
    with the text each carries."""
    found: dict[int, list[str]] = {}
    candidates = [(i, info) for i, info in files if 0 < info.file_size <= MAX_IMAGE]
    if not candidates:
        return found
    with source.open() as raw, open_archive(raw) as archive:
        for index, info in candidates:
            try:
                with archive.open(info) as stream:
                    head = stream.read(HEAD)
                    if not is_image(head):
                        continue
                    data = head + stream.read()
            except (*_EXPAND_ERRORS, RuntimeError):
                continue  # read as a file of its own, which fails with the reason
            if ends_as_image(data):
                found[index] = image_text(data)
    return found


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
