"""The SSH wire encoding (RFC 4251 section 5): the few types SSHSIG and key files use."""

from __future__ import annotations

import struct


class WireError(ValueError):
    """Bytes that do not parse as the SSH structure expected."""


def ssh_string(data: bytes) -> bytes:
    """``string``: a uint32 length, then the bytes."""
    return struct.pack(">I", len(data)) + data


def ssh_mpint(value: int) -> bytes:
    """``mpint``: two's complement, big-endian, no needless leading bytes (zero is empty)."""
    if value < 0:
        raise ValueError("negative mpint")
    if value == 0:
        return ssh_string(b"")
    # One spare bit keeps the sign bit clear: a leading 0x00 when the top bit is set.
    return ssh_string(value.to_bytes(value.bit_length() // 8 + 1, "big"))


class Reader:
    """Reads SSH wire types from a byte string, refusing to read past its end."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def raw(self, size: int) -> bytes:
        end = self._pos + size
        if end > len(self._data):
            raise WireError("ends too early")
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk

    def uint32(self) -> int:
        value: int = struct.unpack(">I", self.raw(4))[0]
        return value

    def string(self) -> bytes:
        return self.raw(self.uint32())

    def text(self) -> str:
        """A ``string`` that must be ASCII (algorithm and namespace names)."""
        try:
            return self.string().decode("ascii")
        except UnicodeDecodeError as e:
            raise WireError("a name that is not ASCII") from e

    def mpint(self) -> int:
        """A non-negative ``mpint`` in its one canonical encoding."""
        data = self.string()
        if data and data[0] & 0x80:
            raise WireError("negative mpint")
        if len(data) > 1 and data[0] == 0 and not data[1] & 0x80:
            raise WireError("mpint with a needless leading zero")
        return int.from_bytes(data, "big")

    def end(self) -> None:
        """Fail unless every byte was read: trailing bytes would be unsigned and unchecked."""
        if self._pos != len(self._data):
            raise WireError("trailing bytes")
