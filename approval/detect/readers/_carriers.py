"""Text that hides in code and markup: shared by the readers whose formats carry scripts,
style sheets, XML packets and URLs (HTML, PDF, email).

Each function turns one carrier into lines a person would recognise, the way a program that
runs or parses the carrier recovers them:

- ``script_lines``: JavaScript (and CSS): every string literal, template literal and comment,
  escapes decoded, grouped as the code groups them (a statement, an object), with the key in
  front of its value (``name: Ana Garcia, a_number: A212345678``);
- ``markup_lines``: XML or HTML given as text (XMP, XFA, PDF rich text, an ``srcdoc``): the text
  between tags and every attribute value;
- ``url_lines``: a URL's query parameters and fragment, percent-decoded;
- ``data_uri``: the bytes of a ``data:`` URI;
- ``picture``: the text a picture carries (shared with the archive readers' ``_members``).

All are linear in their input and quote nothing back but what they were given.
"""

from __future__ import annotations

import base64
import binascii
import html
import io
import re
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urlsplit

from approval.detect.readers._members import (
    HEAD,
    MAX_IMAGE,
    ends_as_image,
    image_text,
    is_image,
)
from approval.detect.readers.zip import child_part
from approval.detect.textio import sniff_encoding
from approval.detect.units import Limits, Nested, Source, Unscannable, Where

MAX_LINE_CHARS = 4_000  # a longer group of literals is cut into lines of about this size

# One token of JavaScript or CSS: a comment, a string, an identifier followed by a colon (an
# object key) or by an assignment (a variable), or one character that ends a group. Regular
# expression literals are not told from division; a quote inside one at worst starts a string
# early, and the text still comes out. Every string and comment pattern matches wherever it
# starts (an unclosed one runs to the end of its line or of the text) and the quantifiers are
# possessive, so that no input makes the scan quadratic.
_TOKEN = re.compile(
    r"""
    (?P<line>//[^\n]*)
  | (?P<block>/\*.*?(?:\*/|\Z))
  | (?P<string>"(?:[^"\\\n]++|\\[\s\S]?)*+(?:"|$)
              |'(?:[^'\\\n]++|\\[\s\S]?)*+(?:'|$)
              |`(?:[^`\\]++|\\[\s\S]?)*+(?:`|\Z))
  | (?<![\w$-])(?P<key>[A-Za-z_$][\w$-]*+)\s*+(?::(?!:)|=(?![=>]))
  | (?P<colon>:)
  | (?P<end>[;{}\]\n])
    """,
    re.S | re.X | re.M,
)
_ESCAPE = re.compile(
    r"\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[0-7]{1,3}|.)", re.S
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}
# Both always match where they start, possessively: linear on any input.
_TAG = re.compile(
    r"<(?:!--(.*?)(?:-->|\Z)|!\[CDATA\[(.*?)(?:\]\]>|\Z)|([^<>]*+)(?:>|(?=<)|\Z))", re.S
)
_ATTRIBUTE = re.compile(
    r"""(?<![\w:.-])[\w:.-]++\s*+=\s*+(?:"([^"]*+)"?|'([^']*+)'?|([^\s"'>]++))"""
)
_WHITESPACE = re.compile(r"\s+")


def _unescape(match: re.Match[str]) -> str:
    escape = match.group(1)
    if escape.startswith("u{"):
        code = int(escape[2:-1], 16)
        return chr(code) if code <= 0x10FFFF else ""
    if escape[0] in "ux" and len(escape) > 1:
        return chr(int(escape[1:], 16))
    if escape[0] in "01234567" and escape != "0":
        return chr(int(escape, 8))
    if escape == "\n":
        return ""
    return _SIMPLE_ESCAPES.get(escape, escape)


def _literal(token: str) -> str:
    body = token[1:-1] if len(token) > 1 and token[-1] == token[0] else token[1:]
    return _ESCAPE.sub(_unescape, body) if "\\" in body else body


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def script_lines(code: str) -> list[str]:
    """The literals and comments of a script or style sheet, a line per group."""
    out: list[str] = []
    pieces: list[str] = []
    size = 0
    label = ""  # a key waiting for its value

    def flush() -> None:
        nonlocal pieces, size, label
        label = ""  # a key whose value is code, not text
        if pieces:
            out.append(", ".join(pieces))
        pieces, size = [], 0

    for match in _TOKEN.finditer(code):
        kind = match.lastgroup
        if kind == "end":
            flush()
            continue
        if kind == "key":
            label = match.group("key") + ":"
            continue
        if kind == "colon":
            if pieces and not label:  # "key": value, a quoted key
                label = pieces.pop() + ":"
            continue
        if kind == "string":
            text = _collapse(_literal(match.group("string")))
        else:
            comment = match.group(kind or "line")
            text = _collapse(comment[2:-2] if kind == "block" else comment[2:])
        if not text:
            continue
        if label:
            text, label = f"{label} {text}", ""
        pieces.append(text)
        size += len(text)
        if size > MAX_LINE_CHARS or kind in ("line", "block"):
            flush()
    flush()
    return [line for line in out if line]


# A string literal that may be base64: long enough to hold a value, nothing but its alphabet.
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)


def decoded_literals(code: str) -> list[str]:
    """The text a script makes of its own string literals on load: what it computes from
    constants alone (``computed_literals``), and, where the script says how, base64 decoded
    (``atob``, ``Buffer.from(..., "base64")``), reversed (``.reverse()``), ROT13
    (``fromCharCode`` of shifted codes). A literal decodes only when the script calls the
    decoder, so that ordinary scripts cost nothing more; a literal that does not decode to
    text yields nothing."""
    out = computed_literals(code)
    lowered = code.lower()
    base64ed = "atob" in lowered or "base64" in lowered
    reversed_ = "reverse(" in lowered
    shifted = "fromcharcode" in lowered
    if not (base64ed or reversed_ or shifted):
        return out
    for match in _TOKEN.finditer(code):
        token = match.group("string")
        if not token:
            continue
        literal = _literal(token)
        if base64ed and _BASE64.fullmatch(literal.strip()):
            out.extend(_text_lines(_base64(literal.strip())))
        if reversed_:
            out.extend(_text_lines(literal[::-1].encode()))
        if shifted:
            out.extend(_text_lines(literal.translate(_ROT13).encode()))
    return out


# JavaScript as ``computed_literals`` reads it: the tokens that may build a string, each after
# the blanks and comments before it; any other character (an operator) is a token of its own,
# ``other``, passed over: only a ``+`` continues a value, and anything else ends one. Every
# position matches, so that a run of blanks before an operator is not scanned again from each.
_JS = re.compile(
    r"""
    (?:\s++|//[^\n]*+|/\*.*?(?:\*/|\Z))*+
    (?:
    (?P<string>"(?:[^"\\\n]++|\\[\s\S]?)*+(?:"|$)
              |'(?:[^'\\\n]++|\\[\s\S]?)*+(?:'|$)
              |`(?:[^`\\]++|\\[\s\S]?)*+(?:`|\Z))
  | (?P<number>(?:0[xX][0-9A-Fa-f]++|0[oO][0-7]++|0[bB][01]++|\d++(?:\.\d++)?)(?![\w$.]))
  | (?P<name>[A-Za-z_$][\w$]*+)
  | (?P<punct>\.\.\.|[-+()\[\],.;{}=:?])
  | (?P<other>.)
    )
    """,
    re.S | re.X | re.M,
)
_SUBSTITUTION = re.compile(r"\$\{([^}]*)\}?")  # ``${...}`` in a template literal
_STARTS = frozenset({"string", "number", "String", "(", "["})  # what may start a value
FOLD_DEPTH = 32  # brackets within brackets that ``computed_literals`` follows
# The most characters one computed value may hold, and all of a script's together beyond its
# own length: a join of a join of joins triples at each bracket (448 bytes asked for 1.5 GB).
MAX_FOLDED = MAX_LINE_CHARS
_IGNORED_ARGUMENTS = frozenset({"null", "undefined", "this", "window", "globalThis", "String"})


def computed_literals(code: str) -> list[str]:
    """The strings a script computes from constants alone, as a browser would run it: string
    literals joined by ``+`` (numbers too: ``"A" + 212345678``), ``String.fromCharCode`` and
    ``fromCodePoint`` of numbers (``.apply(null, [...])``, ``...[...]``), ``[...].join(sep)`` of
    such values, ``.concat(...)``, parentheses, escapes decoded; then every string literal of
    the script joined end to end with nothing between (template substitutions' literals in
    place), so that pieces it joins by any other means (variables, functions) still meet.
    A value is listed only where something was computed; the joined literals, cut into lines
    of ``MAX_LINE_CHARS``, come last, one paragraph. One pass, ``FOLD_DEPTH`` deep."""
    folder = _Folder(code)
    out = folder.run()
    literals = [literal for literal in folder.literals if literal]
    joined = _collapse("".join(literals)) if len(literals) > 1 else ""  # one is read as it is
    out.extend(joined[i : i + MAX_LINE_CHARS] for i in range(0, len(joined), MAX_LINE_CHARS))
    return out


class _Folder:
    """A recursive descent over a script's tokens that never goes back: what it cannot fold it
    passes over (the joined literals read it)."""

    def __init__(self, code: str):
        self._tokens = ((m.lastgroup or "", m.group(m.lastgroup or 0)) for m in _JS.finditer(code))
        self.kind, self.text = "", ""
        self.literals: list[str] = []
        self._left = len(code) + MAX_FOLDED  # characters the computed values may still hold
        self._advance()

    def _spend(self, size: int) -> bool:
        """Whether a computed value of ``size`` characters may be made (``MAX_FOLDED``)."""
        if size > MAX_FOLDED or size > self._left:
            self._left = 0  # nothing more is computed: the joined literals still read it all
            return False
        self._left -= size
        return True

    def _advance(self) -> None:
        self.kind, self.text = next(self._tokens, ("", ""))
        if self.kind == "string":
            self.literals.append(_template_text(self.text))

    def _at(self, kind: str, text: str | None = None) -> bool:
        return self.kind == kind and (text is None or self.text == text)

    def _take(self, kind: str, text: str | None = None) -> bool:
        if self._at(kind, text):
            self._advance()
            return True
        return False

    def run(self) -> list[str]:
        out: list[str] = []
        while self.kind:
            if self.kind not in _STARTS and self.text not in _STARTS:  # the usual token
                self._advance()
                continue
            found = self._chain(0)
            if found is None:
                self._advance()
            elif found[1]:
                text = _collapse(found[0])
                if text:
                    out.append(text)
        return out

    def _chain(self, depth: int) -> tuple[str, bool] | None:
        """``term (+ term)*``: its value, and whether anything was computed."""
        first = self._term(depth)
        if first is None:
            return None
        pieces, computed = [first[0]], first[1]
        while self._take("punct", "+"):
            term = self._term(depth)
            if term is None:  # ``"a" + x``: the rest is read as literals
                break
            pieces.append(term[0])
            computed = True
        if len(pieces) > 1 and not self._spend(sum(map(len, pieces))):
            return None
        return "".join(pieces), computed

    def _term(self, depth: int) -> tuple[str, bool] | None:
        if depth > FOLD_DEPTH:
            return None
        value: tuple[str, bool] | None = None
        if self._at("string"):
            # A template's substitutions are taken for the literals in them (``${"45"}``).
            substituted = self.text.startswith("`") and "${" in self.text
            value = (_template_text(self.text), substituted)
            self._advance()
        elif self._at("number"):
            value = (_number(self.text), False)
            self._advance()
        elif self._take("name", "String"):
            if not self._take("punct", ".") or self.text not in ("fromCharCode", "fromCodePoint"):
                return None
            self._advance()
            codes = self._codes()
            if codes is None:
                return None
            value = ("".join(chr(c) for c in codes if c <= 0x10FFFF), True)
        elif self._take("punct", "("):
            inner = self._chain(depth + 1)
            if inner is None or not self._take("punct", ")"):
                return None
            value = inner
        elif self._take("punct", "["):
            items = self._items(depth + 1, "]")
            if items is None or not (self._take("punct", ".") and self._take("name", "join")):
                return None
            if not self._take("punct", "("):
                return None
            # ``join()`` joins with commas, as JavaScript does.
            separator = (",", False) if self._at("punct", ")") else self._chain(depth + 1)
            if separator is None or not self._take("punct", ")"):
                return None
            glue = separator[0]
            if not self._spend(sum(map(len, items)) + len(glue) * max(len(items) - 1, 0)):
                return None
            value = (glue.join(items), True)
        if value is None:
            return None
        while self._at("punct", "."):  # ``"a".concat("b", "c")``
            self._advance()
            if not (self._take("name", "concat") and self._take("punct", "(")):
                return None
            items = self._items(depth + 1, ")")
            if items is None or not self._spend(len(value[0]) + sum(map(len, items))):
                return None
            value = (value[0] + "".join(items), True)
        return value

    def _items(self, depth: int, close: str) -> list[str] | None:
        """Values separated by commas, up to ``close``."""
        items: list[str] = []
        while not self._take("punct", close):
            found = self._chain(depth)
            if found is None:
                return None
            items.append(found[0])
            if not self._take("punct", ",") and not self._at("punct", close):
                return None
        return items

    def _codes(self) -> list[int] | None:
        """The numbers a ``fromCharCode`` call is given, however spread or applied."""
        # ``.apply(null, [...])``, ``.call(null, ...)``
        if self._take("punct", ".") and not self._take("name"):
            return None
        if not self._take("punct", "("):
            return None
        codes: list[int] = []
        depth = 1
        while depth:
            if self._at("number"):
                codes.append(int(float(_number(self.text))))
            elif self._at("punct", "(") or self._at("punct", "["):
                depth += self.text == "("
            elif self._at("punct", ")"):
                depth -= 1
            elif not (
                self._at("punct", ",")
                or self._at("punct", "]")
                or self._at("punct", "...")
                or (self.kind == "name" and self.text in _IGNORED_ARGUMENTS)
            ):
                return None
            self._advance()
        return codes


def _number(token: str) -> str:
    """A numeric literal as JavaScript prints it."""
    if token[:2].lower() in ("0x", "0o", "0b"):
        return str(int(token, 0))
    return token.removesuffix(".0") if "." in token else str(int(token))


def _template_text(token: str) -> str:
    """A string literal's text; a template literal's with each substitution's own string
    literals in its place (``${"456"}``)."""
    if not token.startswith("`") or "${" not in token:
        return _literal(token)
    return _literal(_SUBSTITUTION.sub(_substituted, token))


def _substituted(match: re.Match[str]) -> str:
    """A template substitution's string literals, joined: what it most likely puts there."""
    found = _JS.finditer(match.group(1))
    return "".join(_literal(t.group("string")) for t in found if t.lastgroup == "string")


def _base64(literal: str) -> bytes:
    try:
        return base64.b64decode(literal.replace("-", "+").replace("_", "/") + "==")
    except (binascii.Error, ValueError):
        return b""


def _text_lines(data: bytes) -> list[str]:
    encoding = sniff_encoding(data[:8192]) if data else None
    if encoding is None:
        return []
    text = data.decode(encoding, "replace")
    return [line for line in (_collapse(piece) for piece in text.splitlines()) if line]


def markup_lines(text: str) -> list[str]:
    """The text between tags and every attribute value of XML or HTML held as text; comments
    and CDATA sections are text too. Entities are decoded; no DTD is expanded."""
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        out.append(text[position : match.start()])
        comment, cdata, tag = match.groups()
        if comment is not None or cdata is not None:
            out.append(comment if comment is not None else cdata)
        elif tag:
            for attribute in _ATTRIBUTE.finditer(tag):
                out.append(next(value for value in attribute.groups() if value is not None))
        position = match.end()
    out.append(text[position:])
    lines = (_collapse(html.unescape(piece)) for piece in out)
    return [line for line in lines if line]


def url_lines(url: str) -> list[str]:
    """A URL's query parameters as ``key: value`` and its fragment, decoded; nothing for a URL
    that holds neither (the URL itself is read where it stands)."""
    if url.lstrip().lower().startswith("data:"):
        return []
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return [unquote(url)]
    lines = [f"{key}: {value}" for key, value in parse_qsl(parts.query, keep_blank_values=False)]
    path = unquote(parts.path)
    if path != parts.path:
        lines.append(path)
    if parts.fragment:
        lines.append(unquote(parts.fragment))
    return [_collapse(line) for line in lines if line.strip()]


def data_uri(url: str) -> tuple[str, bytes] | None:
    """The media type and bytes of a ``data:`` URI; None for any other URL. A payload that does
    not decode as base64 is taken as it stands: its text is still read."""
    stripped = url.strip()
    if stripped[:5].lower() != "data:" or "," not in stripped:
        return None
    header, _, payload = stripped[5:].partition(",")
    media = header.split(";", 1)[0].strip().lower() or "text/plain"
    if header.lower().rstrip().endswith(";base64"):
        compact = "".join(payload.split())
        try:
            return media, base64.b64decode(unquote(compact) + "==", validate=False)
        except (binascii.Error, ValueError):
            return media, compact.encode("utf-8", "replace")
    return media, unquote_to_bytes(payload)


def picture(data: bytes) -> list[str] | None:
    """The text a picture carries besides its pixels (PNG text chunks, JPEG comments, Exif,
    XMP), when the bytes are a picture and only a picture; None for anything else (bytes glued
    after a picture's end make it something else, read as such). Pixels are not read."""
    if len(data) > MAX_IMAGE or not is_image(data[:HEAD]) or not ends_as_image(data):
        return None
    return image_text(data)


def nested(source: Source, limits: Limits, name: str, data: bytes) -> Nested:
    """``data`` found inside ``source`` (an attachment, a data URI) as a source of its own,
    read by the reader its bytes call for."""
    if source.depth >= limits.max_depth:
        raise Unscannable(f"too deeply nested: attachments more than {limits.max_depth} deep")
    # Names come from the file; keep them to one path segment.
    name = PurePosixPath(name.replace("\\", "/")).name or "attachment"
    return Nested(
        source=Source(
            name=name,
            open=lambda: io.BytesIO(data),
            size=len(data),
            depth=source.depth + 1,
            part=child_part(source, name),
        ),
        where=Where(part=name),
    )
