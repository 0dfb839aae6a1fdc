"""Jupyter notebooks (.ipynb), read as Jupyter, VS Code and GitHub show them.

A notebook is JSON, and the JSON reader reads it too (every key and value, the metadata
included; the worst verdict stands). What it cannot see is that nbformat stores a multi-line
string (a cell's ``source``, a stream's ``text``, an output's value for each media type, an
attachment) as an array of strings that every viewer joins with nothing between them:
``["... A2123", "45678, born 1985-03", "-14 ..."]`` shows one A-number and one birthdate, which
no item holds. This reader joins them and reads what each viewer makes of the result:

- a Markdown cell as the Markdown text it is, and as shown: emphasis marks, backslash escapes,
  character references, comments and inline tags taken out (``A2123**45678**``,
  ``A2123<!---->45678``), through the HTML reader's parser; a heading cell (nbformat 3) as a
  heading;
- a code or raw cell as text;
- outputs, by media type: a stream's text, ``text/plain``, an error's value and traceback as
  a console shows them (ANSI colour codes taken out, and also with ``\\r`` and backspaces
  overwriting what they overwrite, as JupyterLab's output area does); ``text/html`` through the
  HTML reader's parser; ``text/markdown`` as a Markdown cell; ``image/svg+xml`` and other
  text-based XML as a file of its own; pictures and any other base64 (``image/png``,
  ``application/pdf``) decoded: a picture for the text it carries (named, not blocking, as a
  document's pictures are), anything else as a file of its own, read by the reader its bytes
  call for (content decides: a CSV labelled ``image/png`` is read as a CSV); JSON given as a
  string as a file of its own (as an object it is the JSON reader's); any other text as text;
- a cell's ``attachments`` (pasted pictures) as outputs are.

The nbformat 3 layout (``worksheets``, code in ``input``, outputs keyed ``png``, ``html``...) is
read the same way. A structure a viewer could not show as nbformat says (``cells`` that is not
a list, a cell or an output that is not an object, a string field that is neither a string nor
an array of strings, a value of a non-JSON media type that is an object) is an unread part that
blocks. A key written twice is read in every copy (the JSON reader's ``pairs``).

The reader takes a JSON object that names ``cells``, ``nbformat`` or ``worksheets`` in its
first or last 8 KiB (nbformat writes ``cells`` first and ``nbformat`` last), and reads it when
it is a notebook (``json.is_notebook``: it has ``nbformat``, or cells with a ``cell_type``);
a notebook whose keys are elsewhere is blocked by the JSON reader. Coverage: one part,
``notebook``, parsed.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any, cast

from approval.detect.readers._carriers import nested, picture
from approval.detect.readers._members import PICTURE_REASON
from approval.detect.readers.html import html_units, markdown_marks
from approval.detect.readers.json import is_notebook, looks_like_notebook, parse
from approval.detect.units import (
    PARSED,
    UNREAD,
    Bound,
    Limits,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Where,
)

NOTEBOOK_BYTES = 512 * 1024 * 1024  # a larger notebook is not parsed whole: it blocks
_FLOW = "notebook"
# nbformat 3 outputs keep each media type under a short key.
_V3_MEDIA = {
    "text": "text/plain",
    "html": "text/html",
    "markdown": "text/markdown",
    "latex": "text/latex",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "json": "application/json",
    "javascript": "application/javascript",
}
# Keys of an output that hold no text a viewer shows (the JSON reader reads them all the same).
_OUTPUT_KEYS = frozenset(
    {"output_type", "execution_count", "prompt_number", "name", "stream", "metadata"}
    | {"transient"}  # a display id, which some tools save
)
_COPY = re.compile(r" \(\d+\)\Z")  # a key met again in one object (``json.pairs``)
# ANSI escape sequences (CSI, OSC, and two-character ones): colours and cursor moves, shown as
# no character.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*+(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CARRIAGE = re.compile(r"\r+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_RENDERED = frozenset("<&*_`~\\")  # what Markdown may show otherwise than it is stored


class IpynbReader:
    name = "ipynb"

    def accepts(self, probe: Probe) -> bool:
        return looks_like_notebook(probe.head, probe.tail)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        if source.size > NOTEBOOK_BYTES:
            reason = f"too large: a notebook over {NOTEBOOK_BYTES >> 20} MiB is not read"
            yield Part("notebook", "notebook", source.size, UNREAD, reason)
            return
        with source.open() as stream:
            data = stream.read()
        document = parse(data, limits)
        del data
        if not is_notebook(document):
            return  # JSON that names a notebook's keys, and is none: the JSON reader's
        yield Part("notebook", "notebook", source.size, PARSED)
        yield from _Notebook(source, limits).read(cast(dict[str, Any], document))


READER = IpynbReader()


def _copies(obj: dict[str, Any], key: str) -> list[Any]:
    """The values of ``key`` in an object, every copy of a key written twice (``key (2)``)."""
    return [value for name, value in obj.items() if name == key or _copy_of(name, key)]


def _copy_of(name: str, key: str) -> bool:
    return name.startswith(key + " (") and _COPY.fullmatch(name, len(key)) is not None


def _joined(value: object) -> str | None:
    """A multi-line string as nbformat stores it (a string, or an array of strings a viewer
    joins with nothing between them); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "".join(value)
    return None


def _size(value: object) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | dict):
        items = value.values() if isinstance(value, dict) else value
        return sum(_size(item) for item in items)
    return 0


def _overwritten(text: str) -> str:
    """Console text as JupyterLab's output area shows it (``removeOverwrittenChars``): a
    backspace takes out the character before it, and after a carriage return the line is
    written over from its start."""
    if "\b" in text:
        out: list[str] = []
        for char in text:
            if char == "\b" and out and out[-1] != "\n":
                out.pop()
            else:
                out.append(char)
        text = "".join(out)
    if "\r" not in text:
        return text
    shown = []
    for line in text.replace("\r\n", "\n").split("\n"):
        pieces = _CARRIAGE.split(line)
        current = pieces[0]
        for piece in pieces[1:]:
            current = piece + current[len(piece) :]
        shown.append(current)
    return "\n".join(shown)


def _console(text: str) -> list[str]:
    """The lines a console output shows: without its ANSI codes, and as overwritten."""
    plain = _ANSI.sub("", text)
    lines = plain.splitlines()
    shown = _overwritten(plain)
    if shown != plain:
        lines += ["", *shown.splitlines()]
    return lines


def _markdown_html(text: str) -> str | None:
    """A Markdown cell as the HTML a renderer makes of its words (``markdown_marks``, each
    paragraph a block), for the HTML parser to decode references and take tags and comments
    out; None when the text holds nothing a renderer changes."""
    if not _RENDERED.intersection(text):
        return None
    paragraphs = re.split(r"\n[ \t]*\n", markdown_marks(text))
    return "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)


def _base64(text: str) -> bytes | None:
    compact = "".join(text.split())
    if not compact or len(compact) % 4 or _BASE64.fullmatch(compact) is None:
        return None
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def _extension(media: str) -> str:
    kind = media.rpartition("/")[2].partition("+")[0].partition(";")[0]
    return "." + "".join(c for c in kind if c.isalnum())[:10] if kind else ""


class _Notebook:
    def __init__(self, source: Source, limits: Limits):
        self.source = source
        self.limits = limits
        self.started = False  # a unit of the notebook's flow was yielded
        self.files = 0  # files handed on (pictures, SVG, base64, JSON strings)

    def read(self, document: dict[str, Any]) -> Iterator[Unit]:
        cells: list[Any] = []
        for value in _copies(document, "cells"):
            if not isinstance(value, list):
                yield self._unread("cells", value, "cells: not a list of cells")
            else:
                cells.extend(value)
        for value in _copies(document, "worksheets"):  # nbformat 3
            sheets = value if isinstance(value, list) else [value]
            for number, sheet in enumerate(sheets, 1):
                inner = _copies(sheet, "cells") if isinstance(sheet, dict) else [None]
                for found in inner:
                    if isinstance(found, list):
                        cells.extend(found)
                    else:
                        reason = "worksheet: not an object with a list of cells"
                        yield self._unread(f"worksheet {number}", sheet, reason)
        for number, cell in enumerate(cells, 1):
            yield from self._cell(cell, f"cell {number}")

    def _cell(self, cell: object, name: str) -> Iterator[Unit]:
        if not isinstance(cell, dict):
            yield self._unread(name, cell, "a cell that is not an object")
            return
        kinds = _copies(cell, "cell_type")
        markdown = any(kind in ("markdown", "heading") for kind in kinds)
        level = next((v for v in _copies(cell, "level") if isinstance(v, int)), 0)
        for key in ("source", "input"):  # nbformat 3 keeps code in ``input``
            for value in _copies(cell, key):
                text = _joined(value)
                if text is None:
                    yield self._unread(f"{name} {key}", value, "not a string or strings")
                elif "heading" in kinds and level:
                    yield from self._markdown(f"{'#' * min(level, 6)} {text}", name)
                elif markdown:
                    yield from self._markdown(text, name)
                else:
                    yield self._text(name, text.splitlines())
        for value in _copies(cell, "attachments"):
            if not isinstance(value, dict):
                yield self._unread(f"{name} attachments", value, "not an object of files")
                continue
            for number, bundle in enumerate(value.values(), 1):  # names: the JSON reader's
                where = f"{name} attachment {number}"
                if isinstance(bundle, dict):
                    yield from self._bundle(bundle, where)
                else:
                    yield self._unread(where, bundle, "not an object of media types")
        for value in _copies(cell, "outputs"):
            if not isinstance(value, list):
                yield self._unread(f"{name} outputs", value, "not a list of outputs")
                continue
            for number, output in enumerate(value, 1):
                yield from self._output(output, f"{name} output {number}")

    def _output(self, output: object, name: str) -> Iterator[Unit]:
        if not isinstance(output, dict):
            yield self._unread(name, output, "an output that is not an object")
            return
        for key, value in output.items():
            field = _COPY.sub("", key)
            if field in _OUTPUT_KEYS:
                continue  # numbers and labels; read by the JSON reader
            if field == "data":
                if isinstance(value, dict):
                    yield from self._bundle(value, name)
                else:
                    yield self._unread(f"{name} data", value, "not an object of media types")
            elif field == "traceback":
                lines = value if isinstance(value, list) else None
                if lines is None or not all(isinstance(line, str) for line in lines):
                    yield self._unread(f"{name} traceback", value, "not a list of strings")
                else:  # one line an item, as Jupyter shows it
                    yield self._text(name, _console("\n".join(lines)))
            elif field in _V3_MEDIA and field != "text":
                yield from self._media(_V3_MEDIA[field], value, name)
            elif (text := _joined(value)) is not None:
                # A stream's or nbformat 3's ``text``, an error's name and value, and what else
                # an output holds as text: read as a console shows it.
                yield self._text(name, _console(text))
            elif isinstance(value, dict | list):
                yield self._unread(f"{name} {field}"[:200], value, "an output field not known")

    def _bundle(self, bundle: dict[str, Any], name: str) -> Iterator[Unit]:
        for media, value in bundle.items():
            yield from self._media(_COPY.sub("", media).strip().lower(), value, name)

    def _media(self, media: str, value: object, name: str) -> Iterator[Unit]:
        """One value of a media type, as a viewer shows it."""
        json_type = media.endswith(("/json", "+json"))
        text = _joined(value)
        if text is None:
            if json_type and isinstance(value, dict | list):
                return  # JSON: read by the JSON reader, as it stands in the file
            yield self._unread(f"{name} {media}"[:200], value, "a value that is not text")
            return
        if media == "text/html":
            where = Where(part=name)
            yield from html_units([text], where, limits=self.limits, source=self.source)
        elif media == "text/markdown":
            yield from self._markdown(text, name)
        elif json_type or media.endswith(("/xml", "+xml")):
            yield self._file(name, media, text.encode("utf-8"))
        elif media.startswith("text/"):
            yield self._text(name, _console(text))
        elif (data := _base64(text)) is not None:
            shown = picture(data)
            if shown is None:
                yield self._file(name, media, data)
            else:  # pixels are not read; the text a picture carries is
                label = f"{name} {media}"[:200]
                yield Part(label, "image", len(data), UNREAD, PICTURE_REASON, blocks=False)
                if shown:
                    yield Text(Where(part=label, hidden=True), shown)
        else:  # not base64: text (a viewer shows a broken picture, or the text)
            yield self._text(name, text.splitlines())

    def _markdown(self, text: str, name: str) -> Iterator[Unit]:
        yield self._text(name, text.splitlines())
        html = _markdown_html(text)
        if html is not None:
            where = Where(part=f"{name} as shown")
            yield from html_units([html], where, limits=self.limits, source=self.source)

    def _text(self, name: str, lines: list[str]) -> Text:
        # One flow: a heading in a Markdown cell governs the cells and outputs below it.
        unit = Text(Where(part=name), lines, flow=_FLOW, continues=self.started)
        self.started = True
        return unit

    def _file(self, name: str, media: str, data: bytes) -> Unit:
        self.files += 1
        if self.files > self.limits.max_entries:
            limit = self.limits.max_entries
            raise Bound(f"more than {limit} files in a notebook's outputs", "max_entries")
        label = f"{name.replace(' ', '-')}-{self.files}{_extension(media)}"
        return nested(self.source, self.limits, label, data)

    def _unread(self, name: str, value: object, reason: str) -> Part:
        return Part(name, "cell", _size(value), UNREAD, f"notebook structure: {reason}")
