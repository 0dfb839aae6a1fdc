"""JSON and NDJSON: nested values flattened into ``Records`` (and ``Table`` for arrays of rows).

How a document becomes units, the same for JSON, NDJSON lines and YAML documents:

- an object is a record: nested objects are flattened into dotted key paths
  (``applicant.name``), arrays of scalars into indexed keys (``aliases[0]``);
- an array of objects, wherever it is, yields one record per object, titled by the dotted key
  path that holds it and by the title-like fields of the object around it (``title``,
  ``description``, ``status``, ...): the context that governs the records, as a sheet title
  governs a sheet;
- an array of scalars in a record is also a one-column table of its own, titled by its key
  (``{"cfi_positive": [names]}``: a record is one person, a list may be many); arrays of one
  length are also zipped into one table headed by their keys (pandas' orient=list); an array
  of arrays of scalars is a table, one row per inner array;
- a key that is an A-number (as ``detectors.a_number`` spells one, never a bare 9-digit number)
  is a record's own: the entry under it is a record of its own, the key kept as ``@key``,
  whatever the value (``{"A212345678": "credible fear positive"}``);
- an object whose keys are all identifiers (they hold a digit), or names (``Maria GARCIA``)
  over objects that share their fields, and whose values are all objects is a map of records:
  one record per entry, the key kept as ``@key``;
- an object keyed by persons' names over scalars or lists of scalars (``{"asylum": {"Ruby
  Stephens": "pending"}}``) is also a table of its own, one row per entry (the key, then the
  value), titled by the key path that holds it: its keys are values (``_is_name_map``; not
  title-case field names, nor a figure per name);
- a lone object in an array that is a part of its record (a name in parts, FHIR's ``"name":
  [{"given": [...], "family": ...}]``; a coded value) is flattened into the record too, under
  the array's key (``name[0].family``), and a field that holds the whole of what its object
  stands for (``text``, ``display``, ``value``) is named by the object's key (``name[0]``);
- the frames pandas writes are tables: orient=split (``columns`` beside ``data`` rows as wide,
  the ``index`` as the first column), orient=columns (objects keyed by one index of numbers);
  orient=index and orient=records are maps and arrays of records;
- what is read apart from a record (a list, an entry under an A-number, rows, a frame) is
  titled by the record's fields, title-like ones first, which governed it as part of the
  record (``{"names": [...], "claim": "asylum"}``);
- a title's key path written as code writes keys (``cfi_positive``) has its short words read in
  capitals, as the acronyms they were (CFI, CAT);
- integers stay integers: an A-number in JSON is often the number 212345678.

Nesting deeper than ``Limits.max_nesting`` is ``Unscannable``; so is a document the JSON parser
itself finds too deep (it raises RecursionError near 1,000 levels), which we catch.

Files up to ``FULL_LOAD_BYTES`` are parsed in one go by the C parser. Larger files are walked
as a stream: the outer arrays and objects are read token by token and every array or object
that fits in ``ELEMENT_BYTES`` (a record, typically) is parsed whole by the C parser, so memory
stays near one element whatever the file's size; a single string over ``SCALAR_BYTES`` is
refused as too large. NDJSON is read line by line.

The bytes decide, never the name: a source is JSON when its first bytes parse as a JSON object or
array (to the end of the head, or to the end of a line followed by another value: NDJSON). A
JSON parse sees every character but whitespace as a token, key or value, so a JSON read covers
the plain-text, CSV and YAML reads of the same bytes (``subsumes``). Coverage: one part,
``body``, parsed.

A key may occur twice in one object: a parser keeps the last value, a text editor or a
browser's raw view shows every one. Every value is kept (``pairs``): a repeated key is read
again as ``key (2)``, ``key (3)``... beside the first, in the parse and in the stream alike.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from approval.detect.detectors.a_number import spelled
from approval.detect.readers._probe import HEAD_BYTES, TAIL_BYTES
from approval.detect.units import (
    PARSED,
    UNREAD,
    Cell,
    Limits,
    Part,
    Probe,
    Records,
    Source,
    Table,
    Unit,
    Unscannable,
    Where,
)

FULL_LOAD_BYTES = 4 * 1024 * 1024  # streaming is as fast; this keeps small files exact
ELEMENT_BYTES = 1024 * 1024  # an array or object this large is walked, not parsed whole
SCALAR_BYTES = 16 * 1024 * 1024  # a string longer than this is refused
NDJSON_LINE_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
# Fields whose text governs the records listed beside them, as a heading governs a list.
_TITLE_KEYS = frozenset(
    {"title", "subject", "description", "heading", "caption", "report", "dataset", "category"}
    | {"program", "purpose", "type", "status", "summary", "label"}
)
_TITLE_VALUE_CHARS = 200
_DIGIT = re.compile(r"\d")
_WS = re.compile(r"[ \t\r\n]*")

# What a walk yields: (title, record) or (title, row); consecutive items of one kind and title
# become one unit.
Item = tuple[str, dict[str, Cell] | list[Cell]]


def too_deep(limits: Limits) -> Unscannable:
    return Unscannable(f"too deeply nested: more than {limits.max_nesting} levels")


class Flattener:
    """Turns parsed values (from JSON or YAML) into items, within the nesting limit.

    ``budget`` bounds the number of values visited, for YAML, whose aliases can make a small
    document a huge tree; ``None`` for JSON, where every value visited is in the file."""

    def __init__(self, limits: Limits, budget: int | None = None):
        self.limits = limits
        self._left = budget

    def value(self, value: object, path: str, depth: int, in_array: bool = False) -> Iterator[Item]:
        """Items for a value that is not inside a record (``in_array``: an array's element)."""
        self._visit(depth)
        if isinstance(value, dict):
            yield from self._object(value, path, depth, in_array)
        elif isinstance(value, list | tuple):
            elements = (item for e in value for item in self.element(e, path, depth + 1))
            yield from contiguous(elements, path)
        else:
            yield path, {_leaf(path): scalar(value)}

    def element(self, element: object, path: str, depth: int) -> Iterator[Item]:
        """Items for one element of an array that is not inside a record."""
        if isinstance(element, list | tuple) and not any(map(_is_container, element)):
            self._visit(depth)
            yield path, [scalar(v) for v in element]
        elif isinstance(element, dict | list | tuple):
            yield from self.value(element, path, depth, in_array=True)
        else:
            self._visit(depth)
            yield path, [scalar(element)]

    def entry(self, key: str, item: object, path: str, depth: int) -> Iterator[Item]:
        """The record that an entry under a data key (``_data_key``) forms: the key as its
        ``@key``, beside the object's fields, or beside the value under the name of the
        object that holds the entry (``value`` at the top)."""
        record: dict[str, Cell] = {"@key": key}
        if isinstance(item, dict):
            yield from self._record(item, path, depth, record)
            return
        leaf = _label(path) or "value"
        if isinstance(item, list | tuple) and not any(map(_is_container, item)):
            self._visit(depth)
            record.update((f"{leaf}[{n}]", scalar(v)) for n, v in enumerate(item))
            yield path, record
        elif isinstance(item, list | tuple):
            yield from self._record({leaf: item}, path, depth, record)
        else:
            self._visit(depth)
            record[leaf] = scalar(item)
            yield path, record

    def _object(self, obj: dict[Any, Any], path: str, depth: int, in_array: bool) -> Iterator[Item]:
        split = _split_table(obj)
        if split is not None:
            rows, used = split
            self._visit_rows(rows, depth)
            yield from ((path, row) for row in rows)
            rest = {key: item for key, item in obj.items() if key not in used}
            if rest:
                yield from self._record(rest, path, depth, {})
            return
        columns = _column_major(obj)
        if columns is not None:
            self._visit_rows(columns, depth)
            yield from ((path, row) for row in columns)
        elif _is_record_map(obj):
            for key, entry in obj.items():
                yield from self._record(entry, path, depth + 1, {"@key": scalar(key)})
        else:
            yield from self._record(obj, path, depth, {}, in_array)
            if _is_name_map(obj):
                yield from self._name_rows(obj, path, depth)

    def _name_rows(self, obj: dict[Any, Any], title: str, depth: int) -> Iterator[Item]:
        """A map keyed by persons' names (``_is_name_map``) as the table it is: one row per
        entry, the key first, then its value (or the values of its list), under the key path
        that holds the map as title (``{"asylum": {"Ruby Stephens": "pending"}}``)."""
        for key, value in obj.items():
            self._visit(depth + 1)
            values = value if isinstance(value, list | tuple) else [value]
            yield title, [str(key), *(scalar(v) for v in values)]

    def _record(
        self,
        obj: dict[Any, Any],
        path: str,
        depth: int,
        record: dict[str, Cell],
        in_array: bool = False,
    ) -> Iterator[Item]:
        """``in_array``: an array's element, whose lists are titled by its title-like fields
        only, as its arrays of objects are, so that the lists of all its elements make one
        unit (``contiguous``), not one each."""
        later: list[_Later] = []
        self._flatten(obj, "", depth, record, later)
        if record:
            yield path, record
        if not later:
            return
        context = _context(obj)  # what governs the arrays of objects, as before
        # What governs what was part of the record itself: its fields (but its lists).
        broad = ""
        if any(kind != _OBJECTS and not (in_array and kind == _SCALARS) for kind, *_ in later):
            listed = {key for kind, key, *_ in later if kind == _SCALARS}
            broad = _broad({k: v for k, v in record.items() if k.partition("[")[0] not in listed})
        lists: list[tuple[str, list[Cell]]] = []
        for kind, key, found, at in later:
            if kind == _SCALARS:
                assert isinstance(found, list)
                lists.append((key, found))
                continue
            title = _join(path, key)
            if kind == _OBJECTS:
                yield from self.value(found, f"{context}: {title}" if context else title, at)
            elif kind == _ENTRY:
                prefix, _, name = key.rpartition("\0")
                yield from self.entry(name, found, _titled(broad, _join(path, prefix)), at)
            elif kind == _NAMES:
                assert isinstance(found, dict)
                # Titled as arrays of objects are: the record's fields hold the map's own
                # entries, read as field names.
                yield from self._name_rows(found, _titled(context, title), at)
            else:
                yield from self.value(found, _titled(broad, title), at)
        if lists:
            yield from _list_tables(lists, context if in_array else broad, path)

    def _flatten(
        self,
        obj: dict[Any, Any],
        prefix: str,
        depth: int,
        record: dict[str, Cell],
        later: list[_Later],
    ) -> None:
        self._visit(depth)
        for raw_key, item in obj.items():
            name = str(raw_key)
            key = _join(prefix, name)
            data_key = _data_key(name)
            if data_key is not None:
                later.append((_ENTRY, f"{prefix}\0{data_key}", item, depth + 1))
            elif isinstance(item, dict):
                if _is_table(item):
                    later.append((_TABLE, key, item, depth + 1))
                else:
                    if _is_name_map(item):
                        later.append((_NAMES, key, item, depth + 1))
                    self._flatten(item, key, depth + 1, record, later)
            elif isinstance(item, list | tuple):
                self._visit(depth + 1)
                if not any(map(_is_container, item)):
                    # In the record, as its own values (a person's "relief": ["asylum"]), and
                    # a column of its own (``_list_tables``).
                    values = [scalar(v) for v in item]
                    for index, value in enumerate(values):
                        self._visit(depth + 2)
                        record[f"{key}[{index}]"] = value
                    later.append((_SCALARS, key, values, depth + 1))
                elif any(_holds_object(v) for v in item):
                    if len(item) == 1 and _flat_object(item[0]):
                        # One object in an array is a part of the record, its fields under
                        # the array's key (FHIR's ``"name": [{"given": [...], "family": ...}]``
                        # is the person's name), as well as a record of its own.
                        self._flatten(item[0], f"{key}[0]", depth + 2, record, [])
                    later.append((_OBJECTS, key, item, depth + 1))
                else:
                    later.append((_TABLE, key, item, depth + 1))
            else:
                self._visit(depth + 1)
                if prefix and name.lower() in _WHOLE_KEYS and prefix not in record:
                    # The whole of what its object stands for (``"name": {"text": "Ruby
                    # Stephens"}``): named by the object's key, not by ``text``.
                    key = prefix
                record[key] = scalar(item)

    def _visit_rows(self, rows: list[list[Cell]], depth: int) -> None:
        for row in rows:
            self._visit(depth + 1)
            for _ in row:
                self._visit(depth + 2)

    def _visit(self, depth: int) -> None:
        if depth > self.limits.max_nesting:
            raise too_deep(self.limits)
        if self._left is not None:
            self._left -= 1
            if self._left < 0:
                raise Unscannable("alias bomb: aliases expand the document too far")


_PENDING_ITEMS = 10_000


def contiguous(items: Iterator[Item], path: str) -> Iterator[Item]:
    """An array's own records and rows as they come, and what else its elements hold (their
    lists, arrays of objects nested in them) after them, ``_PENDING_ITEMS`` at most held at
    once: items of other titles between an array's records would make one unit per element."""
    pending: list[Item] = []
    for item in items:
        if item[0] == path:
            yield item
            continue
        pending.append(item)
        if len(pending) >= _PENDING_ITEMS:
            yield from pending
            pending.clear()
    yield from pending


def units(items: Iterator[Item], where: Where) -> Iterator[Unit]:
    """Consecutive items of one kind and title as one lazy unit: consume a unit's records or
    rows before asking for the next unit."""
    for (title, is_record), group in itertools.groupby(
        items, key=lambda item: (item[0], isinstance(item[1], dict))
    ):
        if is_record:
            yield Records(where=where, records=_records(group), title=_cased(title))
        else:
            yield Table(where=where, rows=_rows(group), title=_cased(title))


def scalar(value: object) -> Cell:
    """A cell value: JSON scalars as they are; anything else YAML can make, as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict | list | tuple):  # a container where a key was expected (YAML)
        return None
    return str(value)  # dates and times from YAML, in ISO form


class JsonReader:
    """``full_load_bytes``: files up to this size are parsed whole; ``element_bytes``: in larger
    files, arrays and objects up to this size are parsed whole; ``scalar_bytes``: the longest
    string or number read; ``chunk_bytes``: how much is read at once."""

    name = "json"
    subsumes = frozenset({"text", "csv", "yaml"})

    def __init__(
        self,
        full_load_bytes: int = FULL_LOAD_BYTES,
        element_bytes: int = ELEMENT_BYTES,
        scalar_bytes: int = SCALAR_BYTES,
        chunk_bytes: int = CHUNK_BYTES,
    ):
        self.full_load_bytes = full_load_bytes
        self.element_bytes = element_bytes
        self.scalar_bytes = scalar_bytes
        self.chunk_bytes = chunk_bytes

    def accepts(self, probe: Probe) -> bool:
        return _looks_like_json(probe.head, cut=probe.size > len(probe.head))

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        flatten = Flattener(limits)
        yield Part("body", "json", source.size, PARSED)
        with source.open() as stream:
            head = stream.read(self.full_load_bytes + 1)
            if _is_ndjson(head[:65536]):
                stream.seek(0)
                yield from units(_ndjson(stream, flatten), Where())
            elif len(head) <= self.full_load_bytes:
                ends = _probe_ends(head, len(head))
                text = _decode(head)
                del head
                if text.strip():  # an empty file discloses nothing
                    value = _load(text, limits)
                    if missed := _notebook_missed(is_notebook(value), *ends, source.size):
                        yield missed
                    yield from units(flatten.value(value, "", 0), Where())
            else:
                encoding = _encoding(head[:65536])
                del head
                stream.seek(0)
                sizes = (self.element_bytes, self.scalar_bytes, self.chunk_bytes)
                tokens = _Tokens(stream, encoding, limits, *sizes)
                keys: set[str] = set()  # the top-level object's keys
                yield from units(_stream_value(tokens, flatten, "", 0, False, keys), Where())
                tokens.expect_end()
                if any(_is_key(key, "nbformat") for key in keys):
                    with source.open() as again:
                        first = again.read(HEAD_BYTES)
                        again.seek(max(HEAD_BYTES, source.size - TAIL_BYTES))
                        if missed := _notebook_missed(True, first, again.read(), source.size):
                            yield missed


def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object with every one of its keys' values (``object_pairs_hook``): a key met again
    is kept as ``key (2)`` (``key (3)``, ...: the first free name)."""
    obj = dict(items)
    if len(obj) == len(items):
        return obj
    names = _Names()
    return {names.free(key): value for key, value in items}


_DECODER = json.JSONDecoder(object_pairs_hook=pairs)


def parse(data: bytes, limits: Limits) -> object:
    """A whole document's value, decoded as ``_decode`` decodes it, every key kept (``pairs``)."""
    return _load(_decode(data), limits)


# Jupyter notebooks (``readers.ipynb``): the keys nbformat writes at the top of a notebook (in
# order: ``cells`` first, ``nbformat`` last; ``worksheets`` in nbformat 3).
NOTEBOOK_KEYS = ("cells", "nbformat", "worksheets")
_NOTEBOOK_KEY = re.compile(r'"(?:cells|nbformat|worksheets)"\s*:')


def looks_like_notebook(head: bytes, tail: bytes) -> bool:
    """Whether a source whose first and last 8 KiB are ``head`` and ``tail`` is a JSON object
    that names a notebook's keys there: the notebook reader's probe. A notebook whose keys lie
    past both (behind padding in its metadata, or spelled with escapes) is blocked by the JSON
    reader instead (``notebook_missed``)."""
    try:
        encoding = json.detect_encoding(head)
        text = head.decode(encoding, "ignore").lstrip("\ufeff \t\r\n")
        end = tail.decode(encoding, "ignore")
    except LookupError:
        return False
    if not text.startswith("{"):
        return False
    return _NOTEBOOK_KEY.search(text) is not None or _NOTEBOOK_KEY.search(end) is not None


def _probe_ends(data: bytes, size: int) -> tuple[bytes, bytes]:
    """The head and tail a ``Probe`` of a source holds, from its first bytes (``data``)."""
    tail = data[max(HEAD_BYTES, size - TAIL_BYTES) :] if size > HEAD_BYTES else b""
    return data[:HEAD_BYTES], tail


def _is_key(key: object, name: str) -> bool:
    return isinstance(key, str) and _COPY.sub("", key) == name


def is_notebook(value: object) -> bool:
    """Whether a document is a notebook: an object with ``nbformat`` (every notebook has one),
    or with ``cells`` (``worksheets``' cells in nbformat 3) that holds a cell (an object with a
    ``cell_type``), which a viewer shows without one."""
    if not isinstance(value, dict):
        return False
    cells: list[object] = []
    for key, item in value.items():
        if _is_key(key, "nbformat"):
            return True
        if _is_key(key, "cells") and isinstance(item, list):
            cells += item
        if _is_key(key, "worksheets") and isinstance(item, list):
            cells += (c for s in item if isinstance(s, dict) for c in s.get("cells") or [])
    return any(isinstance(c, dict) and any(_is_key(k, "cell_type") for k in c) for c in cells)


def _notebook_missed(notebook: bool, head: bytes, tail: bytes, size: int) -> Part | None:
    """A notebook that the notebook reader did not take, since its probe did not see its keys:
    Jupyter joins its cells' strings, which no reading of the strings one by one sees. Blocks.
    (A streamed document is known as one by its ``nbformat`` alone.)"""
    if not notebook or looks_like_notebook(head, tail):
        return None
    reason = "a Jupyter notebook whose keys are not where its first or last 8 KiB show them"
    return Part("notebook", "notebook", size, UNREAD, reason)


def _load(text: str, limits: Limits) -> object:
    try:
        return _DECODER.decode(text)
    except RecursionError as exc:
        raise too_deep(limits) from exc
    except json.JSONDecodeError as exc:
        raise Unscannable(f"corrupt: invalid JSON at line {exc.lineno}") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise Unscannable("corrupt: a JSON number is too long") from exc


def _decode(data: bytes) -> str:
    """UTF-8 (RFC 8259), or UTF-16/32 when they say so; legacy exports in cp1252 otherwise."""
    try:
        return data.decode(json.detect_encoding(data))
    except UnicodeDecodeError:
        return data.removeprefix(codecs.BOM_UTF8).decode("cp1252", "replace")


def _encoding(head: bytes) -> str:
    encoding = json.detect_encoding(head)
    if encoding == "utf-8":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:  # not merely a character cut by the read
                return "cp1252"
    return encoding


def _looks_like_json(head: bytes, cut: bool = False) -> bool:
    """Whether a source starts like JSON: an object or array that the decoder
    parses to the end of the head (``cut``: the head ends before the source does, anywhere,
    in a string or an escape too) or that ends where a line does."""
    try:
        text = head.decode(json.detect_encoding(head), "ignore").lstrip("\ufeff \t\r\n")
    except LookupError:
        return False
    if not text.startswith(("{", "[")):
        return False
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except RecursionError:
        return True  # deep nesting: a JSON file, and a hostile one
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            return True
        # A \\uXXXX escape or a number cut by the end of the head.
        return cut and exc.pos >= len(text) - 12
    rest = text[end:]
    if not rest.strip():
        return True
    line_end, _, following = rest.lstrip(" \t\r").partition("\n")
    return not line_end and following.lstrip().startswith(("{", "["))  # NDJSON


def _is_ndjson(head: bytes) -> bool:
    """NDJSON: a first line that is a whole JSON value followed by another."""
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    first, newline, rest = text.partition("\n")
    if not newline or not rest.lstrip().startswith(("{", "[")):
        return False
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return False
    return True


def _ndjson(stream: BinaryIO, flatten: Flattener) -> Iterator[Item]:
    for number, line in enumerate(iter(lambda: stream.readline(NDJSON_LINE_BYTES + 1), b""), 1):
        if len(line) > NDJSON_LINE_BYTES:
            raise Unscannable(f"too large: NDJSON line {number} is over 64 MiB")
        if not line.strip():
            continue
        try:
            value = _DECODER.decode(_decode(line))
        except RecursionError as exc:
            raise too_deep(flatten.limits) from exc
        except ValueError as exc:
            raise Unscannable(f"corrupt: NDJSON line {number} is not JSON") from exc
        yield from flatten.value(value, "", 0)


def _records(group: Iterator[Item]) -> Iterator[dict[str, Cell]]:
    for _, payload in group:
        if isinstance(payload, dict):
            yield payload


def _rows(group: Iterator[Item]) -> Iterator[list[Cell]]:
    for _, payload in group:
        if isinstance(payload, list):
            yield payload


def _is_container(value: object) -> bool:
    return isinstance(value, dict | list | tuple)


def _is_record_map(obj: dict[Any, Any]) -> bool:
    """Objects keyed by their records' identifiers (they hold a digit: ``A212345678``,
    ``case-0001``, ``0``) or by their persons' names (``Maria GARCIA``) when the objects share
    their fields: sections of one record (``"Personal Info": {...}, "Case Details": {...}``)
    do not."""
    if len(obj) < 2 or not all(isinstance(value, dict) for value in obj.values()):
        return False
    if all(_DIGIT.search(str(key)) for key in obj):
        return True
    if not all(_DIGIT.search(str(key)) or _name_key(str(key)) for key in obj):
        return False
    first = set(next(iter(obj.values())))
    return bool(first) and all(
        2 * len(first & value.keys()) >= len(value) for value in obj.values()
    )


_NAME_MAP_SHARE = 0.8  # share of a map's keys that must be written as names are


def _is_name_map(obj: dict[Any, Any]) -> bool:
    """A map keyed by persons' names (``Ruby Stephens``, ``Stephens, Ruby``) over scalars or
    lists of scalars (``{"Ruby Stephens": "pending"}``): its keys are values, read as a table
    of their own (``Flattener._name_rows``) beside the record that reads them as field names.
    Title-case field names (``"Full Name": "Nombre completo"``) look the same: the classifier
    judges the table's column of keys as it judges any column without a header."""
    if len(obj) < 2 or any(isinstance(v, dict) for v in obj.values()):
        return False
    if any(isinstance(v, list | tuple) and any(map(_is_container, v)) for v in obj.values()):
        return False
    numbers = [v for v in obj.values() if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) == len(obj) and any(v not in (0, 1) for v in numbers):
        return False  # a figure per name (grant rates per judge): statistics, not 0/1 flags
    names = sum(1 for key in obj if isinstance(key, str) and _person_key(key))
    return names >= 2 and names >= _NAME_MAP_SHARE * len(obj)


# Words of field names written in title case (``Last Name``, ``Fear Result``, ``Case Details``),
# which no person's name holds.
_FIELD_WORDS = frozenset(
    {"name", "names", "date", "birth", "dob", "result", "results", "status", "type", "number"}
    | {"id", "code", "info", "information", "details", "detail", "address", "country", "city"}
    | {"office", "case", "cases", "file", "application", "decision", "notes", "note", "phone"}
    | {"email", "title", "level", "count", "total", "rate", "fear", "claim", "relief", "label"}
    | {"field", "value", "description", "summary", "section", "page", "form", "report"}
)


def _person_key(key: str) -> bool:
    """A key written as a person's name is (``_name_key``), with no word of a field's name."""
    return _name_key(key) and not any(
        w.lower().strip(".,") in _FIELD_WORDS for w in _NAME_SPLIT.split(key)
    )


# Fields that hold the whole of what their object stands for: FHIR's ``text``, XML-as-JSON's
# ``#text``, a code's ``display``.
_WHOLE_KEYS = frozenset({"text", "#text", "display", "value", "fullname", "full_name"})
# Fields of an object that is a part of a record, not a record: a name in parts (FHIR's
# ``HumanName``: ``use``, ``text``, ``family``, ``given``, ``prefix``, ``suffix``, ``period``),
# a coded value or an identifier (``system``, ``code``, ``value``, ``display``). An object with
# any other field (``name``, ``a_number``: a dependent) is a record of its own only.
_PART_KEYS = frozenset(
    {"use", "text", "family", "given", "prefix", "suffix", "period", "first", "last", "middle"}
    | {"firstname", "lastname", "middlename", "givenname", "familyname", "fullname", "surname"}
    | {"system", "code", "value", "display", "type"}
)


def _flat_object(value: object) -> bool:
    """A lone object in an array that is a part of its record (``_PART_KEYS``): its fields
    scalars or lists of scalars (``period``, an object, aside)."""
    if not isinstance(value, dict) or not value:
        return False
    for key, item in value.items():
        if not isinstance(key, str) or re.sub(r"[\s_-]", "", key.lower()) not in _PART_KEYS:
            return False
        if key != "period" and (
            isinstance(item, dict)
            or (isinstance(item, list | tuple) and any(map(_is_container, item)))
        ):
            return False
    return True


def _context(obj: dict[Any, Any]) -> str:
    parts = [
        value[:_TITLE_VALUE_CHARS].strip()
        for key, value in obj.items()
        if isinstance(value, str) and str(key).lower() in _TITLE_KEYS and value.strip()
    ]
    return "; ".join(parts)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _leaf(path: str) -> str:
    return path.rsplit(": ", 1)[-1] or "value"


def _label(path: str) -> str:
    """The last key of a title's key path: ``asylum_cases`` for ``Title: report.asylum_cases``."""
    return _leaf(path).rpartition(".")[2] if _leaf(path) != "value" else ""


def _titled(context: str, path: str) -> str:
    return f"{context}: {path}" if context else path


# What a record hands on to the parts split out of it (``_broad``).
_BROAD_VALUE_CHARS = 200
_BROAD_CHARS = 2000

# Kinds of what a record sets aside (``Flattener._flatten``): (kind, key, value, depth).
_OBJECTS = "objects"  # an array that holds objects: records of their own
_SCALARS = "scalars"  # an array of scalars: a column of its own
_TABLE = "table"  # rows, a frame or a map of records, under the record's key
_ENTRY = "entry"  # a value under a data key: a record of its own, keyed by it
_NAMES = "names"  # a map keyed by persons' names: a table of its own (``_is_name_map``)
_Later = tuple[str, str, object, int]


def _ordered(record: dict[str, Cell]) -> list[tuple[str, Cell]]:
    """A record's values, title-like fields first, without nulls."""
    items = [(key, value) for key, value in record.items() if value is not None]
    return sorted(items, key=lambda item: _label(item[0]).lower() not in _TITLE_KEYS)


def _broad(record: dict[str, Cell]) -> str:
    """The fields of a record as a title for what was split out of it (rows, frames, entries
    under data keys): these were the record's own values, judged with its fields."""
    parts: list[str] = []
    size = 0
    for key, value in _ordered(record):
        part = f"{key} = {str(value)[:_BROAD_VALUE_CHARS]}".replace(": ", " ")
        size += len(part) + 2
        if size > _BROAD_CHARS:
            break
        parts.append(part)
    return "; ".join(parts)


def _list_tables(lists: list[tuple[str, list[Cell]]], context: str, path: str) -> Iterator[Item]:
    """Arrays of scalars of one record, each a column of its own under its key and the record's
    fields (``{"cfi_positive": [names]}``, ``{"names": [...], "claim": "asylum"}``): a record
    is one person, a list in it may be many. Arrays of one length are also zipped into one
    table headed by their keys (``{"name": [...], "dob": [...]}``: pandas' orient=list), as well
    as read on their own (two lists of persons of one length are not one table of pairs)."""
    by_length: dict[int, list[tuple[str, list[Cell]]]] = {}
    for key, values in lists:
        if values:
            by_length.setdefault(len(values), []).append((key, values))
            title = _titled(context, _join(path, key))
            yield from ((title, [value]) for value in values)
    for group in by_length.values():
        if len(group) > 1:
            title = _titled(context, path)
            yield title, [_label(key) for key, _ in group]
            for row in zip(*(values for _, values in group), strict=True):
                yield title, list(row)


_HOLDS_STEPS = 100_000


def _holds_object(value: object) -> bool:
    """Whether an object is in a value, at any depth: walked with a stack, not recursion (the
    walk that follows bounds the nesting, with a reason), and for ``_HOLDS_STEPS`` values at
    most (YAML's aliases make a small document a huge tree: the walk that follows counts them);
    past that, as if it did."""
    stack = [value]
    for _ in range(_HOLDS_STEPS):
        if not stack:
            return False
        item = stack.pop()
        if isinstance(item, dict):
            return True
        if isinstance(item, list | tuple):
            stack.extend(item)
    return True


# Keys that are data, not a field's name: an A-number, as the one recogniser of A-numbers
# spells one (``A212345678``, ``A-212-345-678``; never a bare 9-digit number, which config
# files and APIs key by), always; a name written as names are (``Maria GARCIA``, ``GARCIA,
# Maria``) only over objects that share their fields (``_is_record_map``): title-case field
# names (``"Last Name": "DIAZ"``, ``"Case Details": {...}``) look the same.
_NAME_WORD = r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?"
_NAME_KEY = re.compile(rf"{_NAME_WORD}(?:,? {_NAME_WORD}){{1,5}}")
_NAME_SPLIT = re.compile(r",? ")
_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "du", "di", "van", "von", "der"}
    | {"den", "le", "bin", "bint", "al", "el", "y", "e", "ibn"}
)
_NAME_KEY_CHARS = 80
_IDENTIFIER_KEY_CHARS = 40


def _identifier_key(key: str) -> bool:
    key = key.strip()
    if len(key) > _IDENTIFIER_KEY_CHARS or not _DIGIT.search(key):
        return False
    found = spelled(key)
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(key)


def _name_key(key: str) -> bool:
    if len(key) > _NAME_KEY_CHARS or not _NAME_KEY.fullmatch(key):
        return False
    words = [w for w in _NAME_SPLIT.split(key) if w.lower() not in _PARTICLES]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


_COPY = re.compile(r" \(\d+\)\Z")  # a key met again in one object (``pairs``)


def _data_key(key: str) -> str | None:
    """A key that is a record's own, an A-number whatever the value under it, as the file
    spells it (a repeated key without its ``(2)``); None for a field's name."""
    key = _COPY.sub("", key)
    return key if _identifier_key(key) else None


_HEADER_KEYS = ("columns", "fields", "headers", "header")
_ROW_KEYS = ("data", "rows", "values")


def _column_name(column: object) -> str | None:
    if isinstance(column, str | int | float) and not isinstance(column, bool):
        return str(column)
    if isinstance(column, dict) and isinstance(column.get("name"), str):
        return str(column["name"])  # a table schema's field: {"name": ..., "type": ...}
    return None


def _split_table(obj: dict[Any, Any]) -> tuple[list[list[Cell]], set[str]] | None:
    """Column names beside rows as wide (pandas' orient=split, ``{"columns": [...], "index":
    [...], "data": [[...], ...]}``, and the like): one table, the index as its first column;
    with the keys it used."""
    header_key = next((k for k in _HEADER_KEYS if isinstance(obj.get(k), list)), None)
    rows_key = next((k for k in _ROW_KEYS if isinstance(obj.get(k), list)), None)
    if header_key is None or rows_key is None:
        return None
    names = [_column_name(column) for column in obj[header_key]]
    rows = obj[rows_key]
    if not names or not rows or any(name is None for name in names):
        return None
    width = len(names)
    if not all(
        isinstance(row, list) and len(row) == width and not any(map(_is_container, row))
        for row in rows
    ):
        return None
    header: list[Cell] = list(names)
    index = obj.get("index")
    used = {header_key, rows_key}
    if isinstance(index, list) and len(index) == len(rows) and not any(map(_is_container, index)):
        used.add("index")
        table = [["", *header]]
        table += [[scalar(i), *map(scalar, row)] for i, row in zip(index, rows, strict=True)]
        return table, used
    return [header, *([scalar(v) for v in row] for row in rows)], used


def _column_major(obj: dict[Any, Any]) -> list[list[Cell]] | None:
    """Columns keyed by their rows' index (pandas' orient=columns, ``{"name": {"0": ...,
    "1": ...}, "dob": {...}}``): objects of scalars with one set of keys that are data (numbers,
    identifiers) under keys that are not (those are a map of records). One table, the index as
    its first column."""
    columns = list(obj.values())
    if not columns or not all(isinstance(column, dict) for column in columns):
        return None
    index = list(columns[0])
    if len(index) < 2 or any(_DIGIT.search(str(key)) for key in obj):
        return None
    if not all(_DIGIT.search(str(key)) for key in index):
        return None
    keys = set(index)
    for column in columns:
        if len(column) != len(index) or column.keys() != keys:
            return None
        if any(map(_is_container, column.values())):
            return None
    table: list[list[Cell]] = [["", *(str(key) for key in obj)]]
    table += [[scalar(key), *(scalar(column[key]) for column in columns)] for key in index]
    return table


def _is_table(obj: dict[Any, Any]) -> bool:
    return _split_table(obj) is not None or _column_major(obj) is not None or _is_record_map(obj)


# A key path written as code writes keys (``cfi_positive``, ``cf_pos``) has lost the capitals
# of the acronyms in it, which is how they are told from words (CAT, CFI): short words of such
# a path are read in capitals.
_CODE_PATH = re.compile(r"[a-z0-9_.\[\]-]*[a-z][a-z0-9_.\[\]-]*")
_SHORT_WORD = re.compile(r"(?<![a-z0-9])(?:[a-z]{2,3}|[a-z][0-9]{3})(?![a-z0-9])")


def _cased(title: str) -> str:
    context, sep, path = title.rpartition(": ")
    if not _CODE_PATH.fullmatch(path):
        return title
    return context + sep + _SHORT_WORD.sub(lambda m: m.group().upper(), path)


# Streaming, for files too large to parse whole.


class _Tokens:
    """Just enough of a JSON tokenizer to walk the outer arrays and objects of a large file;
    every array or object that fits in ``element_bytes`` is parsed by the C decoder."""

    def __init__(
        self,
        stream: BinaryIO,
        encoding: str,
        limits: Limits,
        element_bytes: int,
        scalar_bytes: int,
        chunk: int,
    ):
        self._element_bytes = element_bytes
        self._scalar_bytes = scalar_bytes
        self._chunk = chunk
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")
        self._json = json.JSONDecoder(object_pairs_hook=pairs)
        self._limits = limits
        self.buffer = ""
        self.pos = 0
        self.eof = False

    def _fill(self, wanted: int = 0) -> bool:
        if self.eof:
            return False
        data = self._stream.read(max(wanted, self._chunk))
        if self.pos > len(self.buffer) // 2:
            self.buffer, self.pos = self.buffer[self.pos :], 0
        self.buffer += self._decoder.decode(data, final=not data)
        self.eof = not data
        return True

    def peek(self) -> str:
        """The next character that is not white space, or "" at the end."""
        while True:
            match = _WS.match(self.buffer, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buffer):
                if self.buffer[self.pos] == "\ufeff":  # a byte order mark
                    self.pos += 1
                    continue
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise Unscannable("corrupt: invalid JSON")
        self.pos += 1

    def value(self) -> tuple[bool, object]:
        """(True, the next value); or (False, None) for an array or object too large to parse
        whole, to be walked token by token."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.buffer, self.pos)
            except RecursionError as exc:
                raise too_deep(self._limits) from exc
            except ValueError:
                pending = len(self.buffer) - self.pos
                if pending >= self._element_bytes and self.buffer[self.pos] in "[{":
                    return False, None
                if pending >= self._scalar_bytes:
                    raise Unscannable("too large: one JSON value is over the size limit") from None
                if not self._fill(pending):
                    raise Unscannable("corrupt: invalid JSON") from None
                continue
            # A number at the end of the buffer may go on in the next chunk.
            if end == len(self.buffer) and self._fill():
                continue
            self.pos = end
            return True, value

    def expect_end(self) -> None:
        if self.peek():
            raise Unscannable("corrupt: invalid JSON (data after the end)")


def _stream_value(
    tokens: _Tokens,
    flatten: Flattener,
    path: str,
    depth: int,
    in_array: bool,
    keys: set[str] | None = None,
) -> Iterator[Item]:
    """``keys``: filled with the keys of the value when it is an object (the top level's)."""
    if depth > flatten.limits.max_nesting:
        raise too_deep(flatten.limits)
    if depth == 0 and not tokens.peek():
        return  # only white space
    whole, value = tokens.value()
    if whole and keys is not None and isinstance(value, dict):
        keys.update(value)
    if whole:
        yield from (flatten.element if in_array else flatten.value)(value, path, depth)
    elif tokens.peek() == "[":
        tokens.take("[")
        elements = (
            item
            for _ in _members(tokens, "]")
            for item in _stream_value(tokens, flatten, path, depth + 1, True)
        )
        yield from contiguous(elements, path)
    else:
        # An object too large to parse whole: its scalars make one record, and each large
        # member is walked on its own under its key path.
        tokens.take("{")
        record: dict[str, Cell] = {}
        names = _Names()  # every key of the object, scalar or not
        # The record's title values, kept as they come (``_context`` of the whole record at
        # each key would cost the object's size per key: n² on an object of many scalars).
        titles: dict[str, Cell] = {}
        for _ in _members(tokens, "}"):
            ok, key = tokens.value()
            if not ok or not isinstance(key, str):
                raise Unscannable("corrupt: invalid JSON")
            tokens.take(":")
            whole, member = tokens.value()
            key = names.free(key)
            if keys is not None:
                keys.add(key)
            title = _join(path, key)
            context = _context(titles)
            title = f"{context}: {title}" if context else title
            if not whole:
                yield from _stream_value(tokens, flatten, title, depth + 1, False)
            elif (data_key := _data_key(key)) is not None:
                yield from flatten.entry(data_key, member, _titled(context, path), depth + 1)
            elif isinstance(member, dict | list):
                yield from flatten.value(member, title, depth + 1)
            else:
                record[key] = scalar(member)
                if key.lower() in _TITLE_KEYS:
                    titles[key] = record[key]
        if record:
            yield path, record


class _Names:
    """The names of one object's members, as ``pairs`` and ``_stream_value`` give them: a key,
    or when the object has that name already, its first free ``key (2)``, ``key (3)``...

    Each key keeps the number to try next, so its n-th copy costs one step, not n (a file of
    thousands of copies of one key would otherwise take n²/2). Names are only ever added, so
    every number below that one is taken: the first free name is the same as counting from 2.
    A number is passed over once per real key spelled ``key (n)``, so the whole object costs
    steps in proportion to its keys."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._next: dict[str, int] = {}

    def free(self, key: str) -> str:
        name = key
        if name in self._seen:
            number = self._next.get(key, 2)
            name = f"{key} ({number})"
            while name in self._seen:
                number += 1
                name = f"{key} ({number})"
            self._next[key] = number + 1
        self._seen.add(name)
        return name


def _members(tokens: _Tokens, close: str) -> Iterator[None]:
    """Yields once per member of an array or object, positioned at the member."""
    if tokens.peek() == close:
        tokens.pos += 1
        return
    while True:
        yield
        char = tokens.peek()
        if char == close:
            tokens.pos += 1
            return
        tokens.take(",")


READER = JsonReader()
