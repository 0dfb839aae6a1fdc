"""Which file a web request is for: the request target a web server passes on (nginx's
``$request_uri`` in ``X-Original-URI``, Caddy's ``X-Forwarded-Uri``, or the service's own
request path), mapped onto the document root as a static web server maps it, or refused.

The mapping is strict, because a gate that maps a URI to another file than the web server
opens decides for the wrong bytes. Whatever it cannot map the way nginx does, it refuses:

- the target is decoded once (``%41`` is ``A``); an encoded slash, backslash or NUL, a control
  byte, or bytes that are not UTF-8 are refused (a second decoding, or a server that splits at
  a decoded slash, would reach another file);
- ``.`` and ``..`` segments are refused, not resolved (nginx would resolve them; a link that
  needs them is broken or a trick); repeated slashes merge, as nginx's ``merge_slashes`` does;
- a segment starting with a dot (``.git``, ``.svn``, ``.env``, ``.htpasswd``) is refused, on
  the path asked and on the path it resolves to;
- links are followed as the web server follows them, and the file they reach must be inside
  the root (resolved with ``realpath``); the file is then opened from the root one component
  at a time with ``O_NOFOLLOW`` at each (``open_beneath``), so a link put in place of the file
  or of any directory on its way since is refused, never followed out of the root;
- a directory maps to its index file (``index.html`` unless configured, as nginx's ``index``);
  a missing file, a special file or a directory without index is refused (403, not 404: a
  "go ahead" for a file that is not there yet would let the web server serve one that appears
  a moment later, undecided).

A static server may also send another file than the one a URI maps to, by content
negotiation on the encoding: nginx's ``gzip_static`` (and ``gunzip``, ``brotli_static``,
``zstd_static``), Caddy's ``file_server { precompressed }``, h2o's ``send-compressed`` and
their like send ``X.gz``, ``X.br`` or ``X.zst`` for ``X`` when the client accepts it. So the
request for ``X`` is also a request for each such sibling that is there (``precompressed``:
one ``stat`` per name when none is), each decided as a file of its own. Negotiation on other
siblings (Apache's MultiViews: ``X.html``, ``X.en``, ``X.csv`` for ``X``) happens only when
``X`` itself is not there, and a missing ``X`` is refused: it is never reached.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

INDEX = "index.html"
# Where there is no ``O_PATH`` (not Linux), directories are opened for reading.
_O_PATH = getattr(os, "O_PATH", os.O_RDONLY)

# Why a request maps to no file to decide: each a word the service answers and logs.
BAD_URI = "bad-uri"  # not a path, or bytes that cannot be a file name
ENCODED = "encoded"  # an encoded slash, backslash or NUL: decoded twice, it is another path
DOTS = "dot-segment"  # '.' or '..'
HIDDEN = "hidden"  # a segment starting with a dot (VCS directories, dot files)
OUTSIDE = "outside"  # resolves outside the document root (a link leaving it)
MISSING = "missing"  # no such file (nor index)
SPECIAL = "not-a-file"  # a pipe, a device, a socket, a directory without index

UNREADABLE = "unreadable"  # there, but its directory may not be searched: closed

# The siblings a static server sends for ``X`` when the client accepts their encoding: gzip,
# brotli and zstd as nginx's and Caddy's modules name them, and the rarer names other servers
# and build tools use (deflate as ``.zz`` or ``.deflate``, ``.gzip``, ``.zstd``). One more name
# costs one ``stat`` per request; a name missing here is a file served undecided.
PRECOMPRESSED = (".gz", ".br", ".zst", ".zstd", ".zz", ".deflate", ".gzip")

# Refusals that are a request's own doing (a mistyped link, a robot): not worth a log line each.
QUIET = frozenset({MISSING})

_FORBIDDEN_ENCODED = (b"%2f", b"%5c", b"%00")


@dataclass(frozen=True)
class Mapped:
    """The file a request is for: ``relative`` as asked (after the index), ``real`` resolved."""

    relative: str
    real: str


@dataclass(frozen=True)
class Unmapped:
    reason: str
    relative: str = ""  # what was asked, decoded, where it could be (for the log, made safe)


def segments(target: bytes) -> tuple[tuple[str, ...], bool] | Unmapped:
    """The path segments of a request target, decoded once, and whether it names a directory
    (ends with ``/``); or why it cannot be a path under the root."""
    path = target.split(b"#", 1)[0].split(b"?", 1)[0]
    if not path.startswith(b"/"):
        return Unmapped(BAD_URI)
    if any(b <= 0x20 or b == 0x7F for b in path):
        return Unmapped(BAD_URI)  # a raw request target holds none (nginx passes it raw)
    lowered = path.lower()
    if any(bad in lowered for bad in _FORBIDDEN_ENCODED):
        return Unmapped(ENCODED)
    decoded = unquote_to_bytes(path)
    if any(b < 0x20 or b == 0x7F or b == 0x5C for b in decoded):
        return Unmapped(ENCODED)
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return Unmapped(BAD_URI)
    parts = tuple(p for p in text.split("/") if p)
    shown = "/".join(parts)
    if any(p in (".", "..") for p in parts):
        return Unmapped(DOTS, shown)
    if any(p.startswith(".") for p in parts):
        return Unmapped(HIDDEN, shown)
    return parts, text.endswith("/") or not parts


def locate(root: str, target: bytes, index: str = INDEX) -> Mapped | Unmapped:
    """The file under ``root`` (a resolved, absolute directory) that ``target`` is for."""
    found = segments(target)
    if isinstance(found, Unmapped):
        return found
    parts, directory = found
    relative = "/".join(parts)
    # Strings, not Path: every request maps one (see worktree.list_files).
    candidate = os.path.join(root, *parts)  # noqa: PTH118
    if directory:
        candidate = os.path.join(candidate, index)  # noqa: PTH118
        relative = f"{relative}/{index}" if relative else index
    return _existing(root, candidate, relative, None if directory else index)


def precompressed(root: str, mapped: Mapped) -> list[Mapped | Unmapped]:
    """The siblings of the file ``mapped`` a static server may send in its place (see the
    module doc), as ``locate`` maps them: each that is there, or why it cannot be decided
    (a link leaving the root, a directory, a name it may not look at). Named from the path
    asked, not from the file a link reaches, as the web server names them. None there (the
    common case): one ``stat`` per name."""
    found: list[Mapped | Unmapped] = []
    for suffix in PRECOMPRESSED:
        relative = mapped.relative + suffix
        candidate = os.path.join(root, relative)  # noqa: PTH118
        try:
            os.stat(candidate)  # noqa: PTH116 - strings, as every path here
        except (FileNotFoundError, NotADirectoryError):
            continue  # not there (or a dangling link): the web server cannot send it either
        except PermissionError:
            found.append(Unmapped(UNREADABLE, relative))
            continue
        except OSError:
            found.append(Unmapped(SPECIAL, relative))  # a loop of links, a name too long
            continue
        # Gone since the stat is MISSING here, and refused by the caller as a change.
        found.append(_existing(root, candidate, relative, None))
    return found


def _existing(root: str, candidate: str, relative: str, index: str | None) -> Mapped | Unmapped:
    """``candidate`` resolved inside the root, when it is there; a directory as its
    ``index`` (None: no index, as for an index that is itself a directory)."""
    mapped = _resolve(root, candidate, relative)
    if isinstance(mapped, Unmapped):
        return mapped
    try:
        mode = os.stat(mapped.real).st_mode  # noqa: PTH116
    except OSError:
        return Unmapped(MISSING, relative)
    if not stat.S_ISDIR(mode):
        return mapped
    if index is None:
        return Unmapped(SPECIAL, relative)
    # nginx redirects /dir to /dir/, which asks again; decided here as its index.
    index_path = os.path.join(mapped.real, index)  # noqa: PTH118
    return _existing(root, index_path, f"{relative}/{index}", None)


def _resolve(root: str, candidate: str, relative: str) -> Mapped | Unmapped:
    """``candidate`` (under ``root``) with its links resolved, when it stays inside the root.

    The common case has no link: one ``lstat`` per segment under the root shows it, and the
    path is its own resolution. A link anywhere: ``realpath``, and the result checked."""
    path = root
    for part in candidate[len(root) + 1 :].split("/"):
        path = f"{path}/{part}"
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            break  # missing: the caller says so
        if stat.S_ISLNK(mode):
            return _linked(root, candidate, relative)
    return Mapped(relative, candidate)


def open_beneath(root: str, real: str) -> int:
    """A read-only descriptor on the file at ``real`` (a path ``locate`` resolved, under
    ``root``), opened one component at a time from the root with ``O_NOFOLLOW`` at each: a
    link put in place of any directory on the way since ``locate`` (a race to read a file
    outside the root, as the service's user) is an ``OSError`` (``ELOOP``/``ENOTDIR``), never
    followed. Non-blocking, so that a pipe put in its place does not hang the open (the
    caller checks what it got with ``fstat``); ``OSError`` for anything else that fails."""
    if real != root and not real.startswith(root + os.sep):
        raise OSError(errno.EXDEV, "not under the document root", real)
    parts = [p for p in real[len(root) + 1 :].split(os.sep) if p]  # noqa: PTH206
    if not parts:
        raise OSError(errno.EISDIR, "the document root itself", real)
    # Directories are only walked through, not read: ``O_PATH`` needs search permission
    # alone, as the web server's own open does (a traverse-only 0711 directory is fine).
    walk = _O_PATH | os.O_DIRECTORY | os.O_CLOEXEC
    directory = os.open(root, walk)
    try:
        for part in parts[:-1]:
            inner = os.open(part, walk | os.O_NOFOLLOW, dir_fd=directory)
            os.close(directory)
            directory = inner
        return os.open(
            parts[-1],
            os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
            dir_fd=directory,
        )
    finally:
        os.close(directory)


def _linked(root: str, candidate: str, relative: str) -> Mapped | Unmapped:
    real = os.path.realpath(candidate)
    if real != root and not real.startswith(root + os.sep):
        return Unmapped(OUTSIDE, relative)
    inside = real[len(root) + 1 :]
    if any(p.startswith(".") for p in inside.split(os.sep) if p):  # noqa: PTH206
        return Unmapped(HIDDEN, relative)  # a link to .git is .git
    return Mapped(relative, real)
