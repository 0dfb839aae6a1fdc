"""A page's charset as browsers take it: labels they know (``x-sjis``), a ``utf-16`` label in
an 8-bit file read as UTF-8, an unknown label ignored, a Japanese page with no label detected."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.html import READER
from approval.detect.scan import scan_file
from approval.detect.units import Limits
from approval.policy import Policy
from tests.corpus.documents import dump, source

LATIN = "<p>Maria Lopez, A212345678, born 1985-03-14, asylum granted.</p>"
JAPANESE = (
    "<table><tr><td>氏名</td><td>A番号</td></tr><tr><td>山田 太郎</td>"
    "<td>Ａ２１２３４５６７８</td></tr></table><p>asylum pending 1985-03-14</p>"
)
# A "+" starts a base64 run in UTF-7: a browser, which knows no UTF-7, shows "+A212345678".
PLUS = "<p>Maria Lopez, +&#65;212345678, born 1985-03-14, asylum granted.</p>"

# What the HTML reader reads of each body once it is decoded right. The scan alone cannot tell:
# the text reader reads the same bytes, in the encoding it detects for itself.
READ = {
    LATIN: "Maria Lopez, A212345678",
    PLUS: "Maria Lopez, +A212345678",
    JAPANESE: "Ａ２１２３４５６７８",
}


def _page(meta: str, body: str) -> str:
    return f"<!DOCTYPE html><html><head>{meta}</head><body>{body}</body></html>"


def _html_read(data: bytes) -> str:
    """All the HTML reader itself reads of the page."""
    return "\n".join(str(unit[4]) for unit in dump(READER.read(source(data, "p.html"), Limits())))


@pytest.mark.parametrize(
    ("label", "body", "codec"),
    [
        ('<meta charset="x-sjis">', JAPANESE, "cp932"),
        ('<meta charset="ms_kanji">', JAPANESE, "cp932"),
        ('<meta charset="utf-16">', LATIN, "utf-8"),  # WHATWG: an 8-bit file, UTF-8
        ('<meta charset="no-such-charset">', LATIN, "utf-8"),  # ignored
        # The same with text that reads only in UTF-8 (an ASCII page reads in any of them).
        ('<meta charset="utf-16">', JAPANESE, "utf-8"),
        ('<meta charset="no-such-charset">', JAPANESE, "utf-8"),
        # Labels mail knows and browsers do not: ignored as well.
        ('<meta charset="utf-7">', PLUS, "utf-8"),
        ('<meta charset="ibm437">', JAPANESE, "utf-8"),
        ("", JAPANESE, "euc_jp"),
        ("", JAPANESE, "iso2022_jp"),
        ("", JAPANESE, "cp932"),
    ],
)
def test_the_page_is_decoded_as_a_browser_decodes_it(
    tmp_path: Path, policy: Policy, label: str, body: str, codec: str
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(_page(label, body).encode(codec))

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    assert any(f.detector == "a-number" for f in report.findings)
    assert READ[body] in _html_read(path.read_bytes())


def test_a_western_page_with_no_label_stays_windows_1252(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "cafe.html"
    path.write_bytes(
        _page("", "<p>Caf\u00e9 cr\u00e8me, 3 \u20ac, d\u00e9j\u00e0 vu.</p>").encode("cp1252")
    )

    report = scan_file(path, policy)

    assert report.verdict == "clean"
    assert "Caf\u00e9 cr\u00e8me, 3 \u20ac" in _html_read(path.read_bytes())
