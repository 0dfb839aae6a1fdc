"""Text whose fields are separated by control characters: Hive and Hadoop text exports (Ctrl-A
between fields, Ctrl-B and Ctrl-C inside collections and maps, the defaults), and text that
uses ASCII's unit separator (``\\x1f``). It is text to whoever opens it, yet too full of control
bytes for the text readers: this reader reads it as a table, one row a line.

It accounts for every byte (``STRUCTURED`` in ``approval.detect.readers``): a line that holds
any other control byte is binary data, and the source is unscannable, since that is not text
this reader can vouch for. Coverage: one part, ``body``, parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from approval.detect.textio import lines, open_text, sniff_encoding
from approval.detect.units import (
    PARSED,
    Limits,
    Part,
    Probe,
    Source,
    Table,
    Unit,
    Unscannable,
    Where,
)

_FIELD = (b"\x01", b"\x1f")
# Control bytes such a text may hold: the separators, Hive's collection and map separators.
_ALLOWED = b"\x01\x02\x03\x1f"
_AS_TAB = bytes.maketrans(_ALLOWED, b"\t" * len(_ALLOWED))
_CONTROL = frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b") | {0x7F}
_OTHER = re.compile("[" + re.escape("".join(map(chr, sorted(_CONTROL - set(_ALLOWED))))) + "]")
# Every byte but the other control bytes: deleting them leaves only those.
_NOT_OTHER = bytes(b for b in range(256) if b not in _CONTROL or b in _ALLOWED)
_INNER = str.maketrans({"\x02": ", ", "\x03": ": "})


def _separator(head: bytes) -> bytes | None:
    """The field separator of a source that starts with ``head``, or None if it is not such a
    text: every control byte in it is an allowed one, a separator is on every whole line, and
    the rest reads as text."""
    if b"\x01" not in head and b"\x1f" not in head:
        return None  # every other source: asked of each, so answered in C
    cut = head.rfind(b"\n")
    sample = head[: cut + 1] if cut > 0 else head
    found = [s for s in _FIELD if s in sample]
    if len(found) != 1 or sample.translate(None, _NOT_OTHER):
        return None
    whole = [line for line in sample.split(b"\n") if line.strip()]
    if not whole or not all(found[0] in line for line in whole):
        return None
    return found[0] if sniff_encoding(sample.translate(_AS_TAB)) is not None else None


class DelimitedReader:
    name = "delimited"

    def accepts(self, probe: Probe) -> bool:
        return _separator(probe.head) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            head = f.read(8192)
        separator = _separator(head)
        encoding = sniff_encoding(head.translate(_AS_TAB)) if separator else None
        if separator is None or encoding is None:
            raise Unscannable("corrupt: not control-character delimited text")
        yield Part("body", "table", source.size, PARSED)
        yield Table(where=Where(part=source.part), rows=_rows(source, encoding, separator))


def _rows(source: Source, encoding: str, separator: bytes) -> Iterator[list[str]]:
    field = separator.decode("ascii")
    with source.open() as raw:
        for line in lines(open_text(raw, encoding)):
            if _OTHER.search(line) is not None:
                raise Unscannable("binary data in control-character delimited text")
            if line:
                yield [cell.translate(_INNER) for cell in line.split(field)]


READER = DelimitedReader()
