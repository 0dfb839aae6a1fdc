"""List labels as a word processor draws them: the "A218343183." Word puts before a numbered
paragraph, the "A2183431" + "83" + " " LibreOffice puts before a list item, are generated from
the list's definition and a counter, never stored next to the text. A label is text the reader
of the document sees, so it is read in front of its paragraph, where a name after it makes it
an identifier with a name.

Pure: the formats and the counters; the readers find the definitions (``docx.py`` in
``numbering.xml``, ``_xmlwalk.OdfWalker`` in a ``text:list-style``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = 9  # OOXML's levels; ODF has 10, the tenth is numbered as the ninth
_PLACEHOLDER = re.compile(r"%([1-9])")
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip
_MAX_LABEL = 1_000  # characters: a label is short; a longer definition is read in its part
_MAX_LETTERS = 64  # "aaa...": past this many, the value is written in digits
_COUNT = re.compile(r"[0-9]{1,15}")


@dataclass(frozen=True)
class Level:
    """One level of a list: where it starts, how its number is written, and (Word) the
    label's text around the numbers of this and the outer levels (``%1``-``%9``)."""

    start: int = 1
    format: str = "decimal"
    text: str = ""  # Word's lvlText; "" for ODF, whose label is prefix + number + suffix
    legal: bool = False  # Word's isLgl: the label's numbers all in decimal
    suffix: str = "\t"  # Word's suff: what separates the label from the text


def count(value: str, default: int = 0) -> int:
    """A start value or level as written (ASCII digits, at most 15), else ``default``."""
    return int(value) if _COUNT.fullmatch(value) else default


def number(value: int, style: str) -> str:
    """A counter as the list writes it. Word's names (decimal, decimalZero, upperLetter,
    lowerRoman, none, bullet) and ODF's ("1", "a", "A", "i", "I", ""); any other style is
    written in decimal, which keeps the digits an identifier is made of."""
    if style in ("none", "bullet", ""):
        return ""
    if style == "decimalZero":
        return f"{value:02d}" if 0 <= value < 10 else str(value)
    if 0 < value <= 26 * _MAX_LETTERS and style in ("upperLetter", "lowerLetter", "A", "a"):
        # Word and LibreOffice both go on "z, aa, bb": the letter repeated.
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if style in ("upperLetter", "A") else letter
    if 0 < value < 4000 and style in ("upperRoman", "lowerRoman", "I", "i"):
        written = ""
        for amount, digits in _ROMAN:
            while value >= amount:
                written, value = written + digits, value - amount
        return written.upper() if style in ("upperRoman", "I") else written
    return str(value)


class Counters:
    """The counters of one list (one per level): the next item of a level takes the next
    number, and restarts the levels inside it."""

    def __init__(self) -> None:
        self.values: list[int | None] = [None] * LEVELS

    def advance(self, level: int, levels: dict[int, Level], start: int | None = None) -> None:
        """Count an item at ``level`` (0-based); ``start`` a value set on the item itself."""
        level = min(max(level, 0), LEVELS - 1)
        current = self.values[level]
        if start is not None:
            self.values[level] = start
        elif current is None:
            self.values[level] = levels.get(level, Level()).start
        else:
            self.values[level] = current + 1
        for deeper in range(level + 1, LEVELS):
            self.values[deeper] = None

    def value(self, level: int, levels: dict[int, Level]) -> int:
        counted = self.values[min(max(level, 0), LEVELS - 1)]
        return counted if counted is not None else levels.get(level, Level()).start

    def word_label(self, level: int, levels: dict[int, Level]) -> str:
        """Word's label for an item just counted at ``level``: its lvlText, each ``%n``
        replaced by the number of level n in that level's format."""
        own = levels.get(level, Level())

        def placeholder(match: re.Match[str]) -> str:
            outer = int(match.group(1)) - 1
            style = levels.get(outer, Level()).format
            if own.legal and style != "none":
                style = "decimal"
            return number(self.value(outer, levels), style)

        return _PLACEHOLDER.sub(placeholder, own.text[:_MAX_LABEL])

    def odf_numbers(self, level: int, levels: dict[int, Level], shown: int) -> str:
        """LibreOffice's number for an item just counted at ``level``: the numbers of the
        last ``shown`` levels (``text:display-levels``), joined by dots."""
        first = max(level - max(shown, 1) + 1, 0)
        numbers = [
            number(self.value(outer, levels), levels.get(outer, Level()).format)
            for outer in range(first, level + 1)
        ]
        return ".".join(n for n in numbers if n)
