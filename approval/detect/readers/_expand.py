"""Compressed streams (gzip, bzip2, xz) expanded once, within the limits, for the scanner to read
their content as a nested source.

The content is copied out to a private temporary file (0600, removed when the nested source has
been read) because the readers of what is inside need to seek, and a seek backwards in a
compressed stream would decompress it again from the start. The copy stops, and the file is
unscannable, as soon as the stream expands more than ``Limits.max_ratio`` times its compressed
size (past the first MiB, which expands cheaply whatever its ratio) or beyond
``Limits.max_expanded_bytes``: a bomb is refused after at most that much work, never held whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from approval.detect.units import (
    PARSED,
    Bound,
    Limits,
    Nested,
    Part,
    Source,
    Unit,
    Unscannable,
    Where,
)

# A stream this small expands cheaply whatever its ratio (as for ZIP members).
RATIO_GRACE_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024


@contextmanager
def copied_out(
    write: Callable[[IO[bytes]], int],
) -> Iterator[tuple[Callable[[], BinaryIO], int]]:
    """(a way to open afresh what ``write`` wrote, its size), while the context lasts: a
    private temporary file (0600), removed at the end however the context ends."""
    fd, name = tempfile.mkstemp(prefix="approval-scan-")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            size = write(out)
        yield (lambda: path.open("rb")), size
    finally:
        path.unlink(missing_ok=True)


@contextmanager
def expanded(
    source: Source,
    decompress: Callable[[BinaryIO], BinaryIO],
    limits: Limits,
    errors: tuple[type[BaseException], ...],
    what: str,
) -> Iterator[tuple[Callable[[], BinaryIO], int]]:
    """(a way to open the expanded content afresh, its size), while the context lasts.

    ``decompress`` wraps the raw stream; ``errors`` are what it raises on bad input, reported as
    ``corrupt: bad <what> stream`` (their messages may quote the data)."""

    def write(out: IO[bytes]) -> int:
        total = 0
        budget = max(RATIO_GRACE_BYTES, int(source.size * limits.max_ratio))
        with source.open() as raw:
            try:
                stream = decompress(raw)
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limits.max_expanded_bytes:
                        raise Bound(
                            f"{what} stream expands to more than {limits.max_expanded_bytes} bytes",
                            "max_expanded_bytes",
                        )
                    if total > budget:
                        raise Bound(
                            f"{what} bomb: expands more than {limits.max_ratio:g} times its size",
                            "max_ratio",
                        )
                    out.write(chunk)
            except errors as e:
                raise Unscannable(f"corrupt: bad {what} stream") from e
        return total

    with copied_out(write) as (opener, size):
        yield opener, size


def content(
    source: Source,
    decompress: Callable[[BinaryIO], BinaryIO],
    limits: Limits,
    errors: tuple[type[BaseException], ...],
    what: str,
    inner: str,
) -> Iterator[Unit]:
    """The units of a compressed stream: its part, and its content as a nested source named
    ``inner``."""
    with expanded(source, decompress, limits, errors, what) as (opener, size):
        yield Part(inner, f"{what} stream", source.size, PARSED)
        part = f"{source.part or PurePosixPath(source.name).name}/{inner}"
        yield Nested(
            Source(name=inner, open=opener, size=size, depth=source.depth + 1, part=part),
            Where(part=part),
        )


def inner_name(name: str, suffixes: dict[str, str], fallback: str) -> str:
    """What to call the content of a compressed file in reports: its name without the
    compression's suffix (``people.csv.gz`` holds ``people.csv``). A label only: the content's
    bytes decide how it is read."""
    base = PurePosixPath(name).name
    lower = base.lower()
    for suffix, replacement in suffixes.items():
        if lower.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)] + replacement
    return f"{base} ({fallback})" if base else fallback
