"""OpenDocument spreadsheets (.ods): every sheet, hidden parts flagged, cell comments.

Cell values and sheet visibility (a table style with ``table:display="false"``) come from
python-calamine. ``content.xml`` is read once more, streamed, only when it holds something
calamine does not give:

- hidden rows and columns (``table:visibility="collapse"`` or ``"filter"``);
- what a typed cell shows (an ODS cell keeps the text it shows, ``A212345678``, beside the
  value it stores, 212345678, which is what calamine gives): the text replaces the value when
  it is more than a rendering of it (a number shown with a letter or a leading zero, a text
  cell whose ``office:string-value`` differs from its paragraph, a date, time or boolean shown
  as words it cannot render to); when the text does not show the stored value, the sheet's
  stored values are read once more, hidden (part "stored values");
- comments (``office:annotation``), as ``Text`` (part "comments"), one paragraph each.

Every other member is accounted for by ``_package.account``: the rest of ``content.xml``
(shapes and their text, named expressions, validation lists, forms, and each cell's formula
attribute, whose literals are text) is read by the generic XML text fallback, skipping the
cells' text that calamine gave; ``styles.xml`` (headers and footers), ``meta.xml``, settings,
embedded objects and charts likewise; pictures are non-blocking unread parts.

A package whose manifest lists ``encryption-data`` is ``Unscannable("encrypted")``.

A formula without a saved value (LibreOffice always saves one; generators may not) is
evaluated as in xlsx (``_formulas``, after ``openformula`` turns ``[.A1]`` and ``;`` into the
spreadsheet syntax) and its result put in the table; one that cannot be evaluated and may
build text found nowhere in the file makes an unread, blocking part ``content.xml formulas``.
A formula with a saved value that may build text is computed as well, and the table read
again with what it computes where that differs (what LibreOffice shows on Ctrl+Shift+F9, or
on loading under "Recalculation on File Load: Always"). One that cannot be computed reads as
its saved value, as in xlsx: an ODS file holds no request to recalculate, and LibreOffice's
default is never to recalculate on load, whichever program saved the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import IO
from xml.etree import ElementTree

from approval.detect.readers._formulas import openformula
from approval.detect.readers._package import ODS, account, check_unique, package_kinds
from approval.detect.readers._spreadsheet import (
    ZIP_ERRORS,
    Overlay,
    builds_text,
    column_letter,
    formula_values,
    forwards,
    is_hidden,
    open_calamine,
    opened,
    sheet_table,
)
from approval.detect.units import (
    UNREAD,
    Limits,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

# What calamine reads of content.xml: the cells' text (their formulas are left to the fallback).
_CELLS = frozenset({"table-cell"})  # a covered cell (under a merge) is read as text
_CELL_ATTRIBUTES = frozenset({"formula"})
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# What makes the second pass over content.xml worth its time (it costs about what calamine
# does): hidden rows or columns, a style with literal text, comments, formulas, a text cell
# that stores a value beside the text it shows, and a typed cell whose text has a letter or
# a leading zero (a style's literal, or a writer's text, shown in place of its value).
_TRIGGERS = (b"table:visibility=", b"<number:text>", b"office:annotation", b"table:formula=",
             b"office:string-value=", b"number:text-content")  # fmt: skip
# The inside of a tag that is not another typed cell's: a scan from one cell stops at the next,
# else, over many cells that never reach a paragraph or a letter, it ran to the end of the
# chunk from each (20 seconds for 300 KB).
_TAG = rb'[^>-]*+(?:(?:-(?!type=")|(?<!office:value)-)[^>-]*+)*+>'
_CELL_TEXT = (
    # Within the cell: elements before its paragraph (an annotation), not the next cell's.
    rb'"' + _TAG + rb"\s*+(?:<(?!text:p|/?table:)" + _TAG + rb"\s*+)*+<text:p>"
)
_LETTER = rb"(?:[^<]|<(?!/text:p>)" + _TAG + rb")*?[A-Za-z\x80-\xff]"
_SHOWN_TEXT = re.compile(
    rb'office:value-type="(?:(?:float|percentage|currency)' + _CELL_TEXT + rb"(?:0\d|" + _LETTER
    + rb")|(?:date|time|boolean)" + _CELL_TEXT + _LETTER + rb")"
)  # fmt: skip
_VALUES = tuple(
    _OFFICE + name
    for name in ("value", "string-value", "boolean-value", "date-value", "time-value")
)
_MAX_UNCACHED = 1_000_000  # formula cells without a saved value in one table
_MAX_INDEX = 1 << 20  # Calc's last row; repeated rows and columns beyond it hold nothing


class OdsReader:
    name = "ods"
    # Every member of the package is accounted for (``_package.account``): reading the same
    # bytes as a plain ZIP would add nothing.
    subsumes = frozenset({"zip"})

    def accepts(self, probe: Probe) -> bool:
        # The package's first entry is "mimetype", stored uncompressed: its content is in the head.
        return ODS in package_kinds(probe)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with opened(source) as (stream, path):
            try:
                package = zipfile.ZipFile(stream)
            except ZIP_ERRORS as e:
                raise Unscannable("corrupt: not a valid zip container") from e
            with package:
                check_unique(package)
                extras = _extras(package, limits)
                book = open_calamine(path, stream, (".ods",))
                for index, meta in enumerate(book.sheets_metadata):
                    hidden = is_hidden(meta.visible)
                    marks = extras[index] if index < len(extras) else _Marks()
                    values = formula_values(book, meta.name, marks.uncached, marks.saved)
                    extra = values.extra
                    if reason := values.reason():
                        yield Part(
                            f"content.xml formulas ({index + 1})", "formulas", 0, UNREAD, reason
                        )
                    read = partial(
                        sheet_table,
                        book,
                        meta.name,
                        hidden=hidden,
                        hidden_columns=marks.columns,
                        overlay=marks.overlay,
                    )
                    # ``marks.rows()`` anew at each reading: hidden rows are kept as ranges.
                    table = read(hidden_rows=marks.rows(), extra=extra)
                    if table is not None:
                        yield table
                    if values.shown:
                        # What the formulas compute to, where it is not their saved value:
                        # what LibreOffice shows once it recalculates (Ctrl+Shift+F9).
                        again = read(hidden_rows=marks.rows(), extra=values.recomputed())
                        if again is not None:
                            yield again
                    for row, column, found in marks.formats.values():
                        at = f"number format at {column_letter(column)}{row + 1}"
                        yield Text(Where(at, meta.name, hidden), found, meta.name)
                    if marks.overlay.hides:
                        # Cells that show a text which is not what they store: the stored
                        # values are in the file all the same, read as hidden.
                        stored = read(
                            hidden=True, hidden_rows=marks.rows(), overlay=None, extra=extra
                        )
                        if stored is not None:
                            yield replace(stored, where=Where("stored values", meta.name, True))
                    if marks.comments:
                        where = Where(part="comments", sheet=meta.name, hidden=hidden)
                        yield Text(where, marks.comments, meta.name)
                parsed = {"mimetype": "media type"}
                partly = {"content.xml": (_CELLS, _CELL_ATTRIBUTES)}
                yield from account(source, package, limits, parsed, partly)


READER = OdsReader()


@dataclass
class _Marks:
    """What the pass over content.xml found in one table."""

    hidden_rows: list[range] = field(default_factory=list)  # ranges: repeats can be huge
    columns: set[int] = field(default_factory=set)
    overlay: Overlay = field(default_factory=Overlay)
    comments: list[str] = field(default_factory=list)
    uncached: list[tuple[int, int, str]] = field(default_factory=list)  # formulas, no value
    # Formulas with a saved value that may build text, or show another cell: computed anew.
    saved: list[tuple[int, int, str]] = field(default_factory=list)
    # Data styles applied to a cell that show words or digits of their own: name -> the
    # first cell (row, column) and that text.
    formats: dict[str, tuple[int, int, list[str]]] = field(default_factory=dict)

    def rows(self) -> Iterator[int]:
        for block in self.hidden_rows:
            yield from block


def _extras(package: zipfile.ZipFile, limits: Limits) -> list[_Marks]:
    names = set(package.namelist())
    if len(names) > limits.max_entries:
        raise Unscannable("corrupt: too many parts in the package")
    if any(info.flag_bits & 0x1 for info in package.infolist()):
        raise Unscannable("encrypted")
    try:
        if "META-INF/manifest.xml" in names and b"encryption-data" in package.read(
            "META-INF/manifest.xml"
        ):
            raise Unscannable("encrypted")
        if "content.xml" not in names:
            raise Unscannable("corrupt: no content in the package")
        info = package.getinfo("content.xml")
        if info.file_size > limits.max_ratio * max(info.compress_size, 1) > 1 << 20:
            raise Unscannable("corrupt: a part expands beyond the limits")
        styles = _Styles()
        if "styles.xml" in names:
            info = package.getinfo("styles.xml")
            if info.file_size > limits.max_ratio * max(info.compress_size, 1) > 1 << 20:
                raise Unscannable("corrupt: a part expands beyond the limits")
            data = package.read("styles.xml")
            if _LITERAL_STYLE.search(data):
                # Common cell styles whose number format shows words or digits of its own.
                _read_styles(ElementTree.fromstring(data), styles)  # noqa: S314 - expat
        if not styles.data and not _needs_pass(package):
            return []
        with package.open("content.xml") as content:
            return _content_pass(content, styles)
    except ZIP_ERRORS as e:
        raise Unscannable("corrupt: unreadable package part") from e
    except ElementTree.ParseError as e:
        raise Unscannable("corrupt: malformed content part") from e


def _needs_pass(package: zipfile.ZipFile) -> bool:
    with package.open("content.xml") as content:
        tail = b""
        while chunk := content.read(1 << 20):
            buffer = tail + chunk
            if any(trigger in buffer for trigger in _TRIGGERS) or _SHOWN_TEXT.search(buffer):
                return True
            tail = buffer[-4096:]  # a cell cut by the chunk's end is whole in the next
    return False


# ---------------------------------------------------------------------------------------------
# Data styles: what LibreOffice shows of a cell's value, whatever text the file saved for it

_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
# A literal with a letter or a digit in a data style (dates' separators are not).
_LITERAL_STYLE = re.compile(rb"<number:text>[^<]*?[A-Za-z0-9\x80-\xff]|number:text-content")


@dataclass
class _DataStyle:
    # ("lit", text) | ("number", min digits) | ("content", "") | ("other", "")
    tokens: list[tuple[str, str]]
    maps: list[str]  # the styles ``style:map`` applies under a condition

    @property
    def literal(self) -> str:
        return " ".join("".join(t for kind, t in self.tokens if kind == "lit").split())


@dataclass
class _Styles:
    data: dict[str, _DataStyle] = field(default_factory=dict)  # data style name -> it
    cells: dict[str, str] = field(default_factory=dict)  # cell style name -> data style name
    parents: dict[str, str] = field(default_factory=dict)  # cell style name -> its parent's

    def data_style(self, cell_style: str) -> str | None:
        """The data style a cell style shows values through, its own or its parents'."""
        name: str | None = cell_style
        for _ in range(16):  # a chain of parents, bounded: a loop ends here
            if name is None:
                return None
            if name in self.cells:
                return self.cells[name]
            name = self.parents.get(name)
        return None

    def literals(self, name: str) -> list[str]:
        """The words and digits the data style ``name`` (and those it maps to) shows."""
        out: list[str] = []
        pending, seen = [name], set[str]()
        while pending and len(seen) < 16:
            current = pending.pop()
            style = self.data.get(current)
            if style is None or current in seen:
                continue
            seen.add(current)
            text = style.literal.strip(" -()+$'!^&~{}<>=,.:;/")
            if any(ch.isalnum() for ch in text) and text not in out:
                out.append(text)
            pending.extend(style.maps)
        return out


def _data_style(element: ElementTree.Element) -> _DataStyle:
    tokens: list[tuple[str, str]] = []
    maps: list[str] = []
    for child in element:
        tag = child.tag
        if tag in (_NUMBER + "text", _NUMBER + "currency-symbol"):
            tokens.append(("lit", "".join(child.itertext())))
        elif tag == _NUMBER + "number" and child.get(_NUMBER + "decimal-places", "0") == "0":
            digits = child.get(_NUMBER + "min-integer-digits", "1")
            tokens.append(("number", digits if digits.isdigit() else "1"))
        elif tag == _NUMBER + "text-content":
            tokens.append(("content", ""))
        elif tag == _STYLE + "map":
            maps.append(child.get(_STYLE + "apply-style-name", ""))
        elif tag.startswith(_NUMBER):
            tokens.append(("other", ""))
    return _DataStyle(tokens, maps)


def _read_styles(root: ElementTree.Element, styles: _Styles) -> None:
    for element in root.iter():
        _note_style(element, styles)


def _note_style(element: ElementTree.Element, styles: _Styles) -> None:
    tag = element.tag
    if tag.startswith(_NUMBER) and tag.endswith("-style"):
        style = _data_style(element)
        if style.literal or style.maps or any(k == "content" for k, _ in style.tokens):
            styles.data[element.get(_STYLE + "name", "")] = style
    elif tag == _STYLE + "style" and element.get(_STYLE + "family") == "table-cell":
        name = element.get(_STYLE + "name", "")
        data = element.get(_STYLE + "data-style-name")
        if data:
            styles.cells[name] = data
        elif parent := element.get(_STYLE + "parent-style-name"):
            styles.parents[name] = parent


def _rendered(style: _DataStyle, kind: str | None, element: ElementTree.Element, shown: str) -> str:
    """The cell as LibreOffice shows it through a data style of literals and at most one whole
    number (``"A"`` + 9 digits, or a name alone) or of literals around the text
    (``number:text-content``); "" when the style is not such a one."""
    kinds = [k for k, _ in style.tokens]
    if kind == "string" and "content" in kinds and "other" not in kinds:
        return "".join(shown if k == "content" else t for k, t in style.tokens if k != "number")
    if kind != "float" or kinds.count("number") > 1 or "other" in kinds or "content" in kinds:
        return ""
    if "number" not in kinds:  # a style that is only text shows it for every value
        return "".join(t for _, t in style.tokens)
    try:
        value = float(element.get(_OFFICE + "value", ""))
    except ValueError:
        return ""
    if not value.is_integer() or value < 0 or value >= 1e15:
        return ""
    return "".join(
        str(int(value)).zfill(min(int(t), 64)) if k == "number" else t for k, t in style.tokens
    )


def _content_pass(content: IO[bytes], styles: _Styles | None = None) -> list[_Marks]:
    """One streamed parse of content.xml: per table, in order, what calamine does not give."""
    styles = _Styles() if styles is None else styles
    tables: list[_Marks] = []
    marks = _Marks()
    row = column = 0
    row_repeat = 1
    open_elements: list[ElementTree.Element] = []
    # expat guards against entity expansion; ElementTree never fetches external entities.
    for event, element in ElementTree.iterparse(content, events=("start", "end")):  # noqa: S314
        tag = element.tag
        if event == "start":
            open_elements.append(element)
            if tag == _TABLE + "table":
                marks, row, column = _Marks(), 0, 0
                tables.append(marks)
            elif tag == _TABLE + "table-row":
                column = 0
                row_repeat = _repeat(element, "number-rows-repeated")
                if _invisible(element) and row < _MAX_INDEX:
                    marks.hidden_rows.append(range(row, min(row + row_repeat, _MAX_INDEX)))
            elif tag == _TABLE + "table-column":
                repeat = _repeat(element, "number-columns-repeated")
                if _invisible(element) and column < _MAX_INDEX:
                    marks.columns.update(range(column, min(column + repeat, 16384)))
                column += repeat
            continue
        open_elements.pop()
        if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            _cell(element, row, column, marks, styles)
            column += _repeat(element, "number-columns-repeated")
        elif tag == _TABLE + "table-row":
            row += row_repeat
            if open_elements:  # drop the finished row: memory stays flat on long sheets
                open_elements[-1].remove(element)
        elif not tables:  # the automatic styles, before the first table
            _note_style(element, styles)
    return tables


def _repeat(element: ElementTree.Element, name: str) -> int:
    value = element.get(_TABLE + name, "1")
    return min(int(value), _MAX_INDEX) if value.isdigit() and int(value) > 0 else 1


def _invisible(element: ElementTree.Element) -> bool:
    return element.get(_TABLE + "visibility", "visible") in ("collapse", "filter")


def _cell(
    element: ElementTree.Element, row: int, column: int, marks: _Marks, styles: _Styles
) -> None:
    for note in element.iter(_OFFICE + "annotation"):
        text = " ".join(" ".join(p.itertext()) for p in note.iter(_TEXT + "p")).strip()
        if text:
            if marks.comments:
                marks.comments.append("")
            marks.comments.append(" ".join(text.split()))
    shown = "".join("".join(p.itertext()) for p in element if p.tag == _TEXT + "p").strip()
    formula = element.get(_TABLE + "formula")
    if formula and not shown and not any(element.get(name) for name in _VALUES):
        marks.uncached.append((row, column, openformula(formula)))
        if len(marks.uncached) > _MAX_UNCACHED:
            raise Unscannable(f"too large: more than {_MAX_UNCACHED} formulas without a value")
    elif formula:
        spelt = openformula(formula)
        if '"' in spelt or builds_text(spelt) or forwards(spelt):
            marks.saved.append((row, column, spelt))
            if len(marks.saved) > _MAX_UNCACHED:
                raise Unscannable(f"too large: more than {_MAX_UNCACHED} formulas that build text")
    kind = element.get(_OFFICE + "value-type")
    shows = _shows(kind, element, shown) if shown else None
    if shows is not None:
        marks.overlay.show(row, column, shown, hides=shows)
    name = styles.data_style(element.get(_TABLE + "style-name", ""))
    style = styles.data.get(name) if name else None
    if style is None or name is None:
        return
    if name not in marks.formats and (found := styles.literals(name)):
        marks.formats[name] = (row, column, found)
    if shows is None and kind in ("float", "string"):
        # The saved text is one rendering; LibreOffice shows the value through the style.
        rendered = _rendered(style, kind, element, shown)
        if rendered and rendered != shown:
            hides = kind == "float" and all(k != "number" for k, _ in style.tokens)
            marks.overlay.show(row, column, rendered, hides=hides)


_NON_DIGITS = re.compile(r"\D+")
_WORD = re.compile(r"[^\W\d_]{3,}")
# How office suites show a boolean, in the languages they ship: a rendering, not a text.
_BOOLEANS = frozenset(
    {"true", "false", "wahr", "falsch", "vrai", "faux", "verdadero", "falso", "vero", "sim",
     "não", "ja", "nein", "oui", "non", "yes", "no", "waar", "onwaar", "prawda", "fałsz",
     "sant", "usant", "igaz", "hamis"}
)  # fmt: skip


def _shows(kind: str | None, element: ElementTree.Element, shown: str) -> bool | None:
    """Whether a typed cell's text (``shown``) is more than a rendering of the value it
    stores: None when it is only a rendering, else whether it hides the stored value.

    What calamine reads is the stored value (``office:value``, ``office:string-value``...);
    what LibreOffice shows is that value through the cell's style, whose ``number:text``
    literals may be a name or an A-number, and what other programs show is the saved text
    itself. A number shown with a letter (A212345678) or a leading zero (012345678) is
    shown as its text; so is any text that a date, time or boolean could not render to."""
    if kind in ("float", "percentage", "currency"):
        # Thousands separators and currency signs change nothing that matters.
        if not (any(ch.isalpha() for ch in shown) or (shown[0] == "0" and shown[1:2].isdigit())):
            return None
        number = element.get(_OFFICE + "value", "").split(".")[0].lstrip("-+")
        return _NON_DIGITS.sub("", number) not in _NON_DIGITS.sub("", shown)
    if kind == "string":
        stored = element.get(_OFFICE + "string-value")
        if stored is None or " ".join(stored.split()) == " ".join(shown.split()):
            return None  # calamine read the text itself
        return True
    if kind == "date":
        year = element.get(_OFFICE + "date-value", "")[:4]
        if not any(ch.isalpha() for ch in shown) or (year.isdigit() and year in shown):
            return None  # 03/04/1990, March 4, 1990
        return True
    if kind == "time":
        return None if _WORD.search(shown) is None else True
    if kind == "boolean":
        return None if shown.lower() in _BOOLEANS or shown in ("0", "1") else True
    return None
