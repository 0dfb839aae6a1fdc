"""Data URIs in any text a reader hands over: a Markdown image or link, a JSON or YAML value, a
mail's plain text, an XML text node, a line of a text file.

Browsers, editors and Markdown viewers decode ``data:`` URIs (RFC 2397) wherever they stand:
``[list](data:text/csv;base64,...)`` is a file a reader of the page gets with a click. The HTML,
SVG, PDF and vCard readers decode the ones their format places; this module finds them in every
other text the scan core reads (``approval.detect.scan`` hands each line and string value to a
``Carrier``, behind a substring test), and says what each payload is to be read as: a picture for
the text it carries (not blocking, as pictures in documents are), a font as an unread part (not
blocking), anything else as a file of its own, read by the reader its bytes call for, and
blocking when none knows it.
"""

from __future__ import annotations

import re

from approval.detect.readers._carriers import data_uri, nested, picture
from approval.detect.readers._members import PICTURE_REASON, is_font
from approval.detect.units import UNREAD, Limits, Part, Source, Text, Unit, Where

# ``data:`` not inside a word (``metadata:``), in any case (a URL's scheme is), a media type
# and parameters without spaces, the comma, then a payload long enough to hold anything (a
# shorter one is read as the text it is); a line break may stand in it (base64 as ``base64``
# writes it: 76 columns a line), which every consumer of the URI removes.
_URI = re.compile(
    r"(?<![\w.-])data:[\w.+-]*(?:/[\w.+-]+)?(?:;[\w.+-]+(?:=[\w.+-]*)?)*?"
    # base64: white space in it is dropped by every decoder (WHATWG's forgiving-base64)
    r"(?:;base64,(?:[A-Za-z0-9+/=%]|[ \t\r\n]+(?=[A-Za-z0-9+/])){16,}"
    r"|,(?:[A-Za-z0-9+/=%._~!$&'*:@-]|\r?\n[ \t]*){16,})",
    re.IGNORECASE,
)
# How a base64 payload the line before ended with may go on at the start of a line.
_BASE64_RUN = re.compile(r"[ \t]*([A-Za-z0-9+/=]+)")
_HEAD = 64


def may_hold(text: str) -> bool:
    """Whether ``text`` may hold a data URI: the cheap test before ``Carrier`` looks (``data:``
    in any case ends in ``a:`` or ``A:``)."""
    return "a:" in text or "A:" in text


def uris(text: str) -> list[str]:
    """The data URIs in ``text``."""
    return _URI.findall(text)


class Carrier:
    """The data URIs of one file's lines and string values, as they stream to the classifier.

    A base64 payload that reaches the end of its line goes on in the lines after it that are
    base64 and nothing else (a reader's line cut at its length limit goes on the same way), up
    to ``longest`` characters: a URI is never read in part."""

    def __init__(self, longest: int):
        self.found: list[str] = []  # URIs whole, to be read
        self.count = 0
        self._longest = longest
        self._open: list[str] | None = None  # a base64 URI that may go on in the next line
        self._size = 0

    @property
    def waiting(self) -> bool:
        """Whether a URI may go on in the next line (which must then be handed over)."""
        return self._open is not None

    def line(self, text: str) -> None:
        if self._open is not None:
            run = _BASE64_RUN.match(text)
            if run is not None and self._size < self._longest:
                self._open.append(run.group(1))
                self._size += len(run.group(1))
                if run.end() >= len(text.rstrip()):
                    return  # base64 to its end: it may go on again
                text = text[run.end() :]
            self.close()
        if may_hold(text):
            self._find(text, at_line_end=True)

    def value(self, text: str) -> None:
        if may_hold(text):
            self._find(text, at_line_end=False)

    def close(self) -> None:
        """The end of a unit's lines: a URI still open is whole."""
        if self._open is not None:
            self.found.append("".join(self._open))
            self._open = None

    def _find(self, text: str, *, at_line_end: bool) -> None:
        end = len(text.rstrip())
        for match in _URI.finditer(text):
            self.count += 1
            uri = match.group()
            if at_line_end and match.end() >= end and ";base64," in uri[:200].lower():
                self._open, self._size = [uri], len(uri)
            else:
                self.found.append(uri)


def payload_units(source: Source, limits: Limits, uri: str, number: int) -> list[Unit]:
    """What the scan reads of the ``number``-th data URI found in ``source``."""
    found = data_uri(uri)
    if found is None:
        return []
    media, data = found
    name = f"data-uri-{number}"
    carried = picture(data)
    if carried is not None:  # pixels are not read; the text a picture carries is
        return [
            Part(name, "image", len(data), UNREAD, PICTURE_REASON, blocks=False),
            Text(Where(part=name, hidden=True), carried, ""),
        ]
    if is_font(data[:_HEAD], len(data)):
        return [Part(name, "font", len(data), UNREAD, f"a font ({media[:40]}): not read", False)]
    return [nested(source, limits, name, data)]


__all__ = ["Carrier", "may_hold", "payload_units", "uris"]
