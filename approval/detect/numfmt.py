"""Numbers as a spreadsheet shows them through their number format.

An agency may store an A-number as the number 212345678 with the format ``"A"000000000``:
whoever opens the file sees ``A212345678``, so the scanner must too. A format has up to four
sections (positive, negative, zero, text), each maybe under a condition (``[>100]``), and may
show literal text of its own in any of them: ``"Jose Ramirez"`` shows that name in every cell
it is applied to, ``;;;"..."@`` puts text around every text cell. ``compile_format`` keeps
the formats whose rendering changes what a reader sees (integer masks with literals or zero
padding, and any format with words or digits of its own); ``format_literals`` gives what a
format shows of its own, applied or not. Dates, decimals and thousands are shown as the plain
number where they stand (calamine renders dates).

The spreadsheet readers (``readers._spreadsheet``) apply these per cell; ``render`` is the
classifier's entry for a table that names its formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NumberFormat", "compile_format", "format_literals", "render"]


def render(value: float | int, fmt: str | None) -> str:
    """``value`` as the format shows it; a plain rendering when the format is not one we need.
    Integral floats lose their ``.0`` (212345678.0 is 212345678 on screen)."""
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)
        value = int(value)
    compiled = compile_format(fmt) if fmt and fmt != "General" else None
    return str(value) if compiled is None else compiled.render(value)


# Number formats with literal text
#
# A format has up to four sections: positive, negative, zero, text. A section may carry a
# condition (``[>100]``) instead of its place deciding which numbers it shows, and literal
# text (``"Maria Lopez"``, ``\A``, ``[$A-409]``) that it shows whatever the cell holds: a
# format that is only a literal shows that text in every cell it is applied to, and a fourth
# section ``;;;"A"@`` puts text around every text cell. The scanner reads what a reader sees.


@dataclass(frozen=True)
class _Section:
    # ("lit", text) | ("0" | "#" | "?", "") | ("general", "") | ("text", "") for ``@`` |
    # ("opaque", "") where a code we do not render (decimals, dates, thousands) starts
    tokens: tuple[tuple[str, str], ...]
    condition: tuple[str, float] | None = None  # [>=100]: ("≥"-style operator, bound)

    @property
    def padded(self) -> tuple[str, int, str] | None:
        """For literals around one run of ``0`` placeholders (``"A"000000000``, the usual
        identifier format): the prefix, the run's length and the suffix."""
        if self.condition is not None:
            return None
        kinds = "".join(
            "0" if kind == "0" else "L" if kind == "lit" else "x" for kind, _ in self.tokens
        )
        run = kinds.strip("L")
        if not run or run.strip("0"):
            return None
        first = kinds.index("0")
        texts = [text for _, text in self.tokens]
        return "".join(texts[:first]), len(run), "".join(texts[first + len(run) :])

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(kind for kind, _ in self.tokens)

    @property
    def shows_number(self) -> bool:
        return bool(self.kinds & _NUMBER_KINDS)

    @property
    def literal(self) -> str:
        """The text the section shows whatever the value, its literals joined (the
        separators of a date or a mask around it left out)."""
        text = "".join(text for kind, text in self.tokens if kind == "lit")
        return " ".join(text.split()).strip(_SEPARATORS)

    def matches(self, value: float) -> bool:
        if self.condition is None:
            return True
        op, bound = self.condition
        return _CONDITIONS[op](value, bound)


_SEPARATORS = " -()+$€£¥'!^&~{}<>=,.:;/"
_NUMBER_KINDS = frozenset({"0", "#", "?", "general", "opaque"})
_CONDITIONS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
}


@dataclass(frozen=True)
class NumberFormat:
    """A number format whose rendering changes what a reader sees: an integer mask with
    literal text (``"A"000000000``, ``000-00-0000``, ``"Case "General``), or any format with
    literal words or digits in a section (``"Jose Ramirez"``, ``;;;"A"@``,
    ``[>100]"..."``). ``render`` gives the text a number is shown as, ``render_text`` a text
    cell; ``literals`` what the format shows of its own, section by section."""

    code: str
    sections: tuple[_Section | None, ...]  # the number sections, in order; None: empty
    text: _Section | None  # the text section (the fourth, or the one with ``@``)

    def __post_init__(self) -> None:
        # render() runs once per formatted cell (200,000 times for a column of A-numbers):
        # the usual mask is rendered by zfill, not by a loop over its tokens.
        first = self.sections[0] if self.sections else None
        padded = first.padded if first is not None else None
        object.__setattr__(self, "_padded", padded)

    @property
    def literals(self) -> list[str]:
        """The literal text of each section that has words or digits of its own."""
        out: list[str] = []
        for section in (*self.sections, self.text):
            if section is not None:
                text = " ".join(section.literal.split())
                if _meaningful(text) and text not in out:
                    out.append(text)
        return out

    @property
    def hides(self) -> bool:
        """Whether a cell shown through this format may not show what it stores: a number
        section that shows no digits (``"Jose Ramirez"``, ``;;;@``: not the zero section,
        where a zero is all there is to hide), or a text section without ``@``."""
        numbers = self.sections[:2] if len(self.sections) == 3 else self.sections
        if any(s is None or not s.shows_number for s in numbers):
            return True
        return self.text is not None and "text" not in self.text.kinds

    def render(self, value: float) -> str:
        padded: tuple[str, int, str] | None = self.__dict__["_padded"]
        if padded is not None and value > 0:
            prefix, width, suffix = padded
            return prefix + str(int(value + 0.5)).zfill(width) + suffix
        section, sign = self._section(value)
        if section is None:
            return ""
        return sign + _fill(section, abs(value))

    def _section(self, value: float) -> tuple[_Section | None, str]:
        """The section that shows ``value``, and the minus sign Excel puts before it."""
        sections = self.sections
        if any(s is not None and s.condition is not None for s in sections):
            for section in sections:
                if section is None or section.matches(value):
                    # A condition on negatives ([<0]) shows them without their sign.
                    bound = section.condition if section is not None else None
                    unsigned = bound is not None and bound[1] <= 0
                    return section, "-" if value < 0 and not unsigned else ""
            return _GENERAL, "-" if value < 0 else ""
        if len(sections) == 1 or value > 0 or (value == 0 and len(sections) < 3):
            return sections[0], "-" if value < 0 else ""
        if value < 0:
            return sections[1], ""
        return sections[2], ""

    def render_text(self, value: str) -> str:
        """A text cell as the format shows it: through its text section, else as it is."""
        if self.text is None:
            return value
        return "".join(value if kind == "text" else text for kind, text in self.text.tokens)


# No section matches the number: shown as it is (Excel fills the cell with "#").
_GENERAL = _Section((("general", ""),))


def _meaningful(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _fill(section: _Section, value: float) -> str:
    out = [text for _, text in section.tokens]
    kinds = section.kinds
    if "opaque" in kinds or "general" in kinds:
        # Decimals, dates, thousands: the number as it is, where its first code stands.
        plain = str(int(value)) if float(value).is_integer() else f"{value:.10g}"
        placed = False
        for i, (kind, _) in enumerate(section.tokens):
            if kind != "lit":
                out[i] = "" if placed else plain
                placed = True
        return "".join(out)
    number = int(value + 0.5)  # Excel rounds half away from zero; value is never negative here
    slots = [i for i, (kind, _) in enumerate(section.tokens) if kind in "0#?"]
    if not slots:
        return "".join(text for kind, text in section.tokens if kind == "lit")
    digits = str(number) if number else ""  # a zero has no significant digit to show
    blanks = {"0": "0", "?": " "}  # what a placeholder with no digit left shows; "#" nothing
    rest = place_digits(out, slots, digits, lambda slot: blanks.get(section.tokens[slot][0], ""))
    if rest:  # more digits than placeholders: Excel puts the rest in the leftmost one
        out[slots[0]] = rest + out[slots[0]]
    return "".join(out)


def place_digits(out: list[str], slots: list[int], digits: str, blank: Callable[[int], str]) -> str:
    """``digits`` right-aligned into the placeholders of ``out`` at ``slots``, as a number
    format fills them (Excel's, Word's numeric picture); a placeholder left with no digit
    shows ``blank(slot)``. The digits left over, for which there was no placeholder."""
    left = len(digits)
    for slot in reversed(slots):
        if left > 0:
            left -= 1
            out[slot] = digits[left]
        else:
            out[slot] = blank(slot)
    return digits[:left]


# Characters Excel shows as themselves without quotes. "/" (fractions), ":" (times) and the
# letters (dates, AM/PM, scientific) are codes: rendered as the plain number ("opaque").
_PLAIN_LITERALS = frozenset(" -()+$€£¥'!^&~{}<>=")
_CONDITION = re.compile(r"(<=|>=|<>|<|>|=)\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")


def _section(code: str) -> _Section | None:
    """One section's tokens; None when it is malformed (an unterminated quote or bracket)."""
    tokens: list[tuple[str, str]] = []
    condition: tuple[str, float] | None = None
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            if end < 0:
                return None
            tokens.append(("lit", code[i + 1 : end]))
            i = end + 1
        elif ch == "\\":
            tokens.append(("lit", code[i + 1 : i + 2]))
            i += 2
        elif ch in "0#?":
            tokens.append((ch, ""))
            i += 1
        elif ch == "@":
            tokens.append(("text", ""))
            i += 1
        elif ch == "_":  # a space as wide as the next character
            tokens.append(("lit", " "))
            i += 2
        elif ch == "*":  # fill the cell with the next character: no fixed text to show
            i += 2
        elif ch == "[":
            end = code.find("]", i)
            if end < 0:
                return None
            inside = code[i + 1 : end]
            if inside.startswith("$"):  # currency and locale: [$€-407], [$-409]
                tokens.append(("lit", inside[1:].split("-", 1)[0]))
            elif match := _CONDITION.fullmatch(inside.strip()):
                condition = (match.group(1), float(match.group(2)))
            elif inside.lower().strip("hms") == "":  # elapsed time: [h]:mm
                tokens.append(("opaque", ""))
            i = end + 1  # a colour ([Red], [Color10]) or a calendar: shown as nothing
        elif code[i : i + 7].lower() == "general":
            tokens.append(("general", ""))
            i += 7
        elif ch in _PLAIN_LITERALS:
            tokens.append(("lit", ch))
            i += 1
        else:  # decimals, thousands, %, E+, dates and times: the number as it is
            if not tokens or tokens[-1][0] != "opaque":
                tokens.append(("opaque", ""))
            i += 1
    return _Section(tuple(tokens), condition)


def _split_sections(code: str) -> list[str]:
    sections, start, quoted, bracket = [], 0, False, False
    for i, ch in enumerate(code):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "[]":
            bracket = ch == "["
        elif ch == ";" and not quoted and not bracket and (i == 0 or code[i - 1] != "\\"):
            sections.append(code[start:i])
            start = i + 1
    sections.append(code[start:])
    return sections


def format_literals(code: str) -> list[str]:
    """The words and digits a format shows of its own, section by section (for a format that
    does not compile, the text inside its quotes): what a style carries even when no cell
    uses it, since anyone who opens the file can apply it."""
    fmt = compile_format(code)
    if fmt is not None:
        return fmt.literals
    out: list[str] = []
    for part in _split_sections(code):
        section = _section(part)
        text = (
            " ".join(section.literal.split())
            if section is not None
            else " ".join(" ".join(re.findall(r'"([^"]*)"?', part)).split())
        )
        if _meaningful(text) and text not in out:
            out.append(text)
    return out


@lru_cache(maxsize=1024)
def compile_format(code: str) -> NumberFormat | None:
    """The format if rendering it changes what a reader sees, else None.

    Rendered: integer masks with literal text (``"A"000000000``) or zero padding
    (``000000000``), and any format with words or digits of its own in a section
    (``"Jose Ramirez"``, ``[>100]"..."``, ``;;;"A"@``). Dates are calamine's job; decimals,
    percentages and thousands separators without such literals do not hide or reveal
    identifiers. A format that shows no digits and no text (``;;;``) is not applied: the
    value is still in the file, and still scanned.
    """
    parts = _split_sections(code)
    if len(parts) > 4:
        return None
    parsed = [_section(part) if part else None for part in parts]
    if any(section is None and part for section, part in zip(parsed, parts, strict=True)):
        return None  # malformed
    text: _Section | None = None
    numbers = list(parsed)
    if len(parsed) == 4:
        text = parsed[3]
        numbers = parsed[:3]
    elif len(parsed) == 1 and parsed[0] is not None and "text" in parsed[0].kinds:
        text, numbers = parsed[0], [_Section((("general", ""),))]
    fmt = NumberFormat(code, tuple(numbers), text)
    if fmt.literals:
        return fmt
    positive = numbers[0]
    if positive is None or positive.condition is not None or "opaque" in positive.kinds:
        return None
    kinds = [kind for kind, _ in positive.tokens]
    if not any(kind in ("0", "#", "?", "general") for kind in kinds):
        return None
    if "general" in kinds and positive.kinds & {"0", "#", "?"}:
        return None
    if "lit" not in kinds and kinds.count("0") < 2:
        return None  # "0", "#", "General": the plain number
    if any(s is not None and "opaque" in s.kinds for s in numbers[1:]):
        return None
    return fmt
