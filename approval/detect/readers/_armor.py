"""Encrypted data in ASCII armour: ciphertext written as text.

Binary ciphertext is no format a reader knows, and blocks. Armoured, it decodes as text, in
which no detector finds anything, and the recipient decrypts it and has the list. So the text
paths (the plain-text reader, a mail's body, any source read only as text) look for the
armour that the usual tools write and block what carries it as ``encrypted``:

- OpenPGP (``gpg --armor``): ``-----BEGIN PGP MESSAGE-----`` (encrypted, or signed and
  compressed: either way no text a reader reads);
- age (``age --armor``): ``-----BEGIN AGE ENCRYPTED FILE-----``;
- OpenSSL (``openssl enc -a``): base64 that starts with ``U2FsdGVkX1``, ``Salted__`` encoded;
- CMS / S/MIME in PEM (``openssl cms -encrypt -outform PEM``): ``-----BEGIN CMS-----`` or
  ``PKCS7`` (enveloped or signed, its content is base64 DER no reader opens).

A signed message in clear (``-----BEGIN PGP SIGNED MESSAGE-----``) is text and is read.
"""

from __future__ import annotations

import re

# Cheap first checks (a substring search) before the pattern, on every line of text.
MARKERS = ("-----BEGIN ", "U2FsdGVkX1")
BYTE_MARKERS = tuple(marker.encode("ascii") for marker in MARKERS)
_ARMOUR = re.compile(
    r"^[ \t>]*-----BEGIN (PGP MESSAGE|AGE ENCRYPTED FILE|PKCS7|CMS)-----"
    r"|(?<![A-Za-z0-9+/])U2FsdGVkX1[A-Za-z0-9+/]{10}",
    re.MULTILINE,
)
_KIND = {
    "PGP MESSAGE": "OpenPGP message",
    "AGE ENCRYPTED FILE": "age file",
    "PKCS7": "CMS (S/MIME) data",
    "CMS": "CMS (S/MIME) data",
}


def encrypted(text: str) -> str | None:
    """The reason to block ``text`` (``encrypted: ...``) if it holds armoured ciphertext."""
    if not any(marker in text for marker in MARKERS):
        return None
    match = _ARMOUR.search(text)
    if match is None:
        return None
    kind = _KIND.get(match.group(1) or "", "OpenSSL data (Salted__)")
    return f"encrypted: {kind} in ASCII armour"


def encrypted_bytes(data: bytes) -> str | None:
    """``encrypted`` for bytes in an ASCII-compatible encoding."""
    if not any(marker in data for marker in BYTE_MARKERS):
        return None
    return encrypted(data.decode("latin-1"))
