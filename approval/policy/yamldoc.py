"""Safe YAML loading that remembers where every value came from.

``yaml.safe_load`` alone forgets positions and silently keeps the last of two duplicate keys;
a policy is a legal instrument, so a duplicate key (two different answers to one question) is
an error, and every error points at ``file:line:col``. Timestamps stay strings: the schemas
check their format, and a date is never silently turned into a datetime in a signed document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, at a place in a file."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass(frozen=True)
class Document:
    """A parsed YAML document and the 1-based (line, col) of each path in it."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: Path, message: str) -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, format_path(path), message)


class YamlError(Exception):
    """The text is not a safe, unambiguous YAML document."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def format_path(path: Path) -> str:
    """``("rules", 0, "require", 1, "role")`` -> ``rules[0].require[1].role``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# A policy nests about six levels and a roster of thousands of officials has some tens of
# thousands of values. Beyond these limits a file is not one, and is refused before PyYAML's
# recursive composer runs out of stack or a million-item list takes minutes to check.
MAX_DEPTH = 50
MAX_NODES = 50_000


@cache
def _loader_class() -> type[yaml.SafeLoader]:
    """The loader, made on first use: pyyaml is imported only when YAML is read (a policy
    check, init, adopt), not by every command that reads the policy from the ledger."""
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader that keeps timestamps as the strings they were written as, and refuses
        documents nested too deeply or holding too many values, at the place where they go
        over."""

        def __init__(self, stream: str, file: str):
            super().__init__(stream)
            self.file = file
            self.depth = 0
            self.nodes = 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            self.nodes += 1
            if self.nodes > MAX_NODES or self.depth >= MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                what = (
                    f"nested too deeply (more than {MAX_DEPTH} levels of lists and mappings)"
                    if self.depth >= MAX_DEPTH
                    else f"too many values (more than {MAX_NODES}) for a policy or roster"
                )
                raise YamlError(Problem(self.file, mark.line + 1, mark.column + 1, "", what))
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    def timestamp_as_string(loader: yaml.SafeLoader, node: yaml.Node) -> str:
        return str(loader.construct_scalar(node))  # type: ignore[arg-type]

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_as_string)
    return Loader


@cache
def _fast_loader_class() -> type[yaml.SafeLoader] | None:
    """The same loader over libyaml's parser (C events, ~10x faster on the default policy,
    which every scan reads), or None without libyaml. Only the scanning and parsing are C:
    composition is PyYAML's own Python composer (with our limits), so the node graph, the
    checks on it and the construction are the same code as the pure loader's."""
    import yaml
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    c_parser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
    if c_parser is None:
        return None
    pure = _loader_class()

    class FastLoader(c_parser, pure):  # type: ignore[misc,valid-type]
        def __init__(self, stream: str, file: str):
            c_parser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.anchors: dict[Any, yaml.Node] = {}
            self.file = file
            self.depth = 0
            self.nodes = 0

        # CParser composes in C (no limits); these put the Python composer back in charge.
        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document
        compose_node = pure.compose_node

    return FastLoader


def _walk(
    node: yaml.Node, path: Path, file: str, out: dict[Path, tuple[int, int]], seen_nodes: set[int]
) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        # An alias makes one node appear twice; refusing them keeps documents plain and stops
        # "billion laughs" expansion before anything is constructed.
        if id(node) in seen_nodes:
            raise YamlError(
                Problem(
                    file,
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    format_path(path),
                    "YAML anchors and aliases are not allowed",
                )
            )
        seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                first = seen[key].start_mark
                raise YamlError(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        format_path(path),
                        f"duplicate key {key!r} (first at line {first.line + 1})",
                    )
                )
            seen[key] = key_node
            child = (*path, str(key))
            # Point at the key: that is what a person looks for when told a value is wrong.
            out[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, child, file, out, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _walk(item, child, file, out, seen_nodes)


# Texts the fast loader takes. libyaml and PyYAML disagree at a few corners (measured by
# tests/policy/test_yaml_fast.py): ``?`` in flow collections, a comment glued to a block
# scalar's indicator, empty tags. So only plain text goes to libyaml: line feeds and
# characters that both take as printable and one column wide (no tab, CR, NEL, LS, PS, BOM,
# nothing beyond the BMP: lines and columns are counted alike, and every position, and every
# message built on one, is the same), without the indicators of the YAML a policy does not use
# (complex keys, tags, anchors and aliases, directives, flow mappings, literal blocks,
# escapes) and with ``>`` only as a folded block's header (``>-``) or inside
# text. Anything else is read by the pure loader, as before.
_NOT_PLAIN = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]"
    r"|[?!&*%{}|\\]"
    "|>(?![-+]?[1-9]?[-+]?(?:\n| |$))"
)


def fast_path(text: str) -> bool:
    """Whether ``load_yaml`` may parse ``text`` with libyaml."""
    return _NOT_PLAIN.search(text) is None


def load_yaml(text: str, file: str) -> Document:
    """Parse one YAML document safely; raise ``YamlError`` with a position on any problem."""
    fast = _fast_loader_class()
    if fast is not None and fast_path(text):
        try:
            return _load(fast, text, file)
        except Exception:  # noqa: S110 - any doubt: the pure loader decides, and words the error
            pass
    return _load(_loader_class(), text, file)


def _load(loader_class: type[yaml.SafeLoader], text: str, file: str) -> Document:
    import yaml

    loader = loader_class(text, file)  # type: ignore[call-arg]
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlError(Problem(file, 1, 1, "", "the document is empty"))
        positions: dict[Path, tuple[int, int]] = {(): (1, 1)}
        _walk(node, (), file, positions, set())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = e.problem or e.context or "not valid YAML"
        if "could not determine a constructor" in what:
            what = f"unsafe or unknown YAML tag refused ({what.split('tag', 1)[-1].strip()})"
        raise YamlError(Problem(file, line, col, "", what)) from e
    except yaml.YAMLError as e:
        raise YamlError(Problem(file, 1, 1, "", f"not valid YAML: {e}")) from e
    finally:
        loader.dispose()
    return Document(file, data, positions)
