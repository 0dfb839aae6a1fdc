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

from approval.detect.readers._armor import MARKERS, encrypted
from approval.detect.textio import lines, open_text, text_encoding
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


class TextReader:
    name = "text"

    def accepts(self, probe: Probe) -> bool:
        return text_encoding(probe.head) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            head = f.read(8192)
        encoding = text_encoding(head)
        if encoding is None:
            raise Unscannable("corrupt: not text")
        yield Part("body", "text", source.size, AS_TEXT)
        markup = _MARKUP.search(head) is not None
        yield Text(where=Where(part=source.part), lines=_lines(source, encoding, markup))


# An HTML page, by the tags of its first bytes.
_MARKUP = re.compile(rb"(?i)<(?:!doctype\s+html|html|head|body|table|div|h[1-6])[\s>]")
# The start of an element that a browser lays out as a block of its own.
_BLOCK = re.compile(
    r"(?i)(?=<(?:h[1-6]|p|div|tr|li|dt|dd|table|caption|section|article|header|footer|nav"
    r"|aside|main|blockquote|pre|form|fieldset|title|body|hr|br)[\s/>])"
)
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
