"""The shape of an entry file, checked fast enough for a full replay: canonical form and schema.

Replay reads every entry without any cache, and two checks dominate if done the obvious way
(measured on a 1.5 KB request entry): jsonschema validation of the statement schema ~800-1400 us
(its ``if/then`` branches and ``unevaluatedProperties``) and ``rfc8785.dumps`` ~75-140 us. The
whole audit budget is ~200 us per statement, most of it the signature.

- **Canonical form.** For the documents a ledger holds, RFC 8785 and ``json.dumps`` with sorted
  keys, compact separators and ``ensure_ascii=False`` write the same bytes, except for floats,
  integers beyond 2**53, ``NaN``/``Infinity``, and key order among characters from U+E000 up
  (RFC 8785 sorts UTF-16 code units, Python code points). ``canonical`` takes the C encoder when
  the parse saw none of those (hooks on ``json.loads``, a byte scan), else ``rfc8785`` itself.
- **Schema.** ``compile_schema`` turns the subset of JSON Schema 2020-12 that our schemas use
  into generated Python functions (as fastjsonschema does) answering only "valid or not", with
  annotation tracking for ``unevaluatedProperties``: ~15 us a statement. It is conservative:
  whatever it is unsure of (a keyword it does not implement, a float where an integer is asked)
  it calls invalid, and the caller then asks jsonschema, which is the authority and writes the
  message. So a fast "valid" is always jsonschema's "valid" too (tests/audit/test_shape.py
  compares the two on thousands of mutated statements).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from approval.errors import IntegrityError

_SAFE_INT = 2**53 - 1
# UTF-8 lead bytes of U+E000..U+10FFFF: where code point and UTF-16 order can disagree.
_ORDER_SENSITIVE = re.compile(rb"[\xee-\xf4]")
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


class _Decoder:
    """``json.loads`` that notes what ``json.dumps`` would write differently from RFC 8785.

    One decoder, made once: ``json.loads`` with hooks builds a new one per call (~15 us). Not
    thread-safe (the flag is shared); replay is one thread.
    """

    def __init__(self) -> None:
        self.unusual = False
        self.decode = json.JSONDecoder(
            parse_float=self._float, parse_int=self._int, parse_constant=self._constant
        ).decode

    def _float(self, text: str) -> float:
        self.unusual = True
        return float(text)

    def _int(self, text: str) -> int:
        value = int(text)
        if not -_SAFE_INT <= value <= _SAFE_INT:
            self.unusual = True
        return value

    def _constant(self, text: str) -> float:
        self.unusual = True
        return float(text)


_decoder = _Decoder()


@dataclass(frozen=True)
class Parsed:
    """An entry file parsed: the document, and whether the C encoder writes it canonically."""

    doc: Any
    plain: bool  # json.dumps(doc) == rfc8785.dumps(doc) is guaranteed

    def canonical(self, value: Any) -> bytes:
        """The RFC 8785 bytes of ``value`` (the document or a part of it); ``IntegrityError``
        when it has none (an integer beyond 2**53, a lone surrogate)."""
        if self.plain:
            try:
                return _dumps(value).encode("utf-8")
            except UnicodeEncodeError as e:
                raise IntegrityError("holds text that is not UTF-8") from e
        import rfc8785

        try:
            data: bytes = rfc8785.dumps(value)
        except rfc8785.CanonicalizationError as e:
            raise IntegrityError(f"has no canonical form ({e})") from e
        return data


def parse(raw: bytes) -> Parsed:
    """Parse an entry file; ``IntegrityError`` when it is not JSON (or not UTF-8)."""
    _decoder.unusual = False
    try:
        doc = _decoder.decode(raw.decode("utf-8"))
    except ValueError as e:  # UnicodeDecodeError too
        raise IntegrityError(f"not JSON ({e})") from e
    plain = not _decoder.unusual and (raw.isascii() or not _ORDER_SENSITIVE.search(raw))
    return Parsed(doc, plain)


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value built in memory (no parse to learn from: check it)."""
    text = _dumps(value)
    if text.isascii() and not _has_unusual_numbers(value):
        return text.encode("ascii")
    import rfc8785

    data: bytes = rfc8785.dumps(value)
    return data


def _has_unusual_numbers(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_unusual_numbers(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unusual_numbers(v) for v in value)
    if isinstance(value, float):
        return True
    return isinstance(value, int) and not -_SAFE_INT <= value <= _SAFE_INT


# -- a conservative schema checker --------------------------------------------------------------

# Evaluated property names of the instance when valid, None when invalid (or unsure).
Check = Callable[[Any], "frozenset[str] | None"]
_NOTHING: frozenset[str] = frozenset()
# Keywords that assert nothing about an instance.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)
_LEAF = frozenset(
    {"type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "minItems", "items"}
)
_OBJECT = frozenset(
    {"required", "properties", "additionalProperties", "$ref", "allOf", "oneOf", "if", "then",
     "else", "unevaluatedProperties"}
)  # fmt: skip
# Narrower than JSON Schema where it costs nothing in our documents (an "integer" 1.0, a dict
# subclass): unsure means invalid here, and jsonschema has the last word.
_TYPES = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    "integer": "{v}.__class__ is int",
    "number": "{v}.__class__ in (int, float)",
    "boolean": "{v}.__class__ is bool",
    "null": "{v} is None",
}
_SCALARS = (str, int, bool, type(None))


class Unsupported(ValueError):
    """The schema uses something this checker does not implement: use jsonschema alone."""


class _Compiler:
    """Writes one Python function per schema that is not a leaf, leaf checks inline.

    Generated code, as fastjsonschema does: the checker costs ~15 us a statement where nested
    closures cost ~130 us (one call per keyword per node). Only names from ``constants`` and the
    functions written here appear in the code; every schema value is passed as a constant.
    """

    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.constants: dict[str, Any] = {
            "NOTHING": _NOTHING,
            "MISSING": object(),
            "SCALARS": frozenset(_SCALARS),
        }
        self.code: list[str] = []
        self.functions: dict[tuple[str, int], str] = {}  # (shape, id(schema)) -> name
        self.defs: dict[str, dict[str, Any]] = root.get("$defs", {})

    def constant(self, value: Any) -> str:
        name = f"c{len(self.constants)}"
        self.constants[name] = value
        return name

    def target(self, ref: str) -> Any:
        prefix = "#/$defs/"
        if not ref.startswith(prefix) or ref[len(prefix) :] not in self.defs:
            raise Unsupported(f"$ref {ref}")
        return self.defs[ref[len(prefix) :]]

    def is_leaf(self, schema: Any) -> bool:
        if schema is True:
            return True
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        keys = set(schema) - _ANNOTATIONS
        if keys - _LEAF - _OBJECT:
            raise Unsupported(", ".join(sorted(keys - _LEAF - _OBJECT)))
        return not keys & _OBJECT

    def unref(self, schema: Any) -> Any:
        """The schema a bare ``{"$ref": ...}`` stands for (itself otherwise)."""
        while isinstance(schema, dict) and set(schema) - _ANNOTATIONS == {"$ref"}:
            schema = self.target(schema["$ref"])
        return schema

    def test(self, schema: Any, v: str) -> str:
        """A boolean expression: ``v`` is valid against ``schema``."""
        schema = self.unref(schema)
        if isinstance(schema, dict) and set(schema) - _ANNOTATIONS == {"oneOf"}:
            branches = [self.unref(sub) for sub in schema["oneOf"]]
            if all(self.is_leaf(sub) for sub in branches):
                return "(" + " + ".join(f"({self.leaf(sub, v)})" for sub in branches) + ") == 1"
        if not self.is_leaf(schema):
            return f"{self.function(schema)}({v}) is not None"
        return self.leaf(schema, v)

    def leaf(self, schema: Any, v: str) -> str:
        if schema is True:
            return "True"
        parts = []
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            parts.append("(" + " or ".join(_TYPES[n].format(v=v) for n in names) + ")")
        for word in ("const", "enum"):
            if word in schema:
                options = [schema[word]] if word == "const" else schema[word]
                if not all(isinstance(o, _SCALARS) for o in options):
                    raise Unsupported(f"non-scalar {word}")
                # Same type and value: True is not 1 here, as in jsonschema.
                pairs = self.constant(frozenset((type(o), o) for o in options))
                parts.append(f"({v}.__class__ in SCALARS and ({v}.__class__, {v}) in {pairs})")
        if "pattern" in schema:
            search = self.constant(re.compile(schema["pattern"]).search)  # as jsonschema does
            parts.append(f"(not isinstance({v}, str) or {search}({v}) is not None)")
        if "minLength" in schema:
            parts.append(f"(not isinstance({v}, str) or len({v}) >= {int(schema['minLength'])})")
        if "maxLength" in schema:
            parts.append(f"(not isinstance({v}, str) or len({v}) <= {int(schema['maxLength'])})")
        if "minimum" in schema:
            least = self.constant(schema["minimum"])
            parts.append(f"({v}.__class__ not in (int, float) or {v} >= {least})")
        if "minItems" in schema:
            parts.append(f"(not isinstance({v}, list) or len({v}) >= {int(schema['minItems'])})")
        if "items" in schema:
            item = self.test(schema["items"], "x")
            parts.append(f"(not isinstance({v}, list) or all({item} for x in {v}))")
        return " and ".join(parts) or "True"

    def function(self, schema: dict[str, Any]) -> str:
        key = ("node", id(schema))
        if key in self.functions:
            return self.functions[key]
        name = f"f{len(self.functions)}"
        self.functions[key] = name
        body = [f"def {name}(v):"]
        leaf = {k: schema[k] for k in _LEAF if k in schema}
        if leaf:
            body.append(f"    if not ({self.leaf(leaf, 'v')}): return None")
        body.append("    seen = NOTHING")
        body.append("    if isinstance(v, dict):")
        if "required" in schema:
            needed = self.constant(frozenset(schema["required"]))
            body.append(f"        if not {needed} <= v.keys(): return None")
        properties = schema.get("properties", {})
        for key, sub in properties.items():
            body.append(f"        x = v.get({self.constant(key)}, MISSING)")
            body.append(f"        if x is not MISSING and not ({self.test(sub, 'x')}): return None")
        known = self.constant(frozenset(properties))
        if properties:
            body.append(f"        seen = {known} & v.keys()")
        additional = schema.get("additionalProperties", True)
        if additional is False:
            body.append(f"        if not v.keys() <= {known}: return None")
        elif additional is not True:
            extra = self.test(additional, "v[k]")
            body.append(f"        extra = v.keys() - {known}")
            body.append(f"        if not all({extra} for k in extra): return None")
            body.append("        seen = seen | extra")
        body.append("        pass")
        subs = ([self.target(schema["$ref"])] if "$ref" in schema else []) + schema.get("allOf", [])
        for sub in subs:
            body.append(f"    s = {self.function_of(sub)}(v)")
            body.append("    if s is None: return None")
            body.append("    seen = seen | s")
        if "oneOf" in schema:
            calls = ", ".join(f"{self.function_of(sub)}(v)" for sub in schema["oneOf"])
            body.append(f"    passed = [s for s in ({calls},) if s is not None]")
            body.append("    if len(passed) != 1: return None")
            body.append("    seen = seen | passed[0]")
        if "if" in schema:
            condition = self.function_of(schema["if"])
            then = self.function_of(schema.get("then", True))
            otherwise = self.function_of(schema.get("else", True))
            body += [
                f"    s = {condition}(v)",
                f"    t = {then}(v) if s is not None else {otherwise}(v)",
                "    if t is None: return None",
                "    seen = seen | t | (s or NOTHING)",
            ]
        unevaluated = schema.get("unevaluatedProperties", True)
        if unevaluated is False:
            body.append("    if isinstance(v, dict) and not v.keys() <= seen: return None")
        elif unevaluated is not True:
            raise Unsupported("unevaluatedProperties with a schema")
        body.append("    return seen")
        self.code.append("\n".join(body))
        return name

    def function_of(self, schema: Any) -> str:
        """A function for any schema, leaves included (for applicators, which need one)."""
        schema = self.unref(schema)
        if schema is True:
            return "(lambda v: NOTHING)"
        if self.is_leaf(schema):
            key = ("leaf", id(schema))
            if key not in self.functions:
                name = f"f{len(self.functions)}"
                self.functions[key] = name
                test = self.leaf(schema, "v")
                self.code.append(f"def {name}(v):\n    return NOTHING if ({test}) else None")
            return self.functions[key]
        return self.function(schema)


def compile_schema(root: dict[str, Any]) -> Check:
    """A checker for ``root``; ``Unsupported`` when it uses anything beyond the subset."""
    compiler = _Compiler(root)
    try:
        name = compiler.function_of(root)
    except (KeyError, TypeError, ValueError, re.error) as e:  # an unknown type, a bad pattern
        raise Unsupported(str(e)) from e
    namespace = dict(compiler.constants)
    exec("\n\n".join(compiler.code), namespace)  # noqa: S102 - our own code, built above
    check: Check = namespace[name]
    return check


@cache
def statement_check() -> Check | None:
    """The compiled checker of the statement schema (None if it uses something unsupported)."""
    from approval.schemas import load_schema

    try:
        return compile_schema(load_schema("statement"))
    except Unsupported:
        return None


def check_entry(doc: Any) -> None:
    """``IntegrityError`` unless ``doc`` is a valid ledger entry (fast path, then jsonschema)."""
    fast = statement_check()
    if fast is not None and fast(doc) is not None:
        return
    from approval.statements import validate_envelope

    validate_envelope(doc)  # the authority: raises with the message, or finds it valid
