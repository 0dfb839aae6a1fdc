"""YAML: every document flattened into units as JSON is (see ``approval.detect.readers.json``).

Safe loading only, and three more guards for hostile input:

- the event stream is read first, without building anything, to refuse nesting deeper than
  ``Limits.max_nesting`` before the composer (recursive, in C with libyaml) sees it;
- aliases cost what they expand to: a walk that visits more than ten times as many values as the
  file has events is an alias bomb ("billion laughs") and is refused, without ever building the
  expanded tree (PyYAML shares aliased values, so loading stays small);
- unknown tags (``!python/object``...) are read as the plain mapping, sequence or text they
  carry, never constructed.

Plain scalars resolve by the YAML 1.2 core schema, not PyYAML's YAML 1.1 default: ``NO`` is the
ISO code of Norway, not false, ``0212345678`` keeps its leading zero, and a date stays the text
it was written as.

A document is built whole, so files over ``MAX_BYTES`` are ``Unscannable("too large: ...")``.

The bytes decide, never the name: a source is YAML when its first lines (the whole lines of the
head, or all of it) parse as a YAML stream without error and either open with a directive or a
``---`` document marker, or make a block mapping or sequence (``key: value`` lines, ``- item``
lines). Markdown with front matter does not parse on past its second ``---`` and is left to the
text reader; plain prose is a scalar, not a collection. Comments are not values, and a parser
drops them: this reader reads them as prose of their own (every ``#`` at the start of a line or
after a blank, to the end of the line; a ``#`` inside a quoted string is read too, which costs
nothing). It does not claim to subsume the plain-text reader: a YAML file is also read as text.
Coverage: ``body``, parsed, and ``comments``, read as text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from approval.detect.readers.json import Flattener, Item, too_deep, units
from approval.detect.textio import sniff_encoding
from approval.detect.units import (
    AS_TEXT,
    PARSED,
    Limits,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

MAX_BYTES = 64 * 1024 * 1024
_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:%YAML[ \t]|---[ \t]*\r?\n)")
# Each value visited beyond this many per event is expansion by aliases.
_ALIAS_FACTOR = 10
_ALIAS_ALLOWANCE = 10_000

_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)$",
        list("-+.0123456789"),
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),
)


@cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and our loader class, on first use: the registry loads this module for every scan,
    and most files are not YAML-like text (a workbook never needs PyYAML)."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is built in

    class Loader(base):  # type: ignore[misc]
        """Safe loading, the YAML 1.2 core schema, and unknown tags read as plain data."""

        yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012  # PyYAML's class registry

    for tag, pattern, first in _CORE_SCHEMA:
        Loader.add_implicit_resolver(tag, re.compile(pattern), first)

    def plain(loader: Any, node: yaml.Node) -> object:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        return loader.construct_scalar(node)

    def set_as_list(loader: Any, node: yaml.Node) -> object:
        # A !!set keeps its members as keys; the members are the data.
        return list(loader.construct_mapping(node))

    Loader.add_constructor(None, plain)
    Loader.add_constructor("tag:yaml.org,2002:set", set_as_list)
    return yaml, Loader


class YamlReader:
    """``max_bytes``: larger files are refused, since a document is built whole."""

    name = "yaml"

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes

    def accepts(self, probe: Probe) -> bool:
        encoding = sniff_encoding(probe.head)
        if encoding is None or encoding.startswith("utf-32"):
            return False
        text = probe.head.decode(encoding, "replace")
        if probe.size > len(probe.head):
            # Whole lines only: the head may cut a line, or a character, anywhere.
            text = text[: text.rfind("\n") + 1]
        return _looks_like_yaml(text, marked=_HEAD.match(probe.head) is not None)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream:
            data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise Unscannable(f"too large: YAML over {_size(self.max_bytes)}")
        text = _decode(data)
        del data
        events, aliases = _survey(text, limits)
        budget = events * _ALIAS_FACTOR + _ALIAS_ALLOWANCE if aliases else None
        yield Part("body", "yaml", source.size, PARSED)
        comments = _comments(text)
        if comments:
            yield Part("comments", "comments", sum(map(len, comments)), AS_TEXT)
            yield Text(Where(part="comments"), comments)
        yield from units(_documents(text, Flattener(limits, budget)), Where())


_COMMENT = re.compile(r"(?:^|[ \t])#(.*)$", re.MULTILINE)


def _comments(text: str) -> list[str]:
    """The text of every comment, one per line."""
    return [found.strip() for found in _COMMENT.findall(text) if found.strip()]


def _looks_like_yaml(text: str, marked: bool) -> bool:
    """Whether ``text`` parses as YAML and is marked as YAML or makes a block mapping (or a list
    of them) whose first key is a word (``name:``, ``applicants:``; Markdown's ``Facilities
    under contract:`` followed by a list parses as YAML too, and is prose); a stream of
    several documents must be all collections (Markdown's front matter is followed by prose,
    which YAML reads as a scalar, or by a heading, a comment)."""
    if not text.strip():
        return False
    roots: list[bool] = []  # per document: whether its root is a block collection
    first_key: str | None = None
    previous: object = None
    yaml, loader = _yaml()
    try:
        for number, event in enumerate(yaml.parse(text, Loader=loader)):
            if isinstance(previous, yaml.DocumentStartEvent):
                block = isinstance(event, yaml.CollectionStartEvent) and not event.flow_style
                roots.append(block)
            elif (
                len(roots) == 1
                and first_key is None
                and isinstance(previous, yaml.MappingStartEvent)
                and not previous.flow_style
                and isinstance(event, yaml.ScalarEvent)
                and number <= 4  # the root's first key, or its first item's (a list of records)
            ):
                first_key = event.value
            previous = event
            if number > 10_000:
                break  # enough seen: the rest of the stream is the reader's to parse
    except yaml.YAMLError:
        return False
    except RecursionError:
        return True  # deep nesting: a YAML stream, and a hostile one
    if len(roots) > 1:
        return all(roots)
    if marked:
        return True
    return bool(roots and roots[0]) and first_key is not None and first_key.split() == [first_key]


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.removeprefix(codecs.BOM_UTF8).decode("cp1252", "replace")


def _survey(text: str, limits: Limits) -> tuple[int, int]:
    """(events, aliases) of the whole stream, refusing deep nesting before anything is built."""
    depth = events = aliases = 0
    yaml, loader = _yaml()
    try:
        for event in yaml.parse(text, Loader=loader):
            events += 1
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_nesting:
                    raise too_deep(limits)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
    except yaml.YAMLError as exc:
        # PyYAML 6.0.3 and later refuse deep flow nesting in the scanner itself, before any
        # event: the same hostile input, so the same reason as our own bound gives.
        if "nesting depth" in str(getattr(exc, "problem", "") or ""):
            raise too_deep(limits) from exc
        raise _corrupt(exc) from exc
    return events, aliases


def _documents(text: str, flatten: Flattener) -> Iterator[Item]:
    yaml, loader = _yaml()
    try:
        for document in yaml.load_all(text, Loader=loader):  # a safe loader
            if document is not None:
                yield from flatten.value(document, "", 0)
    except yaml.YAMLError as exc:
        raise _corrupt(exc) from exc
    except RecursionError as exc:  # the survey bounds nesting; this is a second line
        raise too_deep(flatten.limits) from exc


def _corrupt(exc: Exception) -> Unscannable:
    """The line of the problem, never the problem's text: PyYAML quotes the document."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return Unscannable(f"corrupt: invalid YAML{where}")


def _size(count: int) -> str:
    return f"{count / 1024**2:g} MiB" if count >= 1024**2 else f"{count} bytes"


READER = YamlReader()
