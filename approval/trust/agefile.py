"""The shape of an exposure record: an age file encrypted to the keys its statement names. Pure.

Which persons a file holds is kept in the ledger only encrypted to the privacy officers' keys
(DESIGN.md invariant 7; ``approval.exposure.sealing``, which writes the record with ``pyrage``,
the Rust age library). The ledger cannot decrypt a record, but it can refuse one that is not
even shaped as what the writer makes, such as a rogue client's plaintext list of names and
A-numbers under a matching sha256 (exit 3). What the writer makes
(https://age-encryption.org/v1, binary, not armored):

- the line ``age-encryption.org/v1``;
- one recipient stanza per key the statement's ``recipients`` names, each ``-> ssh-ed25519 TAG
  SHARE`` with a 32-byte body, or ``-> ssh-rsa TAG`` with an RSA-OAEP body (128 to 2048 bytes),
  where TAG is the first 4 bytes of the SHA-256 of the key, as its ``SHA256:`` fingerprint
  begins: the stanzas' tags and the named fingerprints are the same (multi)set;
- at most one "grease" stanza, as rage adds to every file to keep parsers honest: a type
  ``X-grease`` (X: 1 to 8 visible characters), 0 to 4 arguments of 1 to 8, 0 to 99 body bytes;
- the MAC line ``--- `` and 32 bytes; then the payload: a 16-byte nonce and the STREAM chunks
  (64 KiB of plaintext each, the last one shorter and not empty unless it is the only one, each
  with a 16-byte tag).

Bodies and arguments are base64 without padding, in canonical form, bodies wrapped at 64
columns, as age requires. This shape is what an honest record always has; a rogue client can
still hide data in a well-shaped record's bytes, which no check of the form can see.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Sequence

HEADER = b"age-encryption.org/v1"
_MAC = b"\n--- "
_B64 = rb"[A-Za-z0-9+/]"
# The last character of canonical unpadded base64 of 32 bytes (2 bits left over, zero) and of
# 4 bytes (4 bits left over, zero).
_END_32 = rb"[AEIMQUYcgkosw048]"
_END_4 = rb"[AQgw]"
# One stanza as the writer makes it, at a time (see the module doc); bodies are checked for
# their length and canonical end after.
_STANZA = re.compile(
    rb"-> (?:ssh-ed25519 (?P<ed>%(b)s{5}%(e4)s) %(b)s{42}%(e32)s\n%(b)s{42}%(e32)s\n"
    rb"|ssh-rsa (?P<rsa>%(b)s{5}%(e4)s)\n(?P<body>(?:%(b)s{64}\n)*%(b)s{0,63})\n"
    rb"|[\x21-\x7e]{1,8}-grease(?: [\x21-\x7e]{1,8}){0,4}\n"
    rb"(?P<grease>(?:%(b)s{64}\n){0,2}%(b)s{0,63})\n)"
    % {b"b": _B64, b"e4": _END_4, b"e32": _END_32}
)
_MAC_LINE = re.compile(rb"--- %s{42}%s\n" % (_B64, _END_32))
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NONCE = 16
_TAG = 16
_CHUNK = 64 * 1024 + _TAG


class NotAge(ValueError):
    """Why bytes are not an age file as the writer makes one (never their content)."""


def check(data: bytes, recipients: Sequence[str]) -> None:
    """``NotAge`` unless ``data`` is an age file of the writer's shape, with one stanza per
    fingerprint in ``recipients`` (``SHA256:...``). Regular expressions in C do the reading
    (~10 us a record: replay meets one in every request and export of protected data)."""
    if not data.startswith(HEADER + b"\n"):
        raise NotAge("it does not begin with the age header")
    mac_at = data.find(_MAC)
    end = data.find(b"\n", mac_at + 1) if mac_at >= 0 else -1
    if end < 0:
        raise NotAge("its header has no MAC line")
    if not _MAC_LINE.fullmatch(data, mac_at + 1, end + 1):
        raise NotAge("its MAC is not 32 bytes of canonical base64")
    tags: Counter[bytes] = Counter()
    greased = False
    at = len(HEADER) + 1
    while at <= mac_at:
        stanza = _STANZA.match(data, at, mac_at + 1)
        if stanza is None:
            raise NotAge("it holds a stanza the writer does not make")
        at = stanza.end()
        tag = stanza.group("ed") or stanza.group("rsa")
        if tag is None:  # the grease stanza
            if greased or not 0 <= _length(stanza.group("grease")) <= 99:
                raise NotAge("it holds a stanza the writer does not make")
            greased = True
            continue
        if stanza.group("rsa") is not None and not 128 <= _length(stanza.group("body")) <= 2048:
            raise NotAge("an ssh-rsa stanza's body is not an RSA ciphertext")
        tags[base64.b64decode(tag + b"==")] += 1
    if at != mac_at + 1:
        raise NotAge("its header holds a line that is not a stanza")
    named = Counter(_fingerprint_tag(f) for f in recipients)
    if tags != named:
        raise NotAge(
            f"it has {sum(tags.values())} recipient stanza(s) whose tags do not match the "
            f"{len(recipients)} key(s) it names"
        )
    payload = len(data) - (end + 1) - _NONCE
    rest = payload % _CHUNK
    if payload < _TAG or 0 < rest < _TAG or (rest == _TAG and payload > _TAG):
        raise NotAge("its payload is not a nonce and whole encrypted chunks")


def _length(wrapped: bytes) -> int:
    """The bytes a stanza body (lines of canonical unpadded base64) decodes to; -1 when it is
    not canonical."""
    chars = wrapped.replace(b"\n", b"")
    left = len(chars) % 4
    if left == 1:
        return -1
    if left and _ALPHABET.index(chars[-1]) & (0x0F if left == 2 else 0x03):
        return -1  # bits past the last byte: not the one canonical spelling
    return len(chars) * 3 // 4


def _fingerprint_tag(fingerprint: str) -> bytes:
    """The first 4 bytes of the SHA-256 a ``SHA256:...`` fingerprint spells (the schema
    checked its form: 43 base64 characters)."""
    digits = fingerprint.removeprefix("SHA256:").encode("ascii")
    try:
        return base64.b64decode(digits + b"=", validate=True)[:4]
    except binascii.Error as e:
        raise NotAge("a recipient is not a SHA256 fingerprint") from e


__all__ = ["HEADER", "NotAge", "check"]
