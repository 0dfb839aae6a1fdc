"""Archives and compressed streams: ZIP, gzip, bz2, xz, tar, and their comments and headers."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
import zlib

from tests.corpus.documents import zip_bytes
from tests.corpus.inject.content import Content


def zip_of(name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    return zip_bytes([("README.txt", b"Monthly statistics.\n"), (name, data)], method)


def zip_nested(data: bytes, name: str, levels: int) -> bytes:
    """``data`` as ``name`` inside ``levels`` ZIP archives (the outermost is the file)."""
    for level in range(levels):
        data = zip_of(name, data)
        name = f"level{levels - level}.zip"
    return data


def zip_archive_comment(c: Content) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("README.txt", "Monthly statistics.\n")
        archive.comment = c.text().encode()[:65535]
    return out.getvalue()


def zip_member_comment(c: Content) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("README.txt", (2022, 11, 28, 12, 0, 0))
        info.comment = c.text().encode()
        archive.writestr(info, "Monthly statistics.\n")
    return out.getvalue()


def gzip_of(data: bytes, name: str = "") -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=out, mtime=1670000000) as f:
        f.write(data)
    return out.getvalue()


def gzip_comment(c: Content) -> bytes:
    """A gzip header's FCOMMENT field (RFC 1952), which ``gzip -l -v`` and file managers show."""
    body = zlib_deflate(b"Monthly statistics.\n")
    import struct

    comment = c.text().replace("\n", " ").encode("latin-1", "replace") + b"\0"
    header = b"\x1f\x8b\x08\x10" + struct.pack("<I", 1670000000) + b"\x00\x03" + comment
    raw = b"Monthly statistics.\n"
    return header + body + struct.pack("<II", zlib.crc32(raw), len(raw))


def zlib_deflate(data: bytes) -> bytes:

    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def gzip_multimember(c: Content) -> bytes:
    """Two gzip members back to back: ``gunzip`` writes both, a reader that stops after the
    first sees only the harmless one."""
    return gzip_of(b"Monthly statistics.\n") + gzip_of(c.csv().encode())


def tar_of(name: str, data: bytes, mode: str = "w") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as archive:  # type: ignore[call-overload]
        for member, body in (("README.txt", b"Monthly statistics.\n"), (name, data)):
            info = tarfile.TarInfo(member)
            info.size = len(body)
            info.mtime = 1670000000
            archive.addfile(info, io.BytesIO(body))
    return out.getvalue()


def tar_pax_header(c: Content) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo("README.txt")
        body = b"Monthly statistics.\n"
        info.size = len(body)
        info.pax_headers = {"comment": c.text()}
        archive.addfile(info, io.BytesIO(body))
    return out.getvalue()


def tar_pax_global(c: Content) -> bytes:
    """A pax global header (``g``), which applies to every member that follows."""
    out = io.BytesIO()
    with tarfile.open(
        fileobj=out, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": c.text()}
    ) as archive:
        info = tarfile.TarInfo("README.txt")
        body = b"Monthly statistics.\n"
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    return out.getvalue()


def zip_duplicate_member(c: Content) -> bytes:
    """Two members with one name: tools disagree about which one ``list.csv`` is."""
    from tests.corpus.documents import zip_bytes
    from tests.corpus.inject.content import HARMLESS

    return zip_bytes([("list.csv", HARMLESS.csv().encode()), ("list.csv", c.csv().encode())])


def _file_names(c: Content) -> list[str]:
    """One file name per record, as a scanned file is often named after its person."""
    return [
        line.replace("/", "-").replace(":", "").replace(";", "") + ".pdf" for line in c.labelled()
    ]


def zip_member_names(c: Content) -> bytes:
    from tests.corpus.documents import zip_bytes

    return zip_bytes([(name, b"") for name in _file_names(c)])


def tar_member_names(c: Content) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in _file_names(c):
            info = tarfile.TarInfo(name)
            info.mtime = 1670000000
            archive.addfile(info, io.BytesIO(b""))
    return out.getvalue()
