"""Plain text and Markdown, streamed line by line in whatever encoding it was saved.

The classifier reads the structure: Markdown headings (``# ...``) govern what follows them,
list items are records, a sentence ending in ``:`` introduces what comes next, and pipe tables
are tables. This reader comes last: it takes any source that decodes as text, whatever
other reader takes it too (an HTML page, a mail, a YAML file is also read as plain text, unless
its reader subsumes this one: ``Reader.subsumes``). Coverage: one part, ``body``, read as text.
"""

from __future__ import annotations

from collections.abc import Iterator

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
        yield Text(where=Where(part=source.part), lines=_lines(source, encoding))


def _lines(source: Source, encoding: str) -> Iterator[str]:
    with source.open() as raw:
        yield from lines(open_text(raw, encoding))


READER = TextReader()
