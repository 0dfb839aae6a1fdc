"""Data URIs in any text a reader hands over: a Markdown image or link, a JSON or YAML value, a
mail's plain text, an XML text node, a line of a text file.

Browsers, editors and Markdown viewers decode ``data:`` URIs (RFC 2397) wherever they stand:
``[list](data:text/csv;base64,...)`` is a file a reader of the page gets with a click. The HTML,
SVG, PDF and vCard readers decode the ones their format places; this module finds them in every
other text the scan core reads (``approval.detect.scan`` asks ``uris`` of each line and string
value, behind a substring test), and says what each payload is to be read as: a picture for
the text it carries (not blocking, as pictures in documents are), a font as an unread part (not
blocking), anything else as a file of its own, read by the reader its bytes call for, and
blocking when none knows it.
"""

from __future__ import annotations

import re

from approval.detect.readers._carriers import data_uri, nested, picture
from approval.detect.readers._members import PICTURE_REASON, is_font
from approval.detect.units import UNREAD, Limits, Part, Source, Text, Unit, Where

# ``data:`` not inside a word (``metadata:``), a media type and parameters without spaces, the
# comma, then a payload long enough to hold anything (a shorter one is read as the text it is).
_URI = re.compile(
    r"(?<![\w.-])data:[\w.+-]*(?:/[\w.+-]+)?(?:;[\w.+-]+(?:=[\w.+-]*)?)*"
    r",[A-Za-z0-9+/=%._~!$&'*:@-]{16,}",
    re.IGNORECASE,
)
_HEAD = 64


def uris(text: str) -> list[str]:
    """The data URIs in ``text`` (ask only when ``"data:"`` is in it: this is a regex pass)."""
    return _URI.findall(text)


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


__all__ = ["payload_units", "uris"]
