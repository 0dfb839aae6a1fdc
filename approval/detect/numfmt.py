"""Numbers as a spreadsheet shows them through their number format.

An agency may store an A-number as the number 212345678 with the format ``"A"000000000``:
whoever opens the file sees ``A212345678``, so the scanner must too. Only what identifiers
need is rendered (literal text, ``0``/``#``/``?`` digit placeholders, escapes); date, time,
fraction and scientific formats leave the value as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DATE_CODES = re.compile(r"[yYdDhHsS]|[mM](?![^\[]*\])|[eE][+-]|/")


@lru_cache(maxsize=256)
def _parse(fmt: str) -> tuple[tuple[str, ...], int] | None:
    """The positive section as literal strings and placeholders (``""`` = one digit), and how
    many of them are zeros (the minimum number of digits shown)."""
    section = fmt.split(";")[0]
    tokens: list[str] = []
    zeros = 0
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            tokens.append(section[i + 1 : end])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(section):
            tokens.append(section[i + 1])
            i += 2
            continue
        if ch == "[":  # colour or condition: shown as nothing
            end = section.find("]", i)
            i = len(section) if end < 0 else end + 1
            continue
        if ch in "0#?":
            tokens.append("")
            zeros += ch == "0"
        elif ch in ".%@*_" or _DATE_CODES.match(ch):
            return None  # decimals, percentages, text, dates: not an identifier's format
        elif ch != ",":
            tokens.append(ch)
        i += 1
    return tuple(tokens), zeros


def render(value: float | int, fmt: str | None) -> str:
    """``value`` as the format shows it; a plain rendering when the format is not one we need.
    Integral floats lose their ``.0`` (212345678.0 is 212345678 on screen)."""
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)
        value = int(value)
    plain = str(value)
    if not fmt or fmt == "General" or value < 0:
        return plain
    parsed = _parse(fmt)
    if parsed is None:
        return plain
    tokens, zeros = parsed
    digits = plain.zfill(zeros)
    slots = tokens.count("")
    if slots == 0:
        return "".join(tokens) + digits if tokens else plain
    # Digits fill the placeholders from the right; any left over go in the first one.
    out: list[str] = []
    pending = list(digits)
    for token in reversed(tokens):
        if token == "":
            slots -= 1
            if slots == 0:
                out.append("".join(pending)[::-1])
                pending = []
            elif pending:
                out.append(pending.pop())
        else:
            out.append(token[::-1])
    return "".join(out)[::-1]
