"""Plain text in statements: what the ledger admits in the strings a statement carries. Pure.

Every string of a statement is shown on someone's screen (a review, the inbox, status, the
audit's timeline) and kept forever. The writer makes each one plain before it signs: what a
person types is refused when it holds a control or format character
(``approval.freetext.free_text``), and what comes with a file (its name, sheets, columns,
members, a destination path) has those characters replaced by U+FFFD
(``approval.detect.strings.printable``). So an honest ledger never holds one, and a statement
that does was written by something else: a rogue client signing with a real key, appended with
plain git, whose escape sequences, carriage returns or bidi overrides would fake lines on an
official's terminal (``stats\\x1b[2K\\r verdict: clean``). The ledger refuses it (exit 3), naming
the statement and the field, never the text.

Refused: the Unicode general categories Cc (controls: ESC, CR, LF, TAB...), Cf (format: the
bidi overrides and isolates, zero-width characters, the soft hyphen...), Zl and Zp (line and
paragraph separators), in any string of the statement and in its keys. An adoption's policy
document is not checked (its descriptions are prose written in YAML, with line breaks, and
signed by the admin threshold); its roster is (officials' names and key comments are one line).

The set is written out below as Python 3.11's Unicode (14.0) has it, not asked of the Python
that replays: a character a later Unicode makes a format character, recorded by an older
client, must not make an honest ledger fail. (A later writer refuses more, never less.)

Cost: a replay hands :func:`may_hold` the statement's canonical bytes, two or three scans in C
(~2 us for a 2 KB request); only a statement with a backslash in it (a quote in a purpose, a
Windows path, an adoption's policy's line breaks) or a character that is not printable (a
no-break space) is walked string by string (:func:`problem`), each string tested in C first.
"""

from __future__ import annotations

import re
from typing import Any

# General categories Cc, Cf, Zl and Zp of Unicode 14.0.0, as ranges.
_RANGES = (
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C),
    (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E),
    (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_CLASS = "".join(
    re.escape(chr(low)) + ("" if low == high else "-" + re.escape(chr(high)))
    for low, high in _RANGES
)
_FORBIDDEN = re.compile(f"[{_CLASS}]")
# The fast tests below take "printable" (``str.isprintable``, this Python's Unicode) for "none
# of them": true of every Python so far; were a later Unicode to make one printable, every
# test here would ask the table itself, so that the answer never depends on the Python.
_FAST = not any(chr(c).isprintable() for low, high in _RANGES for c in range(low, high + 1))
_FIELD = re.compile(r"[a-z][a-z0-9_]{0,39}")
_NOT_CHECKED = {"adoption": "policy"}  # kind -> the field that is prose (see the module doc)


def may_hold(signed: bytes) -> bool:
    """Whether the statement whose canonical bytes are ``signed`` may hold a refused
    character (False: it holds none); conservative: :func:`problem` decides.

    In canonical JSON (RFC 8785, and ``json.dumps`` with ``ensure_ascii=False``) a character
    below U+0020 is written as a backslash escape, every other one as it is; and no refused
    character is printable (``str.isprintable``, in C: a character class of astral ranges costs
    ~40 ns a character in ``re``, 30 times more). So bytes without a backslash that are all
    printable hold none."""
    if b"\\" in signed or not _FAST:
        return True
    if signed.isascii():
        return b"\x7f" in signed
    return not signed.decode("utf-8", "replace").isprintable()


def problem(statement: dict[str, Any]) -> str | None:
    """Why ``statement`` is not plain text (a field named, the character by its code point,
    never the text), or None."""
    skip = _NOT_CHECKED.get(statement.get("kind", ""))
    found = find({k: v for k, v in statement.items() if k != skip} if skip else statement, "")
    if found is None:
        return None
    return (
        f"its {describe(*found)}, which no client records: text in the ledger is one line "
        "without control or format characters (a forged statement, made to fake or hide text "
        "on a screen)"
    )


def describe(where: str, char: str) -> str:
    """``purpose holds an escape character (U+001B)``: where, and what by its code point."""
    return f"{where} holds {_what(char)} (U+{ord(char):04X})"


def find(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first refused character in ``value`` (its strings and keys), and where it is
    (``path`` naming ``value`` itself), or None."""
    if value.__class__ is str:
        char = _refused(value)
        return (path or "text", char) if char else None
    if isinstance(value, dict):
        for key, item in value.items():
            if key.__class__ is str and (char := _refused(key)):
                return (f"{path or 'statement'} (a key)", char)
            # A key that is no field name (a data class's) is data: not repeated.
            name = key if _FIELD.fullmatch(key) else "[...]"
            inner = f"{path}.{name}" if path else name
            found = find(item, inner)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _refused(value: str) -> str | None:
    """The first refused character of ``value``, or None."""
    if _FAST and value.isprintable():  # none is (``may_hold``): the common case, in C
        return None
    match = _FORBIDDEN.search(value)
    return match.group() if match else None


def _what(char: str) -> str:
    code = ord(char)
    if code in (0x0A, 0x0D, 0x2028, 0x2029):
        return "a line break"
    if code == 0x1B:
        return "an escape character"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F, 0x061C):
        return "a bidirectional control"
    if code <= 0x1F or 0x7F <= code <= 0x9F:
        return "a control character"
    return "a format character"


__all__ = ["describe", "find", "may_hold", "problem"]
