"""JSON and NDJSON: nested values flattened into ``Records`` (and ``Table`` for arrays of rows).

How a document becomes units, the same for JSON, NDJSON lines and YAML documents:

- an object is a record: nested objects are flattened into dotted key paths
  (``applicant.name``), arrays of scalars into indexed keys (``aliases[0]``);
- an array of objects, wherever it is, yields one record per object, titled by the dotted key
  path that holds it and by the title-like fields of the object around it (``title``,
  ``description``, ``status``, ...): the context that governs the records, as a sheet title
  governs a sheet;
- an object whose keys are all identifiers (they hold a digit) and whose values are all objects is
  a map of records (``{"A212345678": {...}}``): one record per entry, the key kept as ``@key``;
- an array of arrays of scalars is a table, one row per inner array; an array of scalars
  outside any record is a one-column table;
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

from approval.detect.units import (
    PARSED,
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

    def value(self, value: object, path: str, depth: int) -> Iterator[Item]:
        """Items for a value that is not inside a record."""
        self._visit(depth)
        if isinstance(value, dict):
            if _is_record_map(value):
                for key, entry in value.items():
                    yield from self._record(entry, path, depth + 1, {"@key": scalar(key)})
            else:
                yield from self._record(value, path, depth, {})
        elif isinstance(value, list | tuple):
            for element in value:
                yield from self.element(element, path, depth + 1)
        else:
            yield path, {_leaf(path): scalar(value)}

    def element(self, element: object, path: str, depth: int) -> Iterator[Item]:
        """Items for one element of an array that is not inside a record."""
        if isinstance(element, list | tuple) and not any(map(_is_container, element)):
            self._visit(depth)
            yield path, [scalar(v) for v in element]
        elif isinstance(element, dict | list | tuple):
            yield from self.value(element, path, depth)
        else:
            self._visit(depth)
            yield path, [scalar(element)]

    def _record(
        self, obj: dict[Any, Any], path: str, depth: int, record: dict[str, Cell]
    ) -> Iterator[Item]:
        later: list[tuple[str, object]] = []  # arrays of objects: records of their own
        self._flatten(obj, "", depth, record, later)
        if record:
            yield path, record
        context = _context(obj)
        for key, found in later:
            title = _join(path, key)
            yield from self.value(found, f"{context}: {title}" if context else title, depth + 1)

    def _flatten(
        self,
        obj: dict[Any, Any],
        prefix: str,
        depth: int,
        record: dict[str, Cell],
        later: list[tuple[str, object]],
    ) -> None:
        self._visit(depth)
        for raw_key, item in obj.items():
            key = _join(prefix, str(raw_key))
            if isinstance(item, dict):
                self._flatten(item, key, depth + 1, record, later)
            elif isinstance(item, list | tuple):
                self._flatten_list(item, key, depth + 1, record, later)
            else:
                self._visit(depth + 1)
                record[key] = scalar(item)

    def _flatten_list(
        self,
        items: list[Any] | tuple[Any, ...],
        key: str,
        depth: int,
        record: dict[str, Cell],
        later: list[tuple[str, object]],
    ) -> None:
        self._visit(depth)
        for index, item in enumerate(items):
            if isinstance(item, dict):
                later.append((key, [item]))
            elif isinstance(item, list | tuple):
                self._flatten_list(item, f"{key}[{index}]", depth + 1, record, later)
            else:
                self._visit(depth + 1)
                record[f"{key}[{index}]"] = scalar(item)

    def _visit(self, depth: int) -> None:
        if depth > self.limits.max_nesting:
            raise too_deep(self.limits)
        if self._left is not None:
            self._left -= 1
            if self._left < 0:
                raise Unscannable("alias bomb: aliases expand the document too far")


def units(items: Iterator[Item], where: Where) -> Iterator[Unit]:
    """Consecutive items of one kind and title as one lazy unit: consume a unit's records or
    rows before asking for the next unit."""
    for (title, is_record), group in itertools.groupby(
        items, key=lambda item: (item[0], isinstance(item[1], dict))
    ):
        if is_record:
            yield Records(where=where, records=_records(group), title=title)
        else:
            yield Table(where=where, rows=_rows(group), title=title)


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
                text = _decode(head)
                del head
                if text.strip():  # an empty file discloses nothing
                    yield from units(flatten.value(_load(text, limits), "", 0), Where())
            else:
                encoding = _encoding(head[:65536])
                del head
                stream.seek(0)
                sizes = (self.element_bytes, self.scalar_bytes, self.chunk_bytes)
                tokens = _Tokens(stream, encoding, limits, *sizes)
                yield from units(_stream_value(tokens, flatten, "", 0, False), Where())
                tokens.expect_end()


def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object with every one of its keys' values (``object_pairs_hook``): a key met again
    is kept as ``key (2)`` (``key (3)``, ...: the first free name)."""
    obj = dict(items)
    if len(obj) == len(items):
        return obj
    names = _Names()
    return {names.free(key): value for key, value in items}


_DECODER = json.JSONDecoder(object_pairs_hook=pairs)


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
    return len(obj) >= 2 and all(
        isinstance(value, dict) and _DIGIT.search(str(key)) for key, value in obj.items()
    )


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
    tokens: _Tokens, flatten: Flattener, path: str, depth: int, in_array: bool
) -> Iterator[Item]:
    if depth > flatten.limits.max_nesting:
        raise too_deep(flatten.limits)
    if depth == 0 and not tokens.peek():
        return  # only white space
    whole, value = tokens.value()
    if whole:
        yield from (flatten.element if in_array else flatten.value)(value, path, depth)
    elif tokens.peek() == "[":
        tokens.take("[")
        for _ in _members(tokens, "]"):
            yield from _stream_value(tokens, flatten, path, depth + 1, True)
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
            title = _join(path, key)
            context = _context(titles)
            title = f"{context}: {title}" if context else title
            if not whole:
                yield from _stream_value(tokens, flatten, title, depth + 1, False)
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
