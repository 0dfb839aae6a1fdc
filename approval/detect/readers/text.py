"""Plain text and Markdown, streamed line by line in whatever encoding it was saved.

The classifier reads the structure: Markdown headings (``# ...``) govern what follows them,
list items are records, a sentence ending in ``:`` introduces what comes next, and pipe tables
are tables. This reader comes last: it takes any source that decodes as text, whatever
other reader takes it too (an HTML page, a mail, a YAML file is also read as plain text, unless
its reader subsumes this one: ``Reader.subsumes``). Coverage: one part, ``body``, read as text.

An HTML page read this way keeps every character, but a page is often one long line, or lines
with no blank line between its sections: read as one paragraph, a claim word in one section
(a heading over statistics, a menu) would govern the persons of every other. So the lines of a
page are cut before the elements that start a block (a heading, a paragraph, a row, an item),
as a browser lays them out, each piece a paragraph of its own; a piece with no text outside
its tags joins the next. Line numbers then count those pieces.

Text a renderer shows otherwise than it is stored is read also as shown: a source with markup
anywhere in it (a character reference ``&#65;``, ``&eacute;``, a comment, a tag; found by a
bytes search of the whole source) that the HTML reader does not read (its head holds no page)
is read a second time as GitHub's Markdown or a browser shows it (``html.rendered``): references
decoded, comments and tags left out, the text around an inline element joined
(``A2123<!---->45678``), a block element's set apart; and so is a source with a mark Markdown
takes out of a word (``html.markdown_marks``: emphasis in a word, ``A2123**45678**``, code and
strike-through marks, an escape, ``1985\\-03\\-14``). A page that starts past the head (a
``<html>``, ``<body>`` or ``<script>`` after 8 KiB of blank lines) is read by the HTML reader,
here. A reader that subsumes this one (a CSV's cells, a JSON document's values) holds its text
as stored: the scanner then still has this reader read it as shown (``subsumed_rest``).

A source that starts as text and goes on as binary data (``textio.text_encoding``: two text
lines and a zstd stream) is read whole, the binary decoded as odd characters in which nothing
is found: the scanner then requires a reader of the binary's format to have read the source
too, or blocks it (``readers._binary``). Ciphertext in ASCII armour (``gpg --armor``,
``openssl enc -a``, ``age --armor``) is text no one reads as such: ``encrypted``, it blocks
(``readers._armor``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from html import entities as html_entities
from typing import Any

from approval.detect.readers import html
from approval.detect.readers._armor import MARKERS, encrypted
from approval.detect.readers._probe import HEAD_BYTES
from approval.detect.readers.xml import looks_like_xml
from approval.detect.textio import MAX_LINE_CHARS, lines, open_text, text_encoding
from approval.detect.units import (
    AS_TEXT,
    Limits,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)


class _ShownReader:
    """The text reader's reading of a source as a renderer shows it, alone: what it still owes
    when a reader that subsumes it reads the source (a CSV's cells hold ``&#65;`` as stored)."""

    name = "text"

    def accepts(self, probe: Probe) -> bool:
        return text_encoding(probe.head) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        head, encoding = _head(source)
        yield from _as_shown(source, limits, head, encoding)


class TextReader:
    name = "text"
    # What it still reads when a reader that subsumes it reads the source (``scan.subsume``).
    subsumed_rest = _ShownReader()

    def accepts(self, probe: Probe) -> bool:
        return text_encoding(probe.head) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        head, encoding = _head(source)
        yield Part("body", "text", source.size, AS_TEXT)
        markup = _MARKUP.search(head) is not None
        yield Text(where=Where(part=source.part), lines=_lines(source, encoding, markup))
        yield from _as_shown(source, limits, head, encoding)


def _head(source: Source) -> tuple[bytes, str]:
    with source.open() as f:
        head = f.read(HEAD_BYTES)
    encoding = text_encoding(head)
    if encoding is None:
        raise Unscannable("corrupt: not text")
    return head, encoding


def _as_shown(source: Source, limits: Limits, head: bytes, encoding: str) -> Iterator[Unit]:
    """The source as a renderer shows it, when that differs from how it is stored and neither
    the HTML reader (its head holds a page) nor the XML reader (a document) reads it: the XML
    reader decodes every reference and reads every text node, and a second reading of the same
    elements as lines would count each record's persons again, by name where the lines part
    them from their A-numbers."""
    probe = Probe(head=head, size=source.size)
    if html.READER.accepts(probe) or looks_like_xml(head):
        return
    found = _search(source, encoding, _PAGE, (_TAG_OPEN, _REFERENCE, *_MARKDOWN))
    if _PAGE in found:  # a page whose first tags are past the head
        yield from html.READER.read(source, limits)
    elif found:
        yield Text(where=Where(part=source.part), lines=_shown_lines(source, encoding))


# Markup a renderer does not show as stored: a character reference (numeric, named with its
# semicolon, or one of the names HTML decodes without it), a comment, a declaration, a
# processing instruction, a start or an end tag.
_LEGACY = sorted((n for n in html_entities.html5 if not n.endswith(";")), key=len, reverse=True)
# Apart, so that each is searched for from its first byte at the speed of ``memchr``.
_REFERENCE = rb"&(?:#|[A-Za-z][A-Za-z0-9]{1,31};|" + "|".join(_LEGACY).encode() + rb")"
_TAG_OPEN = rb"<[A-Za-z!/?]"
_PAGE = rb"(?i)<(?:!doctype\s+html|html|head|body|script)[\s/>]"
# Where ``html.markdown_marks`` joins what is stored apart: an emphasis, code or strike-through
# mark between two characters that are not blanks (``A2123**45678**``; a bold word between
# blanks joins nothing), an escape (``03\-14``); each starts with its mark, for ``memchr``.
# ``_`` is none: inside a word it is no mark, and beside punctuation it stands in every
# ``"_id"`` of a JSON export (it is taken out when the source is read as shown for another reason).
_MARKDOWN = (
    rb"\*(?<=[^\s*]\*)\**+[^\s*]",
    rb"`(?<=[^\s`]`)`*+[^\s`]",
    rb"~~(?<=[^\s~]~~)~*+[^\s~]",
    rb"\\[!-/:-@\[-`{-~]",
)
_BLOCK_BYTES = 1024 * 1024
_OVERLAP = 64


@cache
def _compiled(pattern: bytes, text: bool) -> re.Pattern[Any]:
    return re.compile(pattern.decode() if text else pattern)


def _search(source: Source, encoding: str, first: bytes, others: tuple[bytes, ...]) -> set[bytes]:
    """Whether ``first`` occurs anywhere in the source, and whether one of ``others`` does
    (the one found first): a search of its bytes, at the speed of ``memchr`` where none
    occurs, or of its decoded text in an encoding in which ASCII is not itself (UTF-16)."""
    ascii_bytes = "<&#;!/?azAZ09 ".encode(encoding, "replace") == b"<&#;!/?azAZ09 "
    found: set[bytes] = set()
    tail: bytes | str = b"" if ascii_bytes else ""
    with source.open() as raw:
        blocks: Iterator[bytes] | Iterator[str]
        if ascii_bytes:
            blocks = iter(lambda: raw.read(_BLOCK_BYTES), b"")
        else:
            decoded = open_text(raw, encoding)
            blocks = iter(lambda: decoded.read(_BLOCK_BYTES), "")
        for block in blocks:
            window = tail + block  # type: ignore[operator]
            for pattern in (first, *(() if found else others)):
                if pattern not in found and _compiled(pattern, not ascii_bytes).search(window):
                    found.add(pattern)
            if first in found:
                break
            tail = window[-_OVERLAP:]
    return found


def _shown_lines(source: Source, encoding: str) -> Iterator[str]:
    with source.open() as raw:
        text = open_text(raw, encoding)
        held = ""
        chunks = iter(lambda: text.read(_BLOCK_BYTES // 4), "")
        for piece in html.rendered(html.markdown_shown(chunks)):
            held += piece
            *whole, held = held.split("\n")
            yield from whole
            while len(held) > MAX_LINE_CHARS:
                yield held[:MAX_LINE_CHARS]
                held = held[MAX_LINE_CHARS:]
        if held:
            yield held


# An HTML page, by the tags of its first bytes.
_MARKUP = re.compile(rb"(?i)<(?:!doctype\s+html|html|head|body|table|div|h[1-6])[\s>]")
# The start of an element that a browser lays out as a block of its own; a row's cells stay
# in its paragraph, which is the record.
_BLOCK = re.compile(r"(?i)(?=<(?:" + "|".join(html.BLOCK_ELEMENTS - {"td", "th"}) + r")[\s/>])")
_TAG = re.compile(r"<[^>]*>?")


def _lines(source: Source, encoding: str, markup: bool = False) -> Iterator[str]:
    with source.open() as raw:
        for line in lines(open_text(raw, encoding)):
            if MARKERS[0] in line or MARKERS[1] in line:
                # Ciphertext in ASCII armour (``readers._armor``): text no one reads as such.
                reason = encrypted(line)
                if reason is not None:
                    raise Unscannable(reason)
            if markup:
                yield from _blocks(line)
            else:
                yield line


def _blocks(line: str) -> Iterator[str]:
    """A line of markup as the blocks it lays out, each followed by a blank line."""
    # Each piece is looked at once (markup of thousands of nested blocks with no text between
    # them would otherwise be rescanned at every piece: quadratic).
    held: list[str] = []
    for piece in _BLOCK.split(line):
        held.append(piece)
        if _TAG.sub("", piece).strip():
            yield "".join(held)
            yield ""
            held = []
    if held:
        yield "".join(held)


READER = TextReader()
