"""The shape of an entry file, checked fast enough for a full replay: canonical form and schema.

Replay reads every entry without any cache, and two checks dominate if done the obvious way
(measured on a 1.5 KB request entry): jsonschema validation of the statement schema ~800-1400 us
(its ``if/then`` branches and ``unevaluatedProperties``) and ``rfc8785.dumps`` ~75-140 us. The
whole audit budget is under 150 us per statement, half of it the ed25519 signature.

- **Canonical form.** For the documents a ledger holds, RFC 8785 and ``json.dumps`` with sorted
  keys, compact separators and ``ensure_ascii=False`` write the same bytes, except for floats,
  integers beyond 2**53, ``NaN``/``Infinity``, and key order among characters from U+E000 up
  (RFC 8785 sorts UTF-16 code units, Python code points). ``canonical`` takes the C encoder when
  the parse saw none of those (hooks on ``json.loads``, a byte scan), else ``rfc8785`` itself.
- **Schema.** ``compile_schema`` turns the subset of JSON Schema 2020-12 that our schemas use
  into generated Python functions (as fastjsonschema does) answering only "valid or not", with
  annotation tracking for ``unevaluatedProperties`` where it is needed, and one dictionary
  lookup for the branch of each statement kind: ~5-9 us a statement. It is conservative:
  whatever it is unsure of (a keyword it does not implement, a float where an integer is asked,
  the final newline that a pattern's ``$`` lets through) it calls invalid, and the caller then
  asks jsonschema, which is the authority and writes the message. So a fast "valid" is always
  jsonschema's "valid" too (tests/audit/test_shape.py compares the two on thousands of mutated
  and generated statements).
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
# Each byte to "0" for an ASCII digit, "." for any other: an integer beyond 2**53 is a run of
# 16 digits or more, which is what sends a parse to the decoder that looks at every integer.
_DIGITS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x2E for byte in range(256))
_SIXTEEN_DIGITS = b"0" * 16
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_dumps = _ENCODER.encode


def _tree_dumps() -> Callable[[Any], str]:
    """``_dumps`` for a value parsed from JSON, at half the cost: the C encoder made once and
    called directly, without the marker dict that guards against cycles (a parsed value has
    none), which ``JSONEncoder.encode`` builds and fills on every call."""
    from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

    if c_make_encoder is None:  # a Python without the _json accelerator
        return _dumps
    encoder = c_make_encoder(
        None, _ENCODER.default, encode_basestring, None, ":", ",", True, False, True
    )
    return lambda value: "".join(encoder(value, 0))


_parsed_dumps = _tree_dumps()


class _Decoder:
    """``json.loads`` that notes what ``json.dumps`` would write differently from RFC 8785.

    One decoder, made once: ``json.loads`` with hooks builds a new one per call (~15 us). Not
    thread-safe (the flag is shared); replay is one thread.
    """

    def __init__(self) -> None:
        self.unusual = False
        # Integers by the C scanner itself: a Python call for each costs a third of a parse.
        # Only a file with a run of 16 digits somewhere may hold one beyond 2**53, and those
        # are parsed by ``careful``, which looks at each.
        self.decode = json.JSONDecoder(
            parse_float=self._float, parse_constant=self._constant
        ).decode
        self.careful = json.JSONDecoder(
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


@dataclass(frozen=True, slots=True)
class Parsed:
    """An entry file parsed: the document, and whether the C encoder writes it canonically."""

    doc: Any
    plain: bool  # json.dumps(doc) == rfc8785.dumps(doc) is guaranteed

    def canonical(self, value: Any) -> bytes:
        """The RFC 8785 bytes of ``value`` (the document or a part of it); ``IntegrityError``
        when it has none (an integer beyond 2**53, a lone surrogate)."""
        if self.plain:
            try:
                return _parsed_dumps(value).encode("utf-8")
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
    decode = _decoder.careful if _SIXTEEN_DIGITS in raw.translate(_DIGITS) else _decoder.decode
    try:
        doc = decode(raw.decode("utf-8"))
    except ValueError as e:  # UnicodeDecodeError too
        raise IntegrityError(f"not JSON ({e})") from e
    except RecursionError:  # nested past the interpreter's stack: no entry is
        raise IntegrityError("not JSON (nested too deeply)") from None
    plain = not _decoder.unusual and (raw.isascii() or not _ORDER_SENSITIVE.search(raw))
    return Parsed(doc, plain)


_ENVELOPE_KEYS = frozenset({"signatures", "statement"})
SIGNATURES_AT = len(b'{"signatures":')  # where an entry file's signatures array starts
STATEMENT_AFTER = len(b',"statement":')  # from its end to where the statement starts


def envelope_bytes(raw: bytes, parsed: Parsed) -> tuple[bytes, bytes] | None:
    """(signed bytes, signatures array) of the entry file ``raw`` (parsed as ``parsed``, a
    valid entry), each in canonical form, or None when ``raw`` is not exactly their canonical
    envelope and one newline; ``IntegrityError`` when it has no canonical form."""
    doc = parsed.doc
    signed = parsed.canonical(doc["statement"])
    signatures = parsed.canonical(doc["signatures"])
    canonical = b'{"signatures":%s,"statement":%s}\n' % (signatures, signed)
    if doc.keys() != _ENVELOPE_KEYS or raw != canonical:
        return None
    return signed, signatures


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
    {"type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
     "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "items"}
)  # fmt: skip
_OBJECT = frozenset(
    {"required", "properties", "additionalProperties", "$ref", "allOf", "oneOf", "if", "then",
     "else", "unevaluatedProperties"}
)  # fmt: skip
# Narrower than JSON Schema where it costs nothing in our documents (an "integer" 1.0, a dict
# or str subclass): unsure means invalid here, and jsonschema has the last word. Exact classes
# are also the cheapest test (no isinstance call).
_TYPES = {
    "object": "{v}.__class__ is dict",
    "array": "{v}.__class__ is list",
    "string": "{v}.__class__ is str",
    "integer": "{v}.__class__ is int",
    "number": "{v}.__class__ in (int, float)",
    "boolean": "{v}.__class__ is bool",
    "null": "{v} is None",
}
# What a keyword applies to, for a value whose type the schema did not pin: the keyword holds
# for anything else, as in JSON Schema.
_GUARDS = {
    "string": "not isinstance({v}, str) or ",
    "array": "not isinstance({v}, list) or ",
    "number": "{v}.__class__ not in (int, float) or ",
}
_SCALARS = (str, int, bool, type(None))


class Unsupported(ValueError):
    """The schema uses something this checker does not implement: use jsonschema alone."""


def _searcher(pattern: str) -> Callable[[str], object]:
    """``re.search(pattern, text)`` as jsonschema asks it, or narrower: ``^X$`` becomes a
    fullmatch of ``X``, a third cheaper, and it refuses only what ``$`` lets through before a
    final newline (unsure: jsonschema decides)."""
    body = pattern[1:-1]
    if (
        pattern.startswith("^")
        and pattern.endswith("$")
        and not any(sign in body for sign in ("^", "$", "\\", "(?"))
    ):
        return re.compile(f"(?:{body})").fullmatch
    return re.compile(pattern).search


def _pinned(schema: Any) -> str | None:
    """The one type ``schema`` asserts (checked exactly, so later keywords need no guard)."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):
        kind = kind[0] if len(kind) == 1 else None
    return kind if isinstance(kind, str) else None


class _Compiler:
    """Writes one Python function per schema that is not a leaf, leaf checks inline.

    Generated code, as fastjsonschema does: the checker costs a few microseconds a statement
    where nested closures cost ~130 us (one call per keyword per node). Only names from
    ``constants`` and the functions written here appear in the code; every schema value is
    passed as a constant.

    A function returns the property names it evaluated (for ``unevaluatedProperties``) only
    when ``annotate``: a subschema applied to a property's value is about another instance,
    and whoever calls it needs only valid or not.
    """

    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.constants: dict[str, Any] = {
            "NOTHING": _NOTHING,
            "SCALARS": frozenset(_SCALARS),
        }
        self.code: list[str] = []
        self.functions: dict[tuple[str, int, bool], str] = {}  # (shape, id, annotate) -> name
        self.defs: dict[str, dict[str, Any]] = root.get("$defs", {})
        self.tables: list[dict[str, Any]] = []  # dispatch tables: value -> function name
        self.named = 0

    def fresh(self) -> str:
        """A new function name (never reused: a branch given up on keeps its names)."""
        self.named += 1
        return f"f{self.named}"

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
            return f"{self.function(schema, annotate=False)}({v}) is not None"
        return self.leaf(schema, v)

    def leaf(self, schema: Any, v: str) -> str:
        if schema is True:
            return "True"
        parts = []
        pinned = _pinned(schema)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            parts.append("(" + " or ".join(_TYPES[n].format(v=v) for n in names) + ")")

        def guard(kind: str) -> str:
            return "" if pinned == kind or (kind == "number" and pinned == "integer") else (
                _GUARDS[kind].format(v=v)
            )  # fmt: skip

        for word in ("const", "enum"):
            if word in schema:
                options = [schema[word]] if word == "const" else schema[word]
                if not all(isinstance(o, _SCALARS) for o in options):
                    raise Unsupported(f"non-scalar {word}")
                # Same type and value: True is not 1 here, as in jsonschema.
                pairs = self.constant(frozenset((type(o), o) for o in options))
                parts.append(f"({v}.__class__ in SCALARS and ({v}.__class__, {v}) in {pairs})")
        if "pattern" in schema:
            search = self.constant(_searcher(schema["pattern"]))
            parts.append(f"({guard('string')}{search}({v}) is not None)")
        if "minLength" in schema:
            parts.append(f"({guard('string')}len({v}) >= {int(schema['minLength'])})")
        if "maxLength" in schema:
            parts.append(f"({guard('string')}len({v}) <= {int(schema['maxLength'])})")
        if "minimum" in schema:
            least = self.constant(schema["minimum"])
            parts.append(f"({guard('number')}{v} >= {least})")
        for word, sign in (("maximum", "<="), ("exclusiveMinimum", ">"), ("exclusiveMaximum", "<")):
            if word in schema:
                bound = self.constant(schema[word])
                parts.append(f"({guard('number')}{v} {sign} {bound})")
        if "minItems" in schema:
            parts.append(f"({guard('array')}len({v}) >= {int(schema['minItems'])})")
        if "maxItems" in schema:
            parts.append(f"({guard('array')}len({v}) <= {int(schema['maxItems'])})")
        if "items" in schema:
            parts.append(f"({guard('array')}{self.every(schema['items'])}({v}))")
        return " and ".join(parts) or "True"

    def every(self, schema: Any) -> str:
        """A function: every item of a list is valid against ``schema`` (a loop, not
        ``all()`` over a generator, which costs more than the test for short lists)."""
        key = ("items", id(schema), False)
        if key not in self.functions:
            name = self.fresh()
            self.functions[key] = name
            test = self.test(schema, "x")
            self.code.append(
                f"def {name}(v):\n    for x in v:\n        if not ({test}): return False\n"
                "    return True"
            )
        return self.functions[key]

    def dispatch(self, subs: list[Any]) -> tuple[str, dict[str, Any]] | None:
        """``allOf: [{"if": {"properties": {K: {"const": "a"}}}, "then": ...}, ...]``, one
        branch per string value of one property K: ``(K, {value: then})``, else None. Found by
        one lookup instead of trying every ``if``."""
        key: str | None = None
        table: dict[str, Any] = {}
        for sub in subs:
            if not isinstance(sub, dict) or set(sub) - _ANNOTATIONS != {"if", "then"}:
                return None
            condition = self.unref(sub["if"])
            if not isinstance(condition, dict) or set(condition) - _ANNOTATIONS != {"properties"}:
                return None
            if len(condition["properties"]) != 1:
                return None
            ((name, value),) = condition["properties"].items()
            value = self.unref(value)
            if not isinstance(value, dict) or set(value) - _ANNOTATIONS != {"const"}:
                return None
            if type(value["const"]) is not str or key not in (None, name):
                return None
            if value["const"] in table:
                return None
            key = name
            table[value["const"]] = sub["then"]
        return (key, table) if key is not None else None

    def function(self, schema: dict[str, Any], *, annotate: bool) -> str:
        key = ("node", id(schema), annotate)
        if key in self.functions:
            return self.functions[key]
        name = self.fresh()
        self.functions[key] = name
        unevaluated = schema.get("unevaluatedProperties", True)
        if unevaluated is not True and unevaluated is not False:
            raise Unsupported("unevaluatedProperties with a schema")
        # Annotations are collected for the caller, or for this schema's own
        # unevaluatedProperties (which sees those of its in-place subschemas too).
        collect = annotate or unevaluated is False
        body = [f"def {name}(v):"]
        leaf = {k: schema[k] for k in _LEAF if k in schema}
        if leaf:
            body.append(f"    if not ({self.leaf(leaf, 'v')}): return None")
        body.append("    seen = NOTHING")
        is_object = _pinned(schema) == "object"  # checked exactly above
        pad = "    " if is_object else "        "
        if not is_object:
            body.append("    if isinstance(v, dict):")
            body.append(f"{pad}pass")  # the block may hold nothing else
        required = frozenset(schema.get("required", ()))
        if required:
            body.append(f"{pad}if not {self.constant(required)} <= v.keys(): return None")
        properties = schema.get("properties", {})
        for key_name, sub in properties.items():
            test = self.test(sub, "x")
            if key_name in required:  # present: checked just above
                body.append(f"{pad}x = v[{self.constant(key_name)}]")
                body.append(f"{pad}if not ({test}): return None")
            else:  # usually absent: one membership test then
                name_constant = self.constant(key_name)
                body.append(f"{pad}if {name_constant} in v:")
                body.append(f"{pad}    x = v[{name_constant}]")
                body.append(f"{pad}    if not ({test}): return None")
        known = self.constant(frozenset(properties))
        if properties and collect:
            body.append(f"{pad}seen = {known} & v.keys()")
        additional = schema.get("additionalProperties", True)
        if additional is False:
            body.append(f"{pad}if not v.keys() <= {known}: return None")
        elif additional is not True:
            extra = self.test(additional, "v[k]")
            body.append(f"{pad}extra = v.keys() - {known}")
            body.append(f"{pad}for k in extra:")
            body.append(f"{pad}    if not ({extra}): return None")
            if collect:
                body.append(f"{pad}seen = seen | extra")
        subs = ([self.target(schema["$ref"])] if "$ref" in schema else []) + schema.get("allOf", [])
        branches = self.dispatch(schema.get("allOf", []))
        if branches is not None:
            subs = subs[:1] if "$ref" in schema else []
        for sub in subs:
            body.append(f"    s = {self.function_of(sub, annotate=collect)}(v)")
            body.append("    if s is None: return None")
            if collect:
                body.append("    seen = seen | s")
        if branches is not None:
            on, table = branches
            # Names for now; compile_schema puts the functions in once they exist.
            lookup = self.constant(
                {value: self.branch(then, annotate=collect) for value, then in table.items()}
            )
            self.tables.append(self.constants[lookup])
            body += [
                # Not a dict, the property absent or not a string: every "if" would hold, or
                # none, and we are unsure which: invalid here, jsonschema decides.
                f"    x = v.get({self.constant(on)})"
                if is_object
                else f"    x = v.get({self.constant(on)}) if isinstance(v, dict) else None",
                "    if x.__class__ is not str: return None",
                f"    b = {lookup}.get(x)",
                "    if b is not None:",
                "        s = b(v)",
                "        if s is None: return None",
            ]
            if collect:  # the one "if" that held evaluated the property
                body.append(f"        seen = seen | s | {self.constant(frozenset({on}))}")
        if "oneOf" in schema:
            calls = ", ".join(
                f"{self.function_of(sub, annotate=collect)}(v)" for sub in schema["oneOf"]
            )
            body.append(f"    passed = [s for s in ({calls},) if s is not None]")
            body.append("    if len(passed) != 1: return None")
            if collect:
                body.append("    seen = seen | passed[0]")
        if "if" in schema:
            condition = self.function_of(schema["if"], annotate=collect)
            then = self.function_of(schema.get("then", True), annotate=collect)
            otherwise = self.function_of(schema.get("else", True), annotate=collect)
            body += [
                f"    s = {condition}(v)",
                f"    t = {then}(v) if s is not None else {otherwise}(v)",
                "    if t is None: return None",
            ]
            if collect:
                body.append("    seen = seen | t | (s or NOTHING)")
        if unevaluated is False:
            check = "not v.keys() <= seen" if is_object else (
                "isinstance(v, dict) and not v.keys() <= seen"
            )  # fmt: skip
            body.append(f"    if {check}: return None")
        body.append("    return seen")
        self.code.append("\n".join(body))
        return name

    def branch(self, schema: Any, *, annotate: bool) -> str:
        """The function of one kind's branch; ``UNSURE`` (always invalid here, so jsonschema
        decides) when the branch uses something not implemented: a keyword another kind
        brings costs that kind the slow path, not every statement."""
        functions = dict(self.functions)
        try:
            return self.function_of(schema, annotate=annotate)
        except (Unsupported, KeyError, TypeError, ValueError, re.error):
            self.functions = functions  # names half made are not used again
            return "UNSURE"

    def function_of(self, schema: Any, *, annotate: bool) -> str:
        """A function for any schema, leaves included (for applicators, which need one)."""
        schema = self.unref(schema)
        if schema is True:
            return "ANYTHING"
        if self.is_leaf(schema):
            key = ("leaf", id(schema), False)
            if key not in self.functions:
                name = self.fresh()
                self.functions[key] = name
                test = self.leaf(schema, "v")
                self.code.append(f"def {name}(v):\n    return NOTHING if ({test}) else None")
            return self.functions[key]
        return self.function(schema, annotate=annotate)


def _anything(value: Any) -> frozenset[str]:
    return _NOTHING


def _unsure(value: Any) -> None:
    return None


def compile_schema(root: dict[str, Any]) -> Check:
    """A checker for ``root``; ``Unsupported`` when it uses anything beyond the subset."""
    compiler = _Compiler(root)
    try:
        name = compiler.function_of(root, annotate=False)
    except (KeyError, TypeError, ValueError, re.error) as e:  # an unknown type, a bad pattern
        raise Unsupported(str(e)) from e
    namespace = dict(compiler.constants)
    namespace["ANYTHING"] = _anything
    namespace["UNSURE"] = _unsure
    exec("\n\n".join(compiler.code), namespace)  # noqa: S102 - our own code, built above
    for table in compiler.tables:
        table.update({value: namespace[function] for value, function in table.items()})
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
