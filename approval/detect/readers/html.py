"""HTML: tables as ``Table`` units, the rest as ``Text``, with the stdlib ``html.parser``.

- A table's title is its ``<caption>``, else the heading above it, followed by the sentence that
  introduces it ("The following persons were interviewed:") when there is one. ``colspan`` and
  ``rowspan`` keep cells under their headers. Tables nested in a cell are tables of their own.
- Text is cut into lines at block elements, and into sections at headings; a section's title is
  its heading, else the page ``<title>``. Character references are decoded. A description
  list's term and its description are one line, ``term: description``, as a label and its value
  (``<dt>Name</dt><dd>Ana Perez</dd>``), and the pairs of one list one paragraph.
- Everything else a program recovers from the page is read too, as hidden units each under
  its own part: every attribute value of every element (``title``, ``alt``, ``value``,
  ``content``, ``data-*``, ``aria-*``, ``placeholder``..., as ``name: value`` lines, the value
  of a form field or meta element under the field's name; URLs' query strings decoded; an
  ``srcdoc``'s markup as text), ``data:`` URIs (their bytes a nested source, read by their own
  content; a picture's pixels are not read, the text it carries is), comments, processing
  instructions and CDATA, scripts (JSON data blocks as records; JavaScript's string literals
  and comments as lines, each under its key or variable; any other script type as markup
  text), style sheets (their literals and comments).
- Hidden content is content: hidden inputs are attributes like any other, and the text of
  hidden elements (``hidden``, ``display:none``, ``visibility:hidden``, ``font-size:0``,
  ``opacity:0``, in a style attribute or a style sheet's rule; templates) is read as the
  hidden part ``hidden text`` (tables in them stay tables). The page's own text is read as a
  browser shows it: without them, the visible pieces around them joined, in cells too (a
  value with hidden filler in it, ``A218<span hidden>999</span>343183``, is the value). Past
  ``GROUP_MATCH_RULES`` rules under one class (or ``SELECTOR_CHECKS`` checks in a page), an
  element takes what any of those rules does, unchecked, so a page costs time in its size.
- Text shown in the reverse of its stored order (``<bdo dir=rtl>``, ``unicode-bidi:
  bidi-override`` with ``direction:rtl``) is read as shown (``textio.displayed``), and as
  stored, as hidden text. ``data:`` URIs in style sheets and style attributes (``url(...)``,
  ``@import``) are read as those of ``<img>``; a script's string literals (an event
  handler's too) are read decoded where the script calls the decoder, as it computes them from
  constants, and all joined end to end (``_carriers.decoded_literals``).
- Text CSS generates is read in place, joined to the element's own: ``::before``/``::after``
  (and ``::marker``) content (strings, escapes, ``attr()``, quotes, counters), ``<q>`` quotes,
  a string list marker, a declarative shadow root (``<template shadowrootmode>``) where its
  host stands; text of a rule whose selector is read as any element's (``*::before``,
  ``:where(code)::after``) is read in every element's place, and its line also without it,
  as hidden text. A style sheet's escaped strings are read decoded as CSS decodes them. The
  override of a ``unicode-bidi`` rule takes the direction its element
  inherits (``dir``, ``direction``; SVG presentation attributes too). Layout that may show
  pieces in another order (flex and grid containers, ``order``, grid placement,
  ``float:right``, SVG ``x`` positions) has its pieces read also in those orders, joined, and a
  negative spacing or margin its line read also without the spaces it closes, all as hidden
  text, bounded per piece (its ends), per container (``LAYOUT_PIECES``) and per page
  (``LAYOUT_CHARS``).
- A ``Part`` names each carrier read: ``html body``, ``attributes``, ``scripts``, ``styles``,
  ``comments``, ``hidden text``, ``images`` (data-URI pictures: unread, not blocking).

Content decides: a source is HTML when its head holds an HTML element's tag, whatever its
name (``accepts``). Text with markup anywhere else in it (Markdown with references or inline
tags, a page that starts past the head) is read by the text reader, also as ``rendered`` shows
it: references decoded, tags and comments left out, ``BLOCK_ELEMENTS`` set apart; and without
the marks Markdown takes out of its words (``markdown_marks``), for the text reader and the
notebook reader alike.

The parser is fed in chunks and units come out as their end tags arrive; a long table comes out
in slices of ``TABLE_SLICE_ROWS`` rows (its header row repeated), a long section in slices of
``TEXT_SLICE_LINES`` lines, so memory stays flat on any page.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, BinaryIO

from approval.detect.readers._carriers import (
    data_uri,
    decoded_literals,
    markup_lines,
    nested,
    picture,
    script_lines,
    url_lines,
)
from approval.detect.readers._charsets import web_codec_for
from approval.detect.readers._formulas import computed, unread_reason
from approval.detect.readers._members import PICTURE_REASON
from approval.detect.textio import displayed, is_cjk, sniff_encoding
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
    Text,
    Unit,
    Unscannable,
    Where,
)

TABLE_SLICE_ROWS = 10_000
TABLE_SLICE_CELLS = 1_000_000
# Cells that colspan and rowspan add (padding, repeated values): a few bytes of markup can ask
# for millions. Past this budget spans are ignored: alignment suffers, no value is lost.
SPAN_CELLS = 5_000_000
TEXT_SLICE_LINES = 2_000
_CHUNK = 64 * 1024
# An HTML element's start tag anywhere in the head: a page, a fragment, a template, an
# e-mail body saved alone. Text that merely mentions a tag is read as HTML too (every reader
# that accepts reads it, and reading a note as a page finds nothing it does not hold).
_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|meta|link|base|script|style|noscript|template"
    r"|div|span|p|a|img|table|tr|td|th|thead|tbody|caption|ul|ol|li|dl|dt|dd|form|input"
    r"|textarea|select|option|button|label|iframe|object|embed|h[1-6]|br|hr|b|i|u|em|strong"
    r"|pre|code|section|article|header|footer|nav|main|aside|svg|font|center|blockquote)"
    r"(?=[\s>/])",
    re.I,
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_TERMS = ("dt", "dd")  # a description list's label/value pairs (``_Parser._start_term``)
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "ul", "option", "legend",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements laid out apart from the text around them: a block, a heading, a table's structure
# (the text around any other element joins it: ``asy<wbr>lum``, ``A2123<b></b>45678``).
BLOCK_ELEMENTS = (
    _BLOCKS
    | _HEADINGS
    | {"table", "tr", "td", "th", "caption", "thead"}
    | {"tbody", "tfoot", "title", "head", "body", "html"}
)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr", "param", "keygen"}
)
_JSON_SCRIPTS = frozenset({"application/json", "text/json", "importmap", "speculationrules"})
_JS_SCRIPTS = frozenset(
    {
        "", "module", "text/javascript", "application/javascript", "text/ecmascript",
        "application/ecmascript", "text/jscript", "text/babel", "text/jsx", "text/typescript",
        "application/x-javascript", "text/x-javascript", "text/livescript",
    }
)  # fmt: skip
# Attributes whose value is a URL: its query string and fragment are data.
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "cite", "data", "poster", "background", "longdesc"}
    | {"ping", "manifest", "codebase", "usemap", "srcset", "xlink:href", "itemid", "content"}
)
# What names the value of a form field or a meta element: ``name="a_number" value="A2..."``.
_VALUE_LABELS = ("name", "id", "property", "itemprop", "http-equiv", "aria-label")
_BARE_ATTRIBUTES = frozenset({"name", "id", "class", "for", "itemprop", "property", "rel"})
JSON_SCRIPT_CHARS = 16 * 1024 * 1024  # a larger data block is read for its literals
_WHITESPACE = re.compile(r"\s+")
# Text of a hidden element inside a line or a cell, marked where it stands (noncharacters,
# which no page may carry: taken out of its text first): the line as shown leaves it out, and
# the line as stored, read as hidden text too, has it in place, so a value that a rule taken
# too widely for hidden (``.never .a {display: none}``) would split is still read whole.
_IN, _OUT = "\ufdd0", "\ufdd1"
_INLINE_HIDDEN = re.compile("\ufdd0[^\ufdd1]*\ufdd1")
_MAX_COLSPAN = 1_000  # the limits HTML itself sets
_MAX_ROWSPAN = 65_534
_TITLE_CHARS = 300
_CONTEXT_CHARS = 4_000
# Table structure is never taken as hidden: a hidden row's or cell's values stay in their
# columns (a cell's content hidden in a cell is hidden as any other).
_TABLE_TAGS = frozenset({"table", "tr", "td", "th", "caption", "thead", "tbody", "tfoot"})
_CELL_ENDS = frozenset({"table", "tr", "td", "th", "caption"})
_RLO, _LRO, _PDF = "\u202e", "\u202d", "\u202c"
# An element whose negative spacing closes a space (``word-spacing: -0.3em``, a negative
# margin): its text is marked in its line, and the line is read again with the spaces in it
# and at its edges taken out, as hidden text.
_TIGHT_IN, _TIGHT_OUT = "\ufdd2", "\ufdd3"
_TIGHT = re.compile("\\s*\ufdd2([^\ufdd3]*)\ufdd3?\\s*")
# Text generated by a rule read as any element's (``_Parser._generated_all``), marked: the
# line is read with it, and also without it, as hidden text (the rule may apply to none).
_GUESS_IN, _GUESS_OUT = "\ufdd4", "\ufdd5"
_GUESSED = re.compile("\ufdd4[^\ufdd5]*\ufdd5?")
_MARKS = dict.fromkeys(map(ord, _IN + _OUT + _TIGHT_IN + _TIGHT_OUT + _GUESS_IN + _GUESS_OUT))
_TIGHT_MARKS = dict.fromkeys(map(ord, _TIGHT_IN + _TIGHT_OUT))
_GUESS_MARKS = dict.fromkeys(map(ord, _GUESS_IN + _GUESS_OUT))
_ANY_MARK = re.compile("[\ufdd0-\ufdd5]")  # the marks above, taken out of a page's text
# Presentation attributes (SVG) read as the style declarations they stand for.
_PRESENTATION = frozenset({"direction", "unicode-bidi", "word-spacing", "letter-spacing"})
# Pieces that layout may show in another order (``_Frame``): bounded per container, per piece
# (its two ends are kept: a value split across pieces meets at their edges) and per page.
LAYOUT_PIECES = 64
LAYOUT_FRAMES = 8  # open at once
LAYOUT_CHARS = 2_000_000
_PIECE_EDGE = 200
_IMPLIED_ENDS = frozenset({"li", "p", "dt", "dd", "option", "td", "th", "tr", "rt", "rp"})
_GENERATING = frozenset({"q", "li", "text", "tspan"})  # generate text or place it by default
_GENERATED_CHARS = 1_000
_BIDI_CONTROLS = dict.fromkeys(map(ord, _RLO + _LRO + _PDF))
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
# A rule's selectors and declarations (the innermost braces: rules inside @media are rules).
_CSS_RULE = re.compile(r"([^{}]{1,2000})\{([^{}]*)\}")
_CSS_DECLARATION = re.compile(r"([-\w]+)\s*:\s*([^;]*)")
# ``url(...)`` and ``@import "..."`` in a style sheet or a style attribute: a data URI there
# (an SVG background that draws text, an imported sheet of ``content:`` strings) is read.
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s*(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
_ZERO = re.compile(r"[+-]?0*\.?0*(?:[a-z]{1,4}|%)?")
_ZERO_CLIP = re.compile(r"rect\(\s*0[a-z]*[\s,]+0|inset\(\s*50%|circle\(\s*0")
_FAR = re.compile(r"-\d{4,}(?:\.\d*)?(?:px|pt|em|rem)?")  # -9999px
_SCALE_ZERO = re.compile(r"scale[xy]?\(\s*0*\.?0*\s*[,)]")
_ABSOLUTE_SIZE = re.compile(
    r"[+-]?(?:\d+\.?\d*|\.\d+)(?:px|pt|pc|cm|mm|in|q|rem|vw|vh)"
    r"|xx-small|x-small|small|medium|large|x-large|xx-large|xxx-large"
)
# What hides an element's text (``_hidden_kind``): "none" generates nothing, so the text
# around it joins; "visibility" and "size" can be undone by a descendant that says so.
_NONE, _VISIBILITY, _SIZE = "none", "visibility", "size"
# Sizes no one reads, by unit (the largest): a 1-pixel font, a box 1 pixel wide.
_TINY_UNITS = {"px": 1.5, "pt": 1.0, "pc": 0.1, "mm": 0.4, "cm": 0.04, "in": 0.015, "q": 1.6}
_TINY_UNITS |= {"em": 0.1, "rem": 0.1, "%": 10.0, "vw": 0.1, "vh": 0.1, "": 0.0}
_LENGTH = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))([a-z]{0,4}|%)")


def _tiny(value: str) -> bool:
    """Whether a length is too small to read (``0``, ``1px``, ``0.05em``)."""
    match = _LENGTH.fullmatch(value.strip())
    if match is None:
        return False
    limit = _TINY_UNITS.get(match.group(2))
    return limit is not None and float(match.group(1)) <= limit


@dataclass(frozen=True)
class _Selector:
    """The last compound of a CSS selector (``div.menu > li.x:hover`` -> ``li.x``): an element
    it matches may be one the rule applies to. Taking more elements as hidden than a browser
    does costs nothing: their text is read all the same, as hidden text."""

    tag: str
    id: str
    classes: frozenset[str]
    attributes: frozenset[str]

    def matches(self, tag: str, values: dict[str, str], classes: frozenset[str]) -> bool:
        """Whether it may apply to an element: ``values`` its attributes, ``classes`` its
        class names (split once per element, not once per rule)."""
        if self.tag and self.tag != tag:
            return False
        if self.id and values.get("id", "") != self.id:
            return False
        if self.attributes and not self.attributes <= values.keys():
            return False
        return self.classes <= classes


_COMPOUND = re.compile(r"([a-z][\w-]*|\*)?((?:[.#][\w-]+|\[[^\]]*\]|::?[\w-]+(?:\([^)]*\))?)*)")
_SIMPLE = re.compile(r"([.#])([\w-]+)|\[\s*([\w-]+)|(::?)([\w-]+)")
_ARGUMENTS = re.compile(r"\([^)]*\)")
_SELECTOR_LIST = re.compile(r",(?![^()]*\))")  # the commas outside parentheses
_PSEUDO = re.compile(r"::?(before|after|marker)\s*$", re.I)


def _selector(text: str) -> _Selector | None:
    compound = re.split(r"[\s>+~]+", text.strip().lower())[-1]
    match = _COMPOUND.fullmatch(compound)
    if match is None:
        return None
    tag = match.group(1) or ""
    ids: list[str] = []
    classes: list[str] = []
    attributes: list[str] = []
    # A pseudo-class's argument is not a requirement: ``i:not(.shown)`` may be any ``i``.
    for simple in _SIMPLE.finditer(_ARGUMENTS.sub("", match.group(2))):
        kind, name, attribute, colons, pseudo = simple.groups()
        if kind == "#":
            ids.append(name)
        elif kind == ".":
            classes.append(name)
        elif attribute:
            attributes.append(attribute)
        elif colons == "::" or pseudo in ("before", "after", "first-line", "first-letter"):
            return None  # generated content, not the element's own text
    if not (tag.strip("*") or ids or classes or attributes):
        return None  # every element: a reset, not a way to hide one
    return _Selector(
        tag.strip("*"), ids[0] if ids else "", frozenset(classes), frozenset(attributes)
    )


def _declarations(text: str) -> dict[str, str]:
    """A rule's declarations, names in lower case, values as written (strings keep their
    case: ``content: "A212"``)."""
    return {
        name.lower(): (_IMPORTANT.sub("", value) if "!" in value else value).strip()
        for name, value in _CSS_DECLARATION.findall(text)
    }


_IMPORTANT = re.compile(r"!\s*important", re.I)
# Text CSS generates (``content``, ``quotes``, a string list marker): strings, with their
# escapes, ``attr()``, quotes and counters, in the order given.
_CSS_TOKEN = re.compile(
    r""""((?:[^"\\]|\\[\s\S])*)"|'((?:[^'\\]|\\[\s\S])*)'|attr\(\s*([-\w:]+)[^)]*\)"""
    r"""|(open-quote|close-quote)|counters?\(\s*([-\w]+)[^)]*\)""",
    re.I,
)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|\n|([\s\S]))")
_COUNTER = re.compile(r"([-a-zA-Z_][-\w]*)(?:\s+([+-]?\d{1,18}))?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?", re.I)


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code, char = match.groups()
        if code:
            value = int(code, 16)
            return chr(value) if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else ""
        return char or ""

    return _CSS_ESCAPE.sub(one, text) if "\\" in text else text


def _strings(value: str) -> tuple[str, ...]:
    """The strings of a value (``quotes: "A" "B"``, ``list-style: "A212" inside``)."""
    return tuple(_unescape(a or b) for a, b, *_ in _CSS_TOKEN.findall(value) if a or b)


def _counters(value: str, default: int) -> tuple[tuple[str, int], ...]:
    if value.strip().lower() in ("", "none", "initial", "inherit", "unset"):
        return ()
    return tuple(
        (name.lower(), int(number) if number else default)
        for name, number in _COUNTER.findall(value)
    )


@dataclass(frozen=True)
class _Effect:
    """What a rule or a style attribute does to the text of the elements it applies to."""

    hides: str = ""  # _NONE, _VISIBILITY, _SIZE, or nothing
    shows_visible: bool = False  # visibility: visible
    shows_size: bool = False  # an absolute font size
    override: bool = False  # unicode-bidi: bidi-override
    direction: str = ""
    # Text CSS generates: a pseudo-element's ``content`` (as written: ``attr()`` and counters
    # are taken per element), ``quotes``, a string list marker (``list-style-type: "A2"``).
    before: str = ""
    after: str = ""
    marker_content: str = ""  # a ``::marker``'s: drawn instead of the list marker
    quotes: tuple[str, ...] = ()
    marker: str = ""
    marker_style: str = ""  # a ``@counter-style`` named by ``list-style-type``
    counter_reset: tuple[tuple[str, int], ...] = ()
    counter_increment: tuple[tuple[str, int], ...] = ()
    # Layout that may show pieces in another order than stored: a flex or grid container
    # ("flex", "reverse" for row-reverse), a piece placed out of order (``order``, grid
    # placement: its sort key; ``float: right``), a negative spacing that closes a space.
    layout: str = ""
    place: tuple[float, ...] | None = None
    float_right: bool = False
    tight: bool = False


_NO_EFFECT = _Effect()
_MARKED = frozenset({"template", "bdo"})  # hide or reverse their text with no attribute


_FLEX = frozenset({"flex", "inline-flex", "grid", "inline-grid", "-webkit-box", "-ms-flexbox"})
_SPACINGS = (
    "word-spacing", "letter-spacing", "margin", "margin-left", "margin-right",
    "margin-inline", "margin-inline-start", "margin-inline-end", "text-indent",
)  # fmt: skip


_SPACING_NAMES = frozenset(_SPACINGS)
_PLACES = ("grid-row", "grid-row-start", "grid-area", "grid-column", "grid-column-start")
_LAYOUT_NAMES = frozenset(
    {"flex-direction", "flex-flow", "-webkit-box-direction", "display", "float", "order"}
    | {"-webkit-box-ordinal-group", *_PLACES, *_SPACINGS}
)


def _numbers(value: str) -> tuple[float, ...]:
    return tuple(float(number) for number in _NUMBER.findall(value)[:4])


def _layout(declarations: dict[str, str]) -> dict[str, Any]:
    """What a rule's declarations (in lower case) do to the order and spacing of pieces."""
    found: dict[str, Any] = {}
    if declarations.keys().isdisjoint(_LAYOUT_NAMES):
        return found
    flow = declarations.get("flex-direction", "") + declarations.get("flex-flow", "")
    if "reverse" in flow or declarations.get("-webkit-box-direction") == "reverse":
        found["layout"] = "reverse"
    elif declarations.get("display", "").split(" ")[-1] in _FLEX:
        found["layout"] = "flex"
    place: tuple[float, ...] = ()
    for name in _PLACES:
        if name in declarations:
            place += _numbers(declarations[name])[:1]
    place += _numbers(
        declarations.get("order", "") + declarations.get("-webkit-box-ordinal-group", "")
    )[:1]
    if place:
        found["place"] = place
    if declarations.get("float") in ("right", "inline-end"):
        found["float_right"] = True
    if any(
        declarations[name].startswith("-") or " -" in declarations[name]
        for name in declarations.keys() & _SPACING_NAMES
    ):
        found["tight"] = True
    return found


def _effect(raw: dict[str, str]) -> _Effect:
    declarations = {name: value.lower() for name, value in raw.items()}
    found = _layout(declarations)
    if "quotes" in raw:
        found["quotes"] = _strings(raw["quotes"])
    for name in ("list-style-type", "list-style"):
        marker = _strings(raw[name]) if name in raw else ()
        if marker:
            found["marker"] = marker[0]
        elif name in declarations and declarations[name].split():
            found["marker_style"] = declarations[name].split()[0]
    if "counter-reset" in declarations:
        found["counter_reset"] = _counters(declarations["counter-reset"], 0)
    if "counter-increment" in declarations:
        found["counter_increment"] = _counters(declarations["counter-increment"], 1)
    hides = ""
    if _tiny(declarations.get("font-size", "1em")):
        hides = _SIZE
    if declarations.get("visibility") in ("hidden", "collapse"):
        hides = _VISIBILITY
    clipped = "overflow" in declarations and declarations["overflow"] != "visible"
    if (
        declarations.get("display") == "none"
        or declarations.get("content-visibility") == "hidden"
        or _ZERO.fullmatch(declarations.get("opacity", "1"))
        # Off the page or cut to nothing: the "screen reader only" patterns.
        or _ZERO_CLIP.search(declarations.get("clip", "") + declarations.get("clip-path", ""))
        or (
            clipped
            and (_tiny(declarations.get("width", "")) or _tiny(declarations.get("height", "")))
        )
        or _FAR.fullmatch(declarations.get("text-indent", ""))
        or _FAR.fullmatch(declarations.get("left", ""))
        or _SCALE_ZERO.search(declarations.get("transform", ""))
    ):
        hides = _NONE
    direction = declarations.get("direction", "")
    return _Effect(
        hides,
        declarations.get("visibility") == "visible",
        _ABSOLUTE_SIZE.fullmatch(declarations.get("font-size", "")) is not None
        and not _tiny(declarations.get("font-size", "")),
        declarations.get("unicode-bidi") in ("bidi-override", "isolate-override"),
        direction if direction in ("rtl", "ltr") else "",
        **found,
    )


# Style sheet rules are indexed under one key each (a class, an id, a tag), and an element
# checks the rules under each of its keys: rules that all require ``.a`` (``.a.c1``, ...
# ``.a.c9999``) make every ``.a`` element check all of them, and a page of such elements
# check rules times elements (a 1 MB page: minutes). So past ``GROUP_MATCH_RULES`` rules under
# one key, an element with the key takes what any of them does, unchecked; and past
# ``SELECTOR_CHECKS`` checks in a page, every element does so for every key it has. That is
# the reading of the selectors this module makes anyway (``_Selector``), only wider: an
# element taken as hidden has its text read all the same, as hidden text (one rule,
# ``.never .a``, already makes every ``.a`` taken as hidden). Blocking such a page as too
# large instead would turn away a page with a large style sheet for what is still read whole.
GROUP_MATCH_RULES = 32
SELECTOR_CHECKS = 500_000


@dataclass
class _Group:
    """The style sheet rules indexed under one key, and the union of what they do."""

    rules: dict[tuple[_Selector, _Effect], None] = field(default_factory=dict)
    effects: dict[_Effect, None] = field(default_factory=dict)


@dataclass
class _Hidden:
    """An open element that hides its text (or, ``shows``, one inside it that shows it again)."""

    tag: str
    tables: int  # the tables open when it started: it is active while no other has opened
    kind: str
    shows: bool = False
    depth: int = 1  # open elements of its tag, itself included


@dataclass(eq=False)  # found and removed by identity: two frames may hold the same
class _Frame:
    """A container whose pieces layout may show in another order than stored: a flex or grid
    container ("flex"; "reverse" for ``row-reverse``), a run of floated or ordered siblings
    ("float", "flex"; ``virtual``: their parent is not known), an SVG ``<text>`` ("svg",
    pieces placed by their ``x``; ``xs``, its characters' own). Its pieces' texts, in the
    other orders, are read as hidden text when it ends."""

    kind: str
    virtual: bool = False
    level: int = 0  # open watched elements when it started (a virtual one ends below it)
    xs: tuple[float, ...] = ()
    pieces: list[tuple[tuple[float, ...] | None, list[str]]] = field(default_factory=list)
    open: bool = False  # its last piece is an element still open
    loose: bool = False  # its last piece is text outside any element


@dataclass
class _Watch:
    """An open element with something to do at its end, or to hand down to its children."""

    tag: str
    depth: int = 1  # open elements of its tag, itself included
    after: str = ""  # text generated after its own
    after_guessed: str = ""  # by rules read as any element's
    quotes: tuple[str, ...] = ()
    marker: str = ""
    direction: str = ""
    frame: _Frame | None = None
    piece: _Frame | None = None
    tight: bool = False


def html_units(
    chunks: Iterable[str],
    where: Where,
    title: str = "",
    *,
    limits: Limits = Limits(),  # noqa: B008 - frozen, so sharing the default is safe
    source: Source | None = None,
) -> Iterator[Unit]:
    """The units of an HTML document given as text chunks. ``title`` is the context when the
    page gives none (an email's subject). ``source`` is the file the page is in, for the
    nested sources of its data URIs; without one, their text is read in place."""
    parser = _Parser(where, title, limits, source)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield from parser.drain()
        parser.close()
    except AssertionError as e:
        # The standard library's markup base asserts on some malformed declarations
        # (``<![-``) instead of raising a parse error.
        raise Unscannable("corrupt: malformed HTML declaration") from e
    yield from parser.drain()


class _HtmlReader:
    name = "html"

    def accepts(self, probe: Probe) -> bool:
        encoding = _bom_encoding(probe.head) or sniff_encoding(probe.head)
        if encoding is None:  # binary: not a page
            return False
        return _TAG.search(probe.head.decode(encoding, "ignore")) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream:
            head = stream.read(_CHUNK)
            decoder = codecs.getincrementaldecoder(_encoding(head))("replace")
            chunks = _decoded(decoder, head, stream)
            yield from html_units(chunks, Where(), limits=limits, source=source)


def _decoded(decoder: codecs.IncrementalDecoder, head: bytes, stream: BinaryIO) -> Iterator[str]:
    yield decoder.decode(head)
    for data in iter(lambda: stream.read(_CHUNK), b""):
        yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _encoding(head: bytes) -> str:
    """The byte order mark, else ``<meta charset>``, else UTF-8 if the head is UTF-8, else
    cp1252 (which browsers use for latin-1 too)."""
    bom = _bom_encoding(head)
    if bom:
        return bom
    if b"\x00" in head[:1024]:  # UTF-16 without a byte order mark
        sniffed = sniff_encoding(head)
        if sniffed is not None and sniffed.startswith("utf-16"):
            return sniffed
    declared = _META_CHARSET.search(head[:4096])
    if declared:
        # Labels as browsers know them (``x-sjis``, ``unicode``...); one they do not know is
        # ignored, as they ignore it, and the bytes decide: a page labelled utf-7 is shown
        # as its bytes are, and read as UTF-7 its "+A212345678" would be lost.
        name = web_codec_for(declared.group(1).decode("ascii", "replace")) or ""
        if name.startswith("utf-16"):  # a lie in an 8-bit file: UTF-8 (WHATWG)
            return "utf-8"
        if name:
            return name
    # A Japanese, Chinese or Korean page with no label is detected as a browser does.
    sniffed = sniff_encoding(head) if b"\x1b" in head or not head.isascii() else None
    if sniffed is not None and is_cjk(sniffed):
        return sniffed
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not a character cut by the read
            return "cp1252"
    return "utf-8"


@dataclass
class _Table:
    title: str
    rows: list[list[Cell]] = field(default_factory=list)
    row: list[Cell] | None = None
    row_all_th: bool = True
    cell: list[str] | None = None
    cell_th: bool = False
    formula: str = ""  # the cell's ``x:fmla`` (Excel's HTML): what Excel computes on opening
    colspan: int = 1
    rowspan: int = 1
    # Cells of rows above that span into this row: column -> (rows left, this one included;
    # value); and those that cells of this row start, for the rows below.
    spans: dict[int, tuple[int, Cell]] = field(default_factory=dict)
    new_spans: dict[int, tuple[int, Cell]] = field(default_factory=dict)
    header: list[Cell] | None = None  # the first row, when it is all <th>
    rows_seen: int = 0
    cells: int = 0  # in the current slice
    caption: list[str] | None = None
    emitted: bool = False


class _Parser(HTMLParser):
    def __init__(self, where: Where, title: str, limits: Limits, source: Source | None):
        super().__init__(convert_charrefs=True)
        self._where = where
        self._unread_formulas = 0
        self._limits = limits
        self._source = source
        # Hidden carriers, each buffered as lines and flushed as a hidden Text of its part.
        self._carriers: dict[str, list[str]] = {
            "hidden text": [],
            "attributes": [],
            "scripts": [],
            "styles": [],
            "comments": [],
        }
        self._read: dict[str, int] = {"body": 0}  # part -> characters read
        self._images = 0  # data-URI pictures: bytes
        self._uris = 0  # data URIs met, to name them
        self._script_kind = ""
        self._hiding: list[_Hidden] = []  # open hidden elements, innermost last
        self._hidden_text: list[str] = []
        # Style sheet rules that hide, or that force right-to-left order (bidi-override): by
        # selector, as the sheets are met (a rule after the element it hides is not applied to
        # it: that element's text is read as shown, and in the hidden text too).
        # Indexed by a class, an id, a tag or "[" (attributes only) the selector requires.
        self._css: dict[str, _Group] = {}
        # Rules that only show text again (a font size, ``visibility:visible``): looked at
        # inside hidden elements only.
        self._css_shows: dict[str, _Group] = {}
        self._css_rules_read = 0
        self._checks_left = SELECTOR_CHECKS  # see GROUP_MATCH_RULES
        self._effects_for: tuple[object, list[_Effect]] = (None, [])
        self._bidi: list[list[Any]] = []  # open override elements: [tag, depth]
        self._watch: list[_Watch] = []  # open elements watched (``_generate``)
        self._frames: list[_Frame] = []  # open layout containers, innermost last
        self._counters: dict[str, int] = {}
        self._counter_styles: dict[str, str] = {}  # name -> the first marker it draws
        self._generated_all: dict[_Effect, None] = {}  # generated by selectors read as any
        self._layout_left = LAYOUT_CHARS
        self._default_title = title
        self._out: deque[Unit] = deque()
        self._page_title: list[str] | None = None
        self._page_title_text = ""
        self._heading: list[str] | None = None
        self._held = 0  # characters in the open title, caption or heading
        self._span_cells = SPAN_CELLS
        self._headings: list[tuple[int, str]] = []  # the open headings: (level, text)
        self._intro = ""  # the last line since the heading: it may introduce a table
        self._line: list[str] = []
        self._lines: list[str] = []
        self._item = False  # the next line is a list item
        # A description list's term and its description make one line, ``term: description``
        # (``_term``): the open one of them, and whether the line holds a term's label.
        self._term: str | None = None
        self._term_label = False
        self._pre = 0
        self._skip: str | None = None  # inside <script> or <style>
        self._script: list[str] = []  # the text of the open script or style
        self._tables: list[_Table] = []

    def drain(self) -> Iterator[Unit]:
        while self._out:
            yield self._out.popleft()

    def close(self) -> None:
        super().close()
        # A title, caption or heading never closed is text like any other.
        for held in (self._page_title, self._heading):
            self._line += held or []
        while self._tables:
            self._end_table()
        if self._skip:  # a script or style never closed is read all the same
            self._end_script()
        while self._frames:
            self._close_frame(self._frames[-1])
        if self._hiding:  # so is a hidden element never closed
            self._carry("hidden text", _lines("".join(self._hidden_text)))
            self._hiding, self._hidden_text = [], []
        self._flush_line()
        self._flush_section()
        for carrier in self._carriers:
            self._flush_carrier(carrier, 0)
        self._out.extend(self._parts())

    def _part_name(self, name: str) -> str:
        return f"{self._where.part}/{name}" if self._where.part else name

    def _parts(self) -> list[Part]:
        kinds = {"body": "html", "attributes": "attribute", "scripts": "script"}
        kinds |= {"styles": "style", "comments": "comment", "hidden text": "html"}
        # The page's text is "html body" ("body" alone would merge with the text reader's).
        names = {"body": self._where.part or "html body"}
        parts = [
            Part(names.get(name) or self._part_name(name), kinds.get(name, name), size, PARSED)
            for name, size in self._read.items()
        ]
        if self._unread_formulas:
            why = unread_reason(self._unread_formulas)
            parts.append(Part(self._part_name("formulas"), "formula", 0, UNREAD, why))
        if self._images:
            parts.append(
                Part(
                    self._part_name("images"),
                    "image",
                    self._images,
                    UNREAD,
                    PICTURE_REASON,
                    blocks=False,
                )
            )
        return parts

    def _carry(self, carrier: str, lines: list[str]) -> None:
        """Lines of a hidden carrier, as one paragraph."""
        if not lines:
            return
        held = self._carriers[carrier]
        held.extend([*lines, ""])
        self._read[carrier] = self._read.get(carrier, 0) + sum(map(len, lines))
        self._flush_carrier(carrier)

    def _flush_carrier(self, carrier: str, at_least: int = TEXT_SLICE_LINES) -> None:
        held = self._carriers[carrier]
        if len(held) < max(at_least, 1):
            return
        while held and not held[-1]:
            held.pop()
        if held:
            where = Where(part=self._part_name(carrier), hidden=True)
            title = self._page_title_text or self._default_title
            self._out.append(Text(where, held, title))
        self._carriers[carrier] = []

    # Attributes, data URIs and scripts: what a program reading the page recovers.

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value for key, value in attrs if value and value.strip()}
        if not values:
            return
        label_key = next((key for key in _VALUE_LABELS if key in values), "")
        label_for_value = _collapse(values.get(label_key, ""))[:_TITLE_CHARS]
        has_value = "value" in values or "content" in values
        lines: list[str] = []
        for key, value in values.items():
            found = data_uri(value)
            if found is not None:
                self._data(tag, key, *found)
                continue
            if key == "style":
                self._css_uris(tag, value)
            if key == label_key and has_value and len(value) <= _TITLE_CHARS:
                continue  # it labels the value, below
            if key in ("value", "content") and label_for_value:
                lines.append(f"{label_for_value}: {_collapse(value)}")
            elif key in _BARE_ATTRIBUTES:
                # Identifiers, not labels: "name: description" would read as a person's name.
                lines.append(_collapse(value))
            else:
                lines.append(f"{key}: {_collapse(value)}")
            if key in _URL_ATTRIBUTES or "?" in value or "%" in value:
                lines.extend(url_lines(value))
            if key.startswith("on") or value.lstrip()[:11].lower() == "javascript:":
                lines.extend(decoded_literals(value))  # a handler is a script
            if "<" in value and ">" in value:  # srcdoc, a tooltip written in markup
                lines.extend(markup_lines(value))
        self._carry("attributes", lines)

    def _data(self, tag: str, key: str, media: str, data: bytes) -> None:
        self._uris += 1
        if self._uris > self._limits.max_entries:
            raise Unscannable(
                f"too many data URIs: more than {self._limits.max_entries} (limits.max_entries)"
            )
        text = picture(data)
        if text is not None:  # pixels are not read; the text a picture carries is
            self._images += len(data)
            self._carry("attributes", text)
            return
        name = f"{tag}-{key}-{self._uris}"
        if self._source is not None:
            self._out.append(nested(self._source, self._limits, name, data))
            return
        # No file to nest in (a page handed over as text): read what text the bytes hold.
        encoding = sniff_encoding(data[:8192])
        if encoding is None:
            raise Unscannable(f"data URI {self._uris} ({media}): not read: binary data")
        self._carry("attributes", _lines(data.decode(encoding, "replace")))

    def _css_uris(self, tag: str, css: str) -> None:
        """The data URIs of a style sheet or a style attribute, read as the ``<img>`` ones."""
        if "data:" not in css.lower():
            return
        for match in _CSS_URL.finditer(css):
            url = next((group for group in match.groups() if group is not None), "")
            found = data_uri(url)
            if found is not None:
                self._data(tag, "url", *found)

    def _css_rules(self, css: str) -> None:
        """The rules of a style sheet that hide an element, show it again inside a hidden one,
        or reverse its text (each kept once: a thousand rules that size spans are one). The
        strings of a rule that escapes characters are read decoded as CSS decodes them (the
        "styles" lines read them as JavaScript does, in which ``"\\41 212"`` is "! 212", not
        "A212")."""
        css = _CSS_COMMENT.sub(" ", css)
        escaped: list[str] = []
        for selectors, body in _CSS_RULE.findall(css):
            if "\\" in body:
                escaped.append(" ".join(_strings(body)))
            declarations = _declarations(body)
            if selectors.strip().lower().startswith("@counter-style"):  # a marker's symbols
                name = selectors.strip()[len("@counter-style") :].strip().lower()
                symbols = _strings(declarations.get("symbols", ""))
                ends = [_strings(declarations.get(key, "")) for key in ("prefix", "suffix")]
                if name and symbols and len(self._counter_styles) < 1_000:
                    prefix, suffix = ((end or ("",))[0] for end in ends)
                    self._counter_styles[name] = (prefix + symbols[0] + suffix)[:_GENERATED_CHARS]
                continue
            own = _effect(declarations)
            content = declarations.get("content", "")
            for name, number in own.counter_reset:  # a sheet after the root's start tag
                if name not in self._counters:
                    self._count(name, number, reset=True)
            if own == _NO_EFFECT and not content:
                continue
            for text in _SELECTOR_LIST.split(selectors):
                pseudo = _PSEUDO.search(text)
                if pseudo is not None:  # text generated before or after the element's
                    if not content:
                        continue
                    text = text[: pseudo.start()]
                    kind = pseudo.group(1).lower()
                    effect = (
                        _Effect(after=content)
                        if kind == "after"
                        else _Effect(marker_content=content)
                        if kind == "marker"
                        else _Effect(before=content)
                    )
                elif own == _NO_EFFECT:
                    continue
                else:
                    effect = own
                selector = _selector(text or "*")
                if self._css_rules_read >= self._limits.max_entries:
                    continue
                if selector is None and pseudo is not None:  # ``*::before``, ``:is(p)::after``
                    self._generated_all[effect] = None  # taken as every element's
                    self._css_rules_read += 1
                    continue
                if selector is None:
                    continue
                key = (
                    f".{min(selector.classes)}"
                    if selector.classes
                    else f"#{selector.id}"
                    if selector.id
                    else selector.tag or "["
                )
                shows_only = (effect.shows_visible or effect.shows_size) and effect == _Effect(
                    shows_visible=effect.shows_visible, shows_size=effect.shows_size
                )
                index = self._css_shows if shows_only else self._css
                group = index.setdefault(key, _Group())
                group.rules[(selector, effect)] = None
                group.effects[effect] = None
                self._css_rules_read += 1
        self._carry("styles", [line for line in map(_collapse, escaped) if line])

    def _effects(
        self, tag: str, attrs: list[tuple[str, str | None]], shows: bool = False
    ) -> list[_Effect]:
        """What the rules that may apply to an element, and its own style, do to its text.
        Any rule that may apply counts (a rule that shows it again may be one for hover).
        Worked out once per start tag: every element of every page comes here."""
        if self._effects_for[0] is attrs and not shows:
            return self._effects_for[1]
        found: list[_Effect] = []
        css = self._css_shows if shows else self._css
        rules = [css[tag]] if tag in css else []
        if attrs and css:
            rules += [css["["]] if "[" in css else []
            for key, value in attrs:
                if key == "id" and value and f"#{value.lower()}" in css:
                    rules.append(css[f"#{value.lower()}"])
                elif key == "class" and value:
                    rules += [
                        css[f".{name}"] for name in value.lower().split() if f".{name}" in css
                    ]
        if rules:
            values = {key: (value or "").lower() for key, value in attrs}
            classes = frozenset(values.get("class", "").split())
            for group in rules:
                if len(group.rules) > self._checks_left:
                    self._checks_left = 0  # from now on, every group is taken whole
                if len(group.rules) > GROUP_MATCH_RULES or not self._checks_left:
                    found.extend(effect for effect in group.effects if effect not in found)
                    continue
                self._checks_left -= len(group.rules)
                for selector, effect in group.rules:
                    if effect not in found and selector.matches(tag, values, classes):
                        found.append(effect)
        presentation: dict[str, str] = {}
        if not shows:
            found.extend(self._generated_all)
        for key, value in attrs:
            if key == "style" and value:
                found.append(_effect(_declarations(value)))
            elif key in _PRESENTATION and value:
                presentation[key] = value
        if presentation:
            found.append(_effect(presentation))
        if not shows:
            self._effects_for = (attrs, found)
        return found

    def _start_script(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag
        self._script = []
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        self._script_kind = "css" if tag == "style" else kind

    def _end_script(self) -> None:
        text = "".join(self._script)
        kind, tag = self._script_kind, self._skip
        self._skip, self._script = None, []
        if not text.strip():
            return
        # Read, even when nothing in it is text: the part is listed.
        self._read.setdefault("styles" if tag == "style" else "scripts", 0)
        if tag == "style":
            self._css_rules(text)
            self._css_uris("style", text)
            self._carry("styles", script_lines(text))
        elif kind in _JS_SCRIPTS:
            self._carry("scripts", script_lines(text))
            self._carry("scripts", decoded_literals(text))
        elif kind in _JSON_SCRIPTS or kind.endswith(("+json", "/json")):
            self._json(text)
        else:  # a template, a text block, a type nobody runs: its markup's text
            self._carry("scripts", markup_lines(text))

    def _json(self, text: str) -> None:
        from approval.detect.readers.json import Flattener, units  # imported on use

        try:
            value = json.loads(text) if len(text) <= JSON_SCRIPT_CHARS else None
        except (ValueError, RecursionError):
            value = None
        if value is None or isinstance(value, str | int | float | bool):
            self._carry("scripts", script_lines(text))
            return
        self._read["scripts"] = self._read.get("scripts", 0) + len(text)
        where = Where(part=self._part_name("scripts"), hidden=True)
        # Each unit's records are taken before the next unit is made: the grouping is lazy.
        for unit in units(Flattener(self._limits).value(value, "", 0), where):
            if isinstance(unit, Records):
                unit.records = list(unit.records)
            elif isinstance(unit, Table):
                unit.rows = list(unit.rows)
            self._out.append(unit)

    # Events.

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            return
        if (
            not (attrs or self._hiding or self._bidi)
            and tag not in _MARKED
            and tag not in self._css
            and not self._generated_all
        ):
            self._start(tag, attrs)  # the common case, kept short
            if self._watch and tag not in _VOID:
                self._generate(tag, attrs)
            return
        self._attributes(tag, attrs)
        if self._hide(tag, attrs):
            return
        if self._bidi and self._bidi[-1][0] in ("td", "th") and tag in ("td", "th", "tr"):
            self._bidi[-1][1] = 1  # the cell ends where the next one starts
            self._end_override(self._bidi[-1][0])
        self._start(tag, attrs)
        self._override(tag, attrs)
        if tag not in _VOID:
            self._generate(tag, attrs)

    # Hidden elements (``hidden``, ``display:none``, ``visibility:hidden``, ``font-size:0``,
    # ``opacity:0``, in a style attribute or a style sheet's rule, templates): the page's text
    # is read as a browser shows it, without them (a value with hidden filler inside it,
    # ``A218<span hidden>999</span>343183``, is the value), and their text is read too, as the
    # hidden part "hidden text". Tables in them stay tables.

    def _hiding_now(self) -> bool:
        top = self._hiding[-1] if self._hiding else None
        return top is not None and not top.shows and top.tables == len(self._tables)

    def _hide(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        """Whether the tag was taken as the start or the inside of a hidden element."""
        top = self._hiding[-1] if self._hiding else None
        active = top is not None and top.tables == len(self._tables)
        if top is not None and active and not top.shows:
            if tag in ("table", "script", "style"):
                return False
            if self._tables and tag in _CELL_ENDS:  # the cell it was in ends, and so does it
                self._close_hidden()
                return False
            if tag in _BLOCKS or tag in _HEADINGS:
                self._hidden_text.append("\n")
            if top.kind != _NONE and self._shows(tag, attrs, top.kind):
                self._hiding.append(_Hidden(tag, len(self._tables), "", shows=True))
                return False
            top.depth += tag == top.tag
            return True
        if tag in _VOID or tag in _TABLE_TAGS or tag in ("script", "style", "title"):
            return False
        kind = self._hidden_kind(tag, attrs)
        if kind:
            if kind != _NONE and (tag in _BLOCKS or tag in _HEADINGS):
                self._end_block()  # it takes its room on the page, blank
            if self._hidden_text:
                self._hidden_text.append("\n")
            self._hiding.append(_Hidden(tag, len(self._tables), kind))
            return True
        if top is not None and active and tag == top.tag:
            top.depth += 1
        return False

    def _hidden_kind(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        if any(key == "hidden" for key, _ in attrs) or (
            tag == "template" and not any(key.startswith("shadowroot") for key, _ in attrs)
        ):  # a declarative shadow root is shown where its host is
            return _NONE
        # Any rule that may apply and hides it hides it: a later rule that shows it again
        # may be one that applies only on hover, or not at all.
        kinds = {effect.hides for effect in self._effects(tag, attrs)}
        return next((kind for kind in (_NONE, _VISIBILITY, _SIZE) if kind in kinds), "")

    def _shows(self, tag: str, attrs: list[tuple[str, str | None]], kind: str) -> bool:
        """Whether an element inside a hidden one shows its text again (``visibility:
        visible``, an absolute font size)."""
        effects = self._effects(tag, attrs) + self._effects(tag, attrs, shows=True)
        if kind == _VISIBILITY:
            return any(effect.shows_visible for effect in effects)
        return any(effect.shows_size for effect in effects)

    def _close_hidden(self) -> None:
        """The innermost hidden (or shown-again) element ends."""
        self._hiding.pop()
        if not self._hiding:
            self._carry("hidden text", _lines("".join(self._hidden_text)))
            self._hidden_text = []

    def _unhide(self, tag: str) -> bool:
        """Whether the end tag was inside a hidden element (and taken)."""
        top = self._hiding[-1] if self._hiding else None
        if top is None or top.tables != len(self._tables):
            return False
        if tag == top.tag:
            top.depth -= 1
            if top.depth == 0:
                self._close_hidden()
            return not top.shows
        if self._tables and tag in _CELL_ENDS:
            while self._hiding and self._hiding[-1].tables == len(self._tables):
                self._close_hidden()
            return False
        if top.shows:
            return False
        if tag in _BLOCKS or tag in _HEADINGS:
            self._hidden_text.append("\n")
        return True

    # Text shown in the reverse of the order it is stored in: ``<bdo dir=rtl>``, or
    # ``unicode-bidi: bidi-override`` with ``direction: rtl``. The element's text is marked
    # with the override characters, and lines and cells are read as shown (``_shown``).

    def _override(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        top = self._bidi[-1] if self._bidi else None
        override = tag == "bdo"
        effects = self._effects(tag, attrs)
        if not (override or effects):
            if top is not None and tag == top[0]:
                top[1] += 1
            return
        direction = next(((v or "").lower().strip() for k, v in attrs if k == "dir"), "")
        for effect in effects:
            override |= effect.override
            direction = effect.direction or direction
        if override and direction not in ("rtl", "ltr"):  # the direction is inherited
            direction = next((w.direction for w in reversed(self._watch) if w.direction), "")
        if override and direction in ("rtl", "ltr"):
            self.handle_data(_RLO if direction == "rtl" else _LRO)
            self._bidi.append([tag, 1])
        elif top is not None and tag == top[0]:
            top[1] += 1

    def _end_override(self, tag: str) -> None:
        top = self._bidi[-1] if self._bidi else None
        if top is not None and tag == top[0]:
            top[1] -= 1
            if top[1] == 0:
                self._bidi.pop()
                self.handle_data(_PDF)

    # Text CSS generates, read in place (``::before``/``::after`` content, ``<q>`` quotes, a
    # string list marker), and layout that may show pieces in another order (``_Frame``) or
    # close a space (``_TIGHT_IN``): watched from an element's start to its end.

    def _generate(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        effects = (
            self._effects(tag, attrs) if attrs or tag in self._css or self._generated_all else []
        )
        top = self._watch[-1] if self._watch else None
        direction = next((v or "" for k, v in attrs if k == "dir"), "").strip().lower()
        if not (effects or direction) and tag not in _GENERATING:
            if self._frames and not self._frames[-1].open:  # a container's piece
                watch = _Watch(tag)
                self._piece(watch, None, False, ())
                if watch.piece is not None:
                    self._watch.append(watch)
                    return
            if top is not None and tag == top.tag:
                top.depth += 1
            return
        watch = _Watch(tag)
        watch.direction = direction if direction in ("rtl", "ltr") else ""
        # Every rule that may apply (a browser shows one), and whether only rules read as any
        # element's give it.
        befores: dict[str, bool] = {}
        afters: dict[str, bool] = {}
        markers: dict[str, None] = {}
        layout, place, float_right = "", None, False
        for effect in effects:
            for name, number in effect.counter_reset:
                self._count(name, number, reset=True)
            for name, number in effect.counter_increment:
                self._count(name, number)
            guessed = effect in self._generated_all
            if effect.before:
                befores[effect.before] = befores.get(effect.before, True) and guessed
            if effect.after:
                afters[effect.after] = afters.get(effect.after, True) and guessed
            if effect.marker_content:
                markers[effect.marker_content] = None
            watch.quotes = effect.quotes or watch.quotes
            watch.marker = (
                effect.marker or self._counter_styles.get(effect.marker_style, "") or watch.marker
            )
            watch.direction = effect.direction or watch.direction
            watch.tight |= effect.tight
            layout, place = effect.layout or layout, effect.place or place
            float_right |= effect.float_right
        quotes = watch.quotes or next((w.quotes for w in reversed(self._watch) if w.quotes), ())
        text, guessed_text = (
            "".join(self._content(v, attrs, quotes) for v, g in befores.items() if g is guess)
            for guess in (False, True)
        )
        watch.after, watch.after_guessed = (
            "".join(self._content(v, attrs, quotes) for v, g in afters.items() if g is guess)
            for guess in (False, True)
        )
        if tag == "q" and quotes:
            text, watch.after = quotes[0] + text, watch.after + (quotes[1:] or ("",))[0]
        # A ``::marker``'s content is drawn instead of the list marker (and is read before
        # any other element's text); a ``::before``'s is drawn after the marker.
        marker = "".join(self._content(value, attrs, quotes) for value in markers)
        if tag == "li" and not markers:
            marker = watch.marker or next((w.marker for w in reversed(self._watch) if w.marker), "")
        text = marker[:_GENERATED_CHARS] + text
        xs = _numbers_all(attrs, "x") if tag in ("text", "tspan") else ()
        self._piece(watch, place, float_right, xs)
        if (layout or tag == "text" or len(xs) > 1) and len(self._frames) < LAYOUT_FRAMES:
            watch.frame = _Frame(layout or "svg", xs=xs if len(xs) > 1 else ())
            self._frames.append(watch.frame)
        if (
            watch.after
            or watch.after_guessed
            or watch.tight
            or watch.frame
            or watch.piece
            or watch.quotes
            or (watch.marker or watch.direction)
        ):
            self._watch.append(watch)
        elif top is not None and tag == top.tag:
            top.depth += 1
        if watch.tight:
            self._visible(_TIGHT_IN)
        self._generated(text, guessed_text)

    def _generated(self, text: str, guessed: str) -> None:
        """Generated text, read in place; ``guessed``, by rules read as any element's, marked
        (``_GUESS_IN``): its line is read also without it."""
        if text:
            self.handle_data(text)
        if guessed:
            self._visible(_GUESS_IN)
            self.handle_data(guessed)
            self._visible(_GUESS_OUT)

    def _piece(
        self,
        watch: _Watch,
        place: tuple[float, ...] | None,
        float_right: bool,
        xs: tuple[float, ...],
    ) -> None:
        """Starts the element as a piece of the open container, or of a run of floated or
        ordered siblings."""
        if self._layout_left <= 0:
            return
        frame = self._frames[-1] if self._frames else None
        key = xs[:1] or place
        if frame is None or frame.open:
            if not (place or float_right) or len(self._frames) >= LAYOUT_FRAMES:
                return
            frame = _Frame("float" if float_right else "flex", virtual=True, level=len(self._watch))
            self._frames.append(frame)
        if len(frame.pieces) >= LAYOUT_PIECES:
            return
        frame.pieces.append((key, []))
        frame.open, frame.loose = True, False
        watch.piece = frame

    def _collect(self, data: str) -> None:
        """Visible text, into the pieces of the open layout containers."""
        for frame in list(self._frames):
            if not frame.open and not frame.loose:
                if not data.strip():
                    continue
                if frame.virtual:  # text between floated siblings ends their run
                    self._close_frame(frame)
                    continue
                if len(frame.pieces) >= LAYOUT_PIECES:
                    continue
                frame.pieces.append((None, []))
                frame.loose = True
            if self._layout_left <= 0:
                return
            self._layout_left -= len(data)
            pieces = frame.pieces[-1][1]
            pieces.append(data)
            if len(pieces) > 8 or len(data) > 2 * _PIECE_EDGE:
                text = "".join(pieces)
                if len(text) > 3 * _PIECE_EDGE:
                    text = text[:_PIECE_EDGE] + " " + text[-_PIECE_EDGE:]
                pieces[:] = [text]

    def _end_watch(self) -> None:
        watch = self._watch[-1]
        watch.depth -= 1
        if watch.depth:
            return
        self._watch.pop()
        self._generated(watch.after, watch.after_guessed)
        if watch.tight:
            self._visible(_TIGHT_OUT)
        if watch.frame is not None:
            self._close_frame(watch.frame)
        if watch.piece is not None:
            watch.piece.open = False
        while (
            self._frames and self._frames[-1].virtual and self._frames[-1].level > len(self._watch)
        ):
            self._close_frame(self._frames[-1])

    def _close_frame(self, frame: _Frame) -> None:
        """The other orders a container's pieces may be shown in, read as hidden text."""
        if frame in self._frames:
            self._frames.remove(frame)
        texts = [_piece_text("".join(text)) for _, text in frame.pieces]
        lines: list[str] = []
        if frame.xs:  # characters placed one by one
            chars = "".join(texts)
            last = frame.xs[-1]
            places = [*frame.xs, *(last + (i + 1) * 1e-6 for i in range(len(chars)))]
            lines.append(
                "".join(c for _, c in sorted(zip(places, chars, strict=False), key=lambda p: p[0]))
            )
        if len(texts) > 1:
            keys: list[tuple[float, ...]] = []
            for key, _ in frame.pieces:
                default = keys[-1] if frame.kind == "svg" and keys else (0.0,)
                keys.append(key if key is not None else default)
            stored = list(range(len(texts)))
            ordered = sorted(stored, key=lambda i: keys[i])
            orders = [stored, ordered]
            if frame.kind in ("reverse", "float"):
                orders += [stored[::-1], ordered[::-1]]
            for order in orders:
                lines += ["".join(texts[i] for i in order), " ".join(texts[i] for i in order)]
        self._carry("hidden text", list(dict.fromkeys(line for line in lines if line)))

    def _count(self, name: str, number: int, reset: bool = False) -> None:
        if reset or name in self._counters or len(self._counters) < 64:
            self._counters[name] = number if reset else self._counters.get(name, 0) + number

    def _content(
        self, value: str, attrs: list[tuple[str, str | None]], quotes: tuple[str, ...]
    ) -> str:
        """The text a ``content`` value generates for an element."""
        if not value or value.lower() in ("none", "normal"):
            return ""
        parts: list[str] = []
        for one, two, attribute, quote, counter in _CSS_TOKEN.findall(value):
            if one or two:
                parts.append(_unescape(one or two))
            elif attribute:
                parts.append(next((v or "" for k, v in attrs if k == attribute.lower()), ""))
            elif quote:
                index = 0 if quote.lower() == "open-quote" else 1
                parts.append(quotes[index] if len(quotes) > index else "")
            elif counter:
                parts.append(str(self._counters.get(counter.lower(), 0)))
        return "".join(parts)[:_GENERATED_CHARS]

    def _shown(self, text: str) -> str:
        """A line or a cell as shown; the order it is stored in, and the line with the text of
        hidden elements in place, are read as hidden text."""
        if _GUESS_IN in text or _GUESS_OUT in text:
            text, guessed = text.translate(_GUESS_MARKS), text
            without = _collapse(_GUESSED.sub("", guessed).translate(_BIDI_CONTROLS))
            if without and without != _collapse(text.translate(_BIDI_CONTROLS)):
                self._carry("hidden text", [without])
        if _TIGHT_IN in text:
            tight = _TIGHT.sub(lambda m: _WHITESPACE.sub("", m.group(1)), text)
            text = text.translate(_TIGHT_MARKS)
            tight = _collapse(displayed(tight.translate(_TIGHT_MARKS)))
            if tight != _collapse(displayed(text)):
                self._carry("hidden text", [tight])
        elif _TIGHT_OUT in text:
            text = text.translate(_TIGHT_MARKS)
        if _IN in text:
            stored = _collapse(text.replace(_IN, "").replace(_OUT, "").translate(_BIDI_CONTROLS))
            text = _INLINE_HIDDEN.sub("", text)
            if stored != _collapse(text.translate(_BIDI_CONTROLS)):
                self._carry("hidden text", [stored])
        if _RLO not in text and _LRO not in text:
            return _collapse(text.translate(_BIDI_CONTROLS) if _PDF in text else text)
        shown = _collapse(displayed(text))
        stored = _collapse(text.translate(_BIDI_CONTROLS))
        if stored != shown:
            self._carry("hidden text", [stored])
        return shown

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._start_script(tag, attrs)
        elif tag == "title" and not self._tables:
            self._page_title, self._held = [], 0
        elif tag in _HEADINGS and not self._cell_open():
            self._end_block()
            self._heading, self._held = [], 0
        elif tag == "table":
            self._start_table()
        elif self._tables and tag in ("tr", "td", "th", "caption"):
            self._table_tag(tag, attrs)
        elif tag == "br":
            self._break()
        elif tag in _TERMS and not self._cell_open() and self._heading is None:
            self._start_term(tag)
        elif tag in _BLOCKS:
            self._end_block()
            self._pre += tag == "pre"
            self._item = tag == "li" and not self._cell_open()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            return
        self._attributes(tag, attrs)
        if self._hiding_now():
            return
        if tag not in _VOID and tag not in _TABLE_TAGS and self._hidden_kind(tag, attrs):
            # ``<span hidden/>``: HTML ignores the slash, and the element is open.
            self._hide(tag, attrs)
            return
        if tag == "br":
            self._break()
        elif tag in _BLOCKS:
            self._end_block()
        elif tag not in ("script", "style"):  # <script/> opens nothing
            self._start(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip:
                self._end_script()
            return
        if self._unhide(tag):
            return
        if self._watch:
            while self._watch[-1].tag != tag and self._watch[-1].tag in _IMPLIED_ENDS:
                self._watch[-1].depth = 1  # an element whose end tag may be left out
                self._end_watch()
                if not self._watch:
                    break
            if self._watch and self._watch[-1].tag == tag:
                self._end_watch()
        if self._bidi:
            self._end_override(tag)
        if tag == "title" and self._page_title is not None:
            self._page_title_text = _collapse("".join(self._page_title))
            self._page_title = None
        elif tag in _HEADINGS and self._heading is not None:
            heading = _collapse("".join(self._heading))[:_TITLE_CHARS]
            self._heading = None
            if heading:
                self._flush_section()
                level = int(tag[1])
                while self._headings and self._headings[-1][0] >= level:
                    self._headings.pop()
                self._headings.append((level, heading))
                self._intro = ""
        elif tag == "table" and self._tables:
            self._end_table()
        elif self._tables and tag in ("tr", "td", "th", "caption"):
            self._table_end_tag(tag)
        elif tag in _TERMS and not self._cell_open() and self._heading is None:
            self._end_term(tag)
        elif tag in _BLOCKS:
            self._end_block()
            if tag == "pre" and self._pre:
                self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            self._script.append(data)
            return
        self._read["body"] += len(data)
        if not data.isascii() and _ANY_MARK.search(data):
            data = data.translate(_MARKS)
        if self._hiding_now():
            self._hidden_text.append(data)
            if self._hidden_inline():
                # Marked piece by piece: a preformatted block splits its text at line ends.
                self._visible("\n".join(_IN + piece + _OUT for piece in data.split("\n")))
            return
        if self._frames:
            self._collect(data)
        self._visible(data)

    def _hidden_inline(self) -> bool:
        """Whether the hidden element being read stands inside a line or a cell (no block or
        heading hides it)."""
        level = len(self._tables)
        return not any(
            h.tag in _BLOCKS or h.tag in _HEADINGS or h.tag == "template"
            for h in self._hiding
            if h.tables == level and not h.shows
        )

    def _visible(self, data: str) -> None:
        if self._page_title is not None:
            self._page_title.append(data)
            if self._overflows(data):
                self._line += self._page_title
                self._page_title = None
        elif self._tables and self._tables[-1].caption is not None:
            self._tables[-1].caption.append(data)
            if self._overflows(data):
                self._line += self._tables[-1].caption
                self._tables[-1].caption = None
        elif self._cell_open():
            cell = self._tables[-1].cell
            if cell is not None:
                cell.append(data)
        elif self._heading is not None:
            self._heading.append(data)
            if self._overflows(data):
                self._line += self._heading
                self._heading = None
        elif self._pre:
            first, *rest = data.split("\n")
            self._line.append(first)
            for piece in rest:
                self._flush_line()
                self._line.append(piece)
        else:
            self._line.append(data)

    def handle_comment(self, data: str) -> None:
        self._carry("comments", _lines(data))

    # Declarations, processing instructions and CDATA sections hold text a program reads.
    def handle_decl(self, decl: str) -> None:
        if decl.strip().lower() != "doctype html":  # the one every page has
            self._carry("comments", _lines(decl))

    def handle_pi(self, data: str) -> None:
        self._carry("comments", _lines(data))

    def unknown_decl(self, data: str) -> None:
        self._carry("comments", _lines(data.removeprefix("CDATA[")))

    def _overflows(self, data: str) -> bool:
        """Whether a title, caption or heading has grown too long to be one: left unclosed,
        it would swallow the page."""
        self._held += len(data)
        return self._held > _CONTEXT_CHARS

    # Text, as the text classifier reads it: a blank line ends a paragraph (a record), "- "
    # starts a list item, a line break within a paragraph is a space.

    def _break(self) -> None:
        # ``<br>`` outside a cell or heading ends a line (not a paragraph): a list written
        # with line breaks (``Granted asylum<br>Ana Perez<br>...``) keeps one name a line.
        if self._cell_open() or self._heading is not None:
            self._space()
        else:
            self._flush_line()

    # A description list (``<dl><dt>Name</dt><dd>Ruby Stephens</dd>...``) is label/value
    # pairs: each read as the line ``Name: Ruby Stephens``, the pairs of one list one paragraph
    # (one record), as a form's lines are. A term without a description is a line of its own;
    # a second description of one term a line of its own too. End tags may be left out.

    def _start_term(self, tag: str) -> None:
        if tag == "dd" and self._term == "dt":
            self._end_term("dt")
        if not (tag == "dd" and self._term_label):
            self._flush_line()
            self._term_label = False
        self._term = tag

    def _end_term(self, tag: str) -> None:
        if tag == "dt" and self._term == "dt":
            label = "".join(self._line).strip()
            if label:
                self._line.append(" " if label.endswith((":", "：")) else ": ")
                self._term_label = True
        else:
            self._flush_line()
            self._term_label = False
        self._term = None

    def _space(self) -> None:
        cell = self._tables[-1].cell if self._tables else None
        held = self._heading if self._heading is not None else cell
        (held if held is not None else self._line).append(" ")

    def _end_block(self) -> None:
        if self._cell_open() or self._heading is not None:
            self._space()
            return
        self._flush_line()
        if self._lines and self._lines[-1]:
            self._lines.append("")

    def _flush_line(self) -> None:
        line = self._shown("".join(self._line))
        self._line.clear()
        if line:
            if self._item:
                line, self._item = f"- {line}", False
            self._lines.append(line)
            self._intro = line
            if len(self._lines) >= TEXT_SLICE_LINES:
                self._flush_section()

    def _flush_section(self) -> None:
        while self._lines and not self._lines[-1]:
            self._lines.pop()
        if self._lines:
            self._out.append(Text(self._where, self._lines, self._title()))
        self._lines = []

    def _title(self) -> str:
        """The open headings, outermost first; else the page title; else the given one."""
        headings = " / ".join(text for _, text in self._headings)
        return headings or self._page_title_text or self._default_title

    # Tables.

    def _cell_open(self) -> bool:
        return bool(self._tables) and self._tables[-1].cell is not None

    def _start_table(self) -> None:
        if not self._tables:  # a table in a cell is a table of its own; the cell goes on after
            self._flush_line()
            self._flush_section()
        heading = self._title()
        intro = self._intro if self._intro != heading else ""
        title = ": ".join(part[:_TITLE_CHARS] for part in (heading, intro) if part)
        self._intro = ""
        self._tables.append(_Table(title=title))

    def _table_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        table = self._tables[-1]
        if tag == "caption":
            table.caption, self._held = [], 0
        elif tag == "tr":
            self._end_row(table)
            table.row = []
        else:
            self._end_cell(table)
            if table.row is None:
                table.row = []
            values = dict(attrs)
            table.cell = []
            table.cell_th = tag == "th"
            table.formula = values.get("x:fmla") or ""
            table.colspan = _span(values.get("colspan"), _MAX_COLSPAN)
            table.rowspan = _span(values.get("rowspan"), _MAX_ROWSPAN)

    def _table_end_tag(self, tag: str) -> None:
        table = self._tables[-1]
        if tag == "caption" and table.caption is not None:
            caption = _collapse("".join(table.caption))[:_TITLE_CHARS]
            table.title = caption or table.title
            table.caption = None
        elif tag == "tr":
            self._end_row(table)
        elif tag in ("td", "th"):
            self._end_cell(table)

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None or table.row is None:
            return
        value = self._shown("".join(table.cell))
        table.cell = None
        if table.formula and not value.strip():
            value = self._computed(table.formula)
        table.row_all_th &= table.cell_th
        row = table.row
        while len(row) in table.spans:  # cells from above come first
            row.append(table.spans[len(row)][1])
        column = len(row)
        colspan = self._spend(table.colspan - 1) + 1
        row.extend([value] + [""] * (colspan - 1))
        if table.rowspan > 1 and self._spend(colspan * (table.rowspan - 1)):
            for offset in range(colspan):
                table.new_spans[column + offset] = (table.rowspan - 1, "" if offset else value)

    def _computed(self, formula: str) -> str:
        """A cell of Excel's HTML that holds only a formula, as Excel shows it once computed:
        its value when made of constants; one that may build text no one can compute here is
        unread (its literals are read with the attributes)."""
        value, unread = computed(formula, lambda row, column: None)
        self._unread_formulas += unread
        return value or ""

    def _spend(self, cells: int) -> int:
        """``cells`` from the span budget, or 0 when it cannot pay for them all."""
        if cells > self._span_cells:
            self._span_cells = 0
            return 0
        self._span_cells -= cells
        return cells

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        row = table.row
        if row is None:
            return
        table.row = None
        if table.spans:
            last = max(table.spans)
            while len(row) <= last:
                span = table.spans.get(len(row))
                row.append(span[1] if span else "")
        table.spans = {
            column: (left - 1, value) for column, (left, value) in table.spans.items() if left > 1
        }
        table.spans.update(table.new_spans)
        table.new_spans = {}
        if not row:
            return
        if table.rows_seen == 0 and table.row_all_th:
            table.header = row
        table.row_all_th = True
        table.rows_seen += 1
        table.rows.append(row)
        table.cells += len(row)
        if len(table.rows) >= TABLE_SLICE_ROWS or table.cells >= TABLE_SLICE_CELLS:
            self._emit_rows(table)

    def _emit_rows(self, table: _Table) -> None:
        rows, table.rows, table.cells = table.rows, [], 0
        if rows and table.emitted and table.header is not None:
            rows.insert(0, table.header)
        if rows:
            self._out.append(Table(self._where, rows, table.title))
            table.emitted = True

    def _end_table(self) -> None:
        table = self._tables[-1]
        if table.caption is not None:
            self._table_end_tag("caption")
        self._end_row(table)
        self._emit_rows(table)
        self._tables.pop()


def _span(value: str | None, limit: int) -> int:
    try:
        number = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), limit)


def _collapse(text: str) -> str:
    if _IN in text:  # a title or a heading as shown (its hidden text is read as such)
        text = _INLINE_HIDDEN.sub("", text)
    if _TIGHT_IN in text or _TIGHT_OUT in text:
        text = text.translate(_TIGHT_MARKS)
    if _GUESS_IN in text or _GUESS_OUT in text:
        text = text.translate(_GUESS_MARKS)
    return _WHITESPACE.sub(" ", text).strip()


def _piece_text(text: str) -> str:
    if _RLO in text or _LRO in text:
        text = displayed(text)
    return _collapse(text.translate(_BIDI_CONTROLS).translate(_MARKS))


def _numbers_all(attrs: list[tuple[str, str | None]], name: str) -> tuple[float, ...]:
    value = next((v or "" for k, v in attrs if k == name), "")
    return tuple(float(n) for n in _NUMBER.findall(value)[: LAYOUT_PIECES * 16])


def _lines(text: str) -> list[str]:
    return [line for line in (_collapse(piece) for piece in text.splitlines()) if line]


# What a renderer shows of text with markup in it (``rendered``).
_OPEN = re.compile(r"<(?:!--|/?[A-Za-z]|[!?/])")
_NAME_END = re.compile(r"[\s/>]")
_COMMENT_END = re.compile(r"--!?>")
_TAG_STOP = re.compile(r"[>=]")
_TAG_END = re.compile(r">")
_VALUE_END = re.compile(r"[\s>]")
_REFERENCE_START = re.compile(r"&[#\w]{0,40}\Z")
# A tag longer than this, or one never ended, is text: a ``<`` in prose (``if a<b``) does
# not take the rest of the file for a tag.
RENDER_TAG_CHARS = 1024 * 1024
# Elements whose content is not shown (a script, a style sheet), up to this many characters:
# past it, or with no end tag, their content is rendered as text after all (read both ways,
# as the raw reading reads it all too), and no content is left out again.
RENDER_UNSHOWN_CHARS = 1024 * 1024
_UNSHOWN = {
    "script": re.compile(r"</script(?=[\s/>])", re.I),
    "style": re.compile(r"</style(?=[\s/>])", re.I),
}
_TEXT, _COMMENT, _BOGUS, _NAME, _IN_TAG, _AFTER_EQ, _QUOTED, _UNQUOTED, _UNSHOWN_TEXT = range(9)
_TAG_STATES = frozenset({_NAME, _IN_TAG, _AFTER_EQ, _QUOTED, _UNQUOTED})


def rendered(chunks: Iterable[str]) -> Iterator[str]:
    """Text that holds markup (Markdown, a page read as text) as a renderer shows it: character
    references decoded; comments, declarations and processing instructions left out; tags
    left out, the text around an inline element joined (``A2123<!---->45678``, ``asy<wbr>lum``)
    and a block element's (``BLOCK_ELEMENTS``) set apart as a paragraph; a script's or a style
    sheet's content left out; line ends kept (Markdown's paragraphs). Pieces of text come
    out, line ends in them. Linear: a construct's end is searched for in new text only, and a
    tag that does not end within ``RENDER_TAG_CHARS`` is text."""
    state, quote, name = _TEXT, "", ""
    buffer, at, start = "", 0, 0  # ``start``: where the open tag starts
    unshown: re.Pattern[str] | None = None
    held: list[str] = []  # the content of a script or style sheet, until its end tag
    held_size = 0
    drops = True  # whether a script's content is still left out (``RENDER_UNSHOWN_CHARS``)
    for chunk in _ended(iter(chunks)):
        final = chunk is None
        buffer += chunk or ""
        out: list[str] = []
        while at < len(buffer) or (final and state != _TEXT):
            limit = min(len(buffer), start + RENDER_TAG_CHARS + 1)  # where an open tag ends
            if state in _TAG_STATES and at >= limit:
                if at - start <= RENDER_TAG_CHARS and not final:
                    break  # the tag goes on in the next chunk
                text = buffer[start:at]  # not a tag: text, ``<`` and all
                out.append(html.unescape(text) if "&" in text else text)
                state = _TEXT
                continue
            if state == _TEXT:
                match = _OPEN.search(buffer, at)
                if match and not final and match.group() in ("</", "<!"):
                    # ``</`` or ``<!-`` cut by the chunk: what follows tells what it opens
                    match = None if len(buffer) - match.start() < 4 else match
                end = match.start() if match else len(buffer)
                if match is None and not final:  # a construct or a reference cut by the chunk
                    lt = buffer.rfind("<", max(at, end - 3))
                    end = lt if lt >= 0 else end
                    cut = _REFERENCE_START.search(buffer, max(at, end - 42), end)
                    end = cut.start() if cut else end
                text = buffer[at:end]
                out.append(html.unescape(text) if "&" in text else text)
                at = end
                if match is None:
                    break
                opener = match.group()
                if opener == "<!--":
                    state, at = _COMMENT, match.start() + 2  # ``<!-->`` ends where it starts
                elif opener[-1].isalpha():
                    state, start, at, name = _NAME, match.start(), match.end() - 1, opener[1:-1]
                else:  # ``<!x``, ``<?x``, ``</3``: a bogus comment, up to ``>``
                    state, at = _BOGUS, match.end()
            elif state in (_COMMENT, _BOGUS):
                match = (_COMMENT_END if state == _COMMENT else _TAG_END).search(buffer, at)
                if match is None:
                    at = len(buffer) if final else max(at, len(buffer) - 3)
                    break
                state, at = _TEXT, match.end()
            elif state == _NAME:
                match = _NAME_END.search(buffer, at, limit)
                end = match.start() if match else limit
                name += buffer[at:end][: max(0, 64 - len(name))]
                at = end
                if match is not None:
                    state = _IN_TAG
            elif state in (_IN_TAG, _UNQUOTED):
                match = (_TAG_STOP if state == _IN_TAG else _VALUE_END).search(buffer, at, limit)
                if match is None:
                    at = limit
                    continue
                at = match.end()
                if match.group() == "=":
                    state = _AFTER_EQ
                elif match.group() != ">":
                    state = _IN_TAG
                else:  # the tag ends
                    tag = name.lower()
                    state = _TEXT
                    if tag.lstrip("/") in BLOCK_ELEMENTS:
                        out.append("\n" if tag.lstrip("/") == "br" else "\n\n")
                    elif tag in _UNSHOWN and drops:
                        state, unshown, held, held_size = _UNSHOWN_TEXT, _UNSHOWN[tag], [], 0
            elif state == _AFTER_EQ:
                while at < limit and buffer[at].isspace():
                    at += 1
                if at < limit and buffer[at] in "\"'":
                    state, quote, at = _QUOTED, buffer[at], at + 1
                elif at < limit:
                    state = _UNQUOTED
            elif state == _QUOTED:
                end = buffer.find(quote, at, limit)
                state, at = (_QUOTED, limit) if end < 0 else (_IN_TAG, end + 1)
            else:  # _UNSHOWN_TEXT
                assert unshown is not None
                match = unshown.search(buffer, at)
                end = match.start() if match else len(buffer) if final else len(buffer) - 9
                end = max(at, end)
                held.append(buffer[at:end])
                held_size += end - at
                at = end
                if match is not None:
                    state, start, at, name = _NAME, match.start(), match.start() + 2, "/"
                elif held_size > RENDER_UNSHOWN_CHARS or final:
                    # Not a script after all, or too long to leave out: its content is text.
                    state, drops = _TEXT, False
                    buffer, at = "".join(held) + buffer[at:], 0
                    held = []
                else:
                    break
        keep = min(at, start) if state in _TAG_STATES else at
        buffer, at, start = buffer[keep:], at - keep, start - keep
        if out:
            yield "".join(out)


def _ended(chunks: Iterator[str]) -> Iterator[str | None]:
    yield from chunks
    yield None


# What Markdown takes out of the words it shows (GitHub's, Jupyter's): emphasis, strike-through
# and code marks (``A2123**45678**`` shows ``A212345678``); ``_`` only at a word's edge, as
# CommonMark says (``snake_case`` stays as it is). The class first: the engine skips to it.
_MARKDOWN_MARKS = re.compile(r"(?=[*_~`])(?:[*`]+|~~|(?<!\w)_++|_++(?!\w))")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
MARKDOWN_CUT_CHARS = 4096  # how far back ``markdown_shown`` looks for a place to cut


def markdown_marks(text: str) -> str:
    """Markdown text without the marks a renderer takes out of its words, and each escaped
    character as a character reference (``\\*`` is ``&#42;``): a star, not a mark, and no
    tag's start for ``rendered`` or the parser, which decode it."""
    if "\\" in text:
        text = _MARKDOWN_ESCAPE.sub(lambda m: f"&#{ord(m.group(1))};", text)
    return _MARKDOWN_MARKS.sub("", text)


def markdown_shown(chunks: Iterable[str]) -> Iterator[str]:
    """``markdown_marks`` of text that comes in pieces, the same whatever the pieces: the text
    is cut where no mark or escape spans the cut (after a blank, between two letters or digits),
    looked for in the last ``MARKDOWN_CUT_CHARS`` characters held (past them it is cut there)."""
    held = ""
    for chunk in chunks:
        held += chunk
        stop = max(0, len(held) - MARKDOWN_CUT_CHARS)
        cut = next(
            (
                at
                for at in range(len(held) - 1, stop, -1)
                if held[at - 1].isspace() or (held[at - 1].isalnum() and held[at].isalnum())
            ),
            stop,
        )
        if cut:
            yield markdown_marks(held[:cut])
            held = held[cut:]
    if held:
        yield markdown_marks(held)


READER = _HtmlReader()
