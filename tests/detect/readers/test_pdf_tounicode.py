"""PDF fonts whose ToUnicode says something else than the glyphs show: a page draws a list in
an embedded font whose ToUnicode maps the codes shown to one letter, to blanks or to private-use
characters, so that extraction reads nonsense while the screen shows names. Such a font is text
shown that no one reads, and blocks; ordinary fonts (an injective map, a space and a no-break
space, a few bullets in the private-use area, a letter's alternates, an Arabic letter's forms)
stay clean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.readers._pdfshow import MISREAD_REASON
from approval.detect.readers.pdf import READER
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Part, Unit
from approval.policy import Policy
from tests.corpus.documents import drawn_pdf, pdf_stream, source
from tests.corpus.people import people

PERSONS = people(6)
LIST = [f"{p.name} {p.a_number} {p.nationality} {p.claim}" for p in PERSONS]
FONT = b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Arial /ToUnicode 4 0 R >>"


def cmap(targets: Callable[[int], str]) -> bytes:
    """A ToUnicode CMap for the one-byte codes 32-126, each mapped to ``targets(code)``."""
    pairs = b" ".join(
        b"<%02X> <%s>" % (code, targets(code).encode("utf-16-be").hex().upper().encode())
        for code in range(32, 127)
    )
    return pdf_stream(
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def"
        b" 1 begincodespacerange <00> <FF> endcodespacerange"
        b" 95 beginbfchar " + pairs + b" endbfchar"
        b" endcmap CMapName currentdict /CMap defineresource pop end end"
    )


def page(lines: list[str], mode: int = 0) -> bytes:
    shows = b"".join(b"<" + line.encode("latin-1").hex().encode() + b"> Tj T* " for line in lines)
    return b"BT /F1 10 Tf %d Tr 40 740 Td 14 TL " % mode + shows + b"ET"


def _ascii(code: int) -> str:
    return chr(code)


def _units(data: bytes) -> list[Unit]:
    return list(READER.read(source(data, "x.pdf"), Limits()))


def _misread(data: bytes) -> list[str]:
    return [u.part for u in _units(data) if isinstance(u, Part) and u.reason == MISREAD_REASON]


def _scan(tmp_path: Path, policy: Policy, data: bytes) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return scan_file(path, policy).verdict


LYING = {
    "all to one letter": lambda code: "x" if chr(code).isalnum() else chr(code),
    "letters to spaces": lambda code: " " if chr(code).isalpha() else chr(code),
    "digits to nothing": lambda code: "\u200b" if chr(code).isdigit() else chr(code),
    "to private use": lambda code: chr(0xE000 + code) if chr(code).isalnum() else chr(code),
    "to two letters": lambda code: "xy"[code % 2] if chr(code).isalnum() else chr(code),
}


@pytest.mark.parametrize("targets", LYING.values(), ids=LYING.keys())
def test_a_font_whose_tounicode_lies_blocks(
    targets: Callable[[int], str], tmp_path: Path, policy: Policy
) -> None:
    data = drawn_pdf([page(["Detention report", *LIST])], objects=[FONT, cmap(targets)])

    assert _misread(data) == ["page 1 font text"]
    assert _scan(tmp_path, policy, data) == "unscannable"


def _alternates(code: int) -> str:
    """A space and a no-break space, a letter and its small capital, old-style figures."""
    alternates = {ord("~"): " ", ord("|"): "a", ord("{"): "1", ord("}"): "2"}
    return alternates.get(code, chr(code))


def _bullets(code: int) -> str:
    return {ord("#"): "\uf0b7", ord("$"): "\uf0a7", ord("%"): "\uf076"}.get(code, chr(code))


def _arabic(code: int) -> str:
    """Four codes for one Arabic letter (isolated, initial, medial, final forms)."""
    return "\u0628" if code in b"wxyz" else chr(code)


def _spaces(code: int) -> str:
    """The kinds of space a typesetter shows: no-break, en, em, thin, hair, figure."""
    kinds = dict(zip(b"~|{}^`", "\u00a0\u2002\u2003\u2009\u200a\u2007", strict=True))
    return kinds.get(code, chr(code))


ORDINARY = {
    "injective": (_ascii, ["Detention report", "Bed space by month 2019 2020"]),
    "alternates": (_alternates, ["Detention~report |a {} 12", "Total~~ 2020"]),
    "bullets": (_bullets, ["# Bed space", "$ Book-ins", "% Releases", "# Transfers"]),
    "arabic forms": (_arabic, ["wxyz wxyz", "Detention report"]),
    "typeset spaces": (_spaces, ["Bed~space|by{month}2019^2020`Total", "Detention report"]),
}


@pytest.mark.parametrize(("targets", "lines"), ORDINARY.values(), ids=ORDINARY.keys())
def test_an_ordinary_font_stays_clean(
    targets: Callable[[int], str], lines: list[str], tmp_path: Path, policy: Policy
) -> None:
    data = drawn_pdf([page(lines)], objects=[FONT, cmap(targets)])

    assert _misread(data) == []
    assert _scan(tmp_path, policy, data) == "clean"


def test_a_type3_font_whose_glyph_names_lie_blocks(tmp_path: Path, policy: Policy) -> None:
    """A Type 3 font draws each glyph by its own procedure; its encoding names them all ``x``
    (no ToUnicode): extraction reads ``xxxx``, the screen shows the list."""
    procs = b" ".join(b"/g%d %d 0 R" % (n, 5 + n) for n in range(95))
    font = (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0"
        b" 0.001 0 0] /CharProcs << %s >> /Encoding << /Type /Encoding /Differences [32 %s] >>"
        b" /FirstChar 32 /LastChar 126 /Widths [%s] /Resources 4 0 R >>"
        % (procs, b"/space" + b" /x" * 94, b" ".join(b"600" for _ in range(95)))
    )
    glyphs = [pdf_stream(b"600 0 d0 0 0 500 700 re f") for _ in range(95)]
    data = drawn_pdf([page(LIST)], objects=[font, b"<< >>", *glyphs])

    assert _misread(data) == ["page 1 font text"]
    assert _scan(tmp_path, policy, data) == "unscannable"


def test_only_what_is_shown_counts() -> None:
    """The same lying font for invisible text (render mode 3, an OCR layer's way) shows
    nothing, and a font that lies about codes it never shows says nothing wrong."""
    invisible = drawn_pdf([page(LIST, mode=3)], objects=[FONT, cmap(LYING["all to one letter"])])
    unshown = drawn_pdf([page(["... ---"])], objects=[FONT, cmap(LYING["all to one letter"])])

    assert _misread(invisible) == []
    assert _misread(unshown) == []
