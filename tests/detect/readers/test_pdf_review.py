"""The PDF reader against what an attacker review found: pages that are scanned paper with a
stamp, text drawn out of reading order, fonts whose glyphs map to no text, and invisible
characters inside a visible value. Each class has a clean control that must stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.pdf import READER, _says_more
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Part, Text, Unit
from approval.policy import Policy
from tests.corpus.documents import HELVETICA, drawn_pdf, pdf_literal, pdf_stream, source
from tests.corpus.people import people

PERSONS = people(10)
ROWS = [
    f"{p.name}  {p.a_number}  {p.birthdate.isoformat()}  {p.nationality}  {p.facility}  {p.claim}"
    for p in PERSONS
]
COURIER = b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>"
PICTURE = pdf_stream(
    bytes([0, 255, 255, 0]),
    b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray"
    b" /BitsPerComponent 8 ",
)
WITH_PICTURE = b"<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >>"
PROSE = (
    "The monthly report gives the number of book-ins and releases at each facility, by"
    " month of the fiscal year, and the average length of stay. Counts below ten are"
    " suppressed. The chart shows the trend over the last three fiscal years; the table"
    " after it gives the figures behind the chart, facility by facility and month by month."
)


def _units(data: bytes) -> list[Unit]:
    return list(READER.read(source(data, "x.pdf"), Limits()))


def _blocking(units: list[Unit]) -> list[tuple[str, str]]:
    return [
        (u.part, u.reason) for u in units if isinstance(u, Part) and u.read == "unread" and u.blocks
    ]


def _shown(units: list[Unit]) -> list[str]:
    return [
        line
        for u in units
        if isinstance(u, Text) and str(u.where.part).endswith("as shown")
        for line in u.lines
    ]


def _lines(texts: list[str], *, x: int = 40, top: int = 740, size: int = 10) -> bytes:
    shows = b"".join(pdf_literal(text) + b" Tj T* " for text in texts)
    return b"BT /F1 %d Tf %d %d Td %d TL " % (size, x, top, size + 4) + shows + b"ET"


def _scan(tmp_path: Path, policy: Policy, data: bytes) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return scan_file(path, policy).verdict


# 1. A page that is a picture of a page, with a stamp on it.


@pytest.mark.parametrize(
    "content",
    [
        # A scan within small margins, a Bates number under it.
        b"q 560 0 0 720 26 40 cm /Im1 Do Q BT /F1 8 Tf 500 20 Td (DHS-000123) Tj ET",
        # The whole page, a page number.
        b"q 612 0 0 792 0 0 cm /Im1 Do Q BT /F1 8 Tf 280 10 Td (Page 3 of 12) Tj ET",
        # Scanned in four strips.
        b"".join(b"q 612 0 0 198 0 %d cm /Im1 Do Q " % (198 * n) for n in range(4))
        + b"BT /F1 8 Tf 500 20 Td (DHS-000124) Tj ET",
        # A smaller scan, most of the page, and a stamp.
        b"q 420 0 0 600 100 100 cm /Im1 Do Q BT /F1 8 Tf 500 20 Td (DHS-000125) Tj ET",
        # An OCR layer (invisible text) too thin to stand for the page.
        b"q 612 0 0 792 0 0 cm /Im1 Do Q BT 3 Tr /F1 10 Tf 72 700 Td (Exhibit 4) Tj ET",
    ],
)
def test_a_scanned_page_with_a_stamp_blocks(content: bytes) -> None:
    units = _units(drawn_pdf([content], resources=WITH_PICTURE, objects=(HELVETICA, PICTURE)))

    (blocking,) = _blocking(units)
    assert blocking[0] == "page 1 picture"
    assert blocking[1].startswith("scanned page: pictures cover")


def test_a_scan_drawn_through_a_form_or_inline_blocks(tmp_path: Path, policy: Policy) -> None:
    # A form of no resources of its own draws with the page's (as viewers allow).
    form = pdf_stream(b"/Im1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] ")
    resources = b"<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R /Fm1 5 0 R >> >>"
    through_form = b"q 612 0 0 792 0 0 cm /Fm1 Do Q BT /F1 8 Tf 500 20 Td (DHS-9) Tj ET"
    # A page without resources can still draw an inline picture (it was a blank page).
    inline = b"q 612 0 0 792 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"
    data = drawn_pdf(
        [_lines(["Production volume 3"]), through_form],
        resources=resources,
        objects=(HELVETICA, PICTURE, form),
    )
    assert [part for part, _ in _blocking(_units(data))] == ["page 2 picture"]

    bare = drawn_pdf([inline], resources=b"<< >>", objects=())
    assert _scan(tmp_path, policy, bare) == "unscannable"


def test_charts_with_captions_and_ocr_layers_stay_readable(tmp_path: Path, policy: Policy) -> None:
    caption = "Figure 2. Book-ins by month, fiscal year 2022 (source: agency data)."
    chart_in_text = (
        _lines(["Detention statistics, fiscal year 2022", PROSE[:90], PROSE[90:180]], top=740)
        + b" q 468 0 0 300 72 320 cm /Im1 Do Q "
        + _lines([caption, PROSE[180:]], top=300)
    )
    full_page_chart = b"q 468 0 0 560 72 150 cm /Im1 Do Q " + _lines([caption], top=120)
    # A searchable scan: the picture, and its words (OCR) as invisible text over it.
    ocr = (
        b"q 612 0 0 792 0 0 cm /Im1 Do Q BT 3 Tr /F1 10 Tf 72 700 Td 14 TL "
        + b"".join(pdf_literal(PROSE[n : n + 90]) + b" Tj T* " for n in range(0, len(PROSE), 90))
        * 2
        + b"ET"
    )
    data = drawn_pdf(
        [chart_in_text, full_page_chart, ocr], resources=WITH_PICTURE, objects=(HELVETICA, PICTURE)
    )

    assert _blocking(_units(data)) == []
    assert _scan(tmp_path, policy, data) == "clean"


# 2. Text drawn out of reading order.


def _right_to_left_words() -> bytes:
    out = b"BT /F1 10 Tf "
    for number, row in enumerate(ROWS):
        x, placed = 40.0, []
        for word in row.split(" "):
            placed.append((x, word))
            x += len(word) * 5.5 + 4
        for x, word in reversed(placed):
            out += b"1 0 0 1 %.1f %d Tm %s Tj " % (x, 700 - 14 * number, pdf_literal(word))
    return out + b"ET"


def _right_to_left_glyphs() -> bytes:
    out = b"BT /F1 10 Tf "
    for number, row in enumerate(ROWS):
        for at in reversed(range(len(row))):
            out += b"1 0 0 1 %d %d Tm %s Tj " % (
                40 + 6 * at,
                700 - 14 * number,
                pdf_literal(row[at]),
            )
    return out + b"ET"


def _backwards_tj() -> bytes:
    # Courier: every glyph 600/1000 em. Each glyph drawn, then the pen moved back two.
    out = b"BT /F2 10 Tf "
    for number, row in enumerate(ROWS):
        glyphs = b" 1200 ".join(pdf_literal(c) for c in reversed(row))
        out += b"1 0 0 1 %d %d Tm [%s] TJ " % (40 + 6 * (len(row) - 1), 700 - 14 * number, glyphs)
    return out + b"ET"


def _negative_spacing(spacing: int = 12) -> bytes:
    # Courier at 10 with -12 character spacing: each glyph moves the pen 6 points left.
    out = b"BT /F2 10 Tf -%d Tc " % spacing
    step = spacing - 6
    for number, row in enumerate(ROWS):
        at = (40 + step * (len(row) - 1), 700 - 14 * number)
        out += b"1 0 0 1 %d %d Tm %s Tj " % (*at, pdf_literal(row[::-1]))
    return out + b"ET"


@pytest.mark.parametrize(
    "content",
    [
        _right_to_left_words(),
        _right_to_left_glyphs(),
        _backwards_tj(),
        _negative_spacing(),
        _negative_spacing(8),
    ],
)
def test_text_drawn_out_of_order_is_read_as_shown(
    content: bytes, tmp_path: Path, policy: Policy
) -> None:
    resources = b"<< /Font << /F1 3 0 R /F2 4 0 R >> >>"
    data = drawn_pdf([content], resources=resources, objects=(HELVETICA, COURIER))
    units = _units(data)

    shown = " ".join(_shown(units)).split()
    first = PERSONS[0]
    assert shown[:3] == [first.first, first.last, first.a_number]
    assert _scan(tmp_path, policy, data) == "protected"


@pytest.mark.parametrize(
    "squeeze",
    [
        b"3 Tz ( ) Tj 100 Tz",  # horizontal scaling to 3%
        b"/F1 0.1 Tf ( ) Tj /F1 10 Tf",  # a tenth of a point
    ],
)
def test_a_space_drawn_with_no_room_does_not_split_a_number(
    squeeze: bytes, tmp_path: Path, policy: Policy
) -> None:
    # pypdf reads "A212 345678"; the page shows A212345678, beside a name and a claim.
    content = (
        b"BT /F1 10 Tf 40 700 Td (Maria Lopez, granted asylum, A-number ) Tj (A212) Tj "
        + squeeze
        + b" (345678) Tj ET"
    )
    units = _units(drawn_pdf([content]))

    assert any("A212345678" in line for line in _shown(units))
    assert _scan(tmp_path, policy, drawn_pdf([content])) == "protected"


SAYS_MORE = [
    (["Detention statistics", "by month"], "Detention statistics\nby month", False),
    # Lines shown in another order than extracted (a footer drawn first): each is found.
    (
        ["by month", "Total 12", "Detention statistics"],
        "Detention statistics\nby month Total 12",
        False,
    ),
    (["Total  12"], "Total\n12", False),  # spacing and line breaks are not words
    (["stat"], "Detention statistics", False),  # a piece of a word is in it
    (["tics by"], "Detention statistics by month", False),
    (["onth", "stat"], "Detention statistics by month", False),  # a piece found before
    (["A212345678"], "Maria Lopez A212 345678", True),  # a word only in pieces
    (["by month", "A212345678"], "by month A212 345678", True),
    (["Lopez Maria"], "Maria Lopez", True),  # characters in another order
]


@pytest.mark.parametrize(("lines", "text", "more"), SAYS_MORE)
def test_a_page_as_shown_says_more_than_the_extracted_text(
    lines: list[str], text: str, more: bool
) -> None:
    assert _says_more(lines, text) is more


def test_text_in_reading_order_is_read_once(tmp_path: Path, policy: Policy) -> None:
    data = drawn_pdf([_lines(["Detention statistics", PROSE[:90], PROSE[90:180]])])
    units = _units(data)

    assert _shown(units) == []
    assert _blocking(units) == []
    assert _scan(tmp_path, policy, data) == "clean"


# 3. Fonts whose glyphs map to no Unicode.

_CMAP = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def"
    b" 1 begincodespacerange <%s> <%s> endcodespacerange"
    b" 1 beginbfrange <%s> <%s> <0041> endbfrange"
    b" endcmap CMapName currentdict /CMap defineresource pop end end"
)
SIMPLE_CMAP = pdf_stream(_CMAP % (b"00", b"FF", b"01", b"1A"))
WIDE_CMAP = pdf_stream(_CMAP % (b"0000", b"FFFF", b"0001", b"001A"))


def _type3(names: list[str], *, to_unicode: bool = False) -> list[bytes]:
    """A Type 3 font (object 3) with a glyph per name (objects 5...), codes 65...; object 4
    is its ToUnicode CMap (codes 1-26 as A-Z: here, 65 is not mapped unless asked)."""
    procs = b" ".join(b"/%s %d 0 R" % (name.encode(), 5 + n) for n, name in enumerate(names))
    differences = b"65 " + b" ".join(b"/" + name.encode() for name in names)
    font = (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000]"
        b" /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << %s >>"
        b" /Encoding << /Type /Encoding /Differences [%s] >> /FirstChar 65 /LastChar %d"
        b" /Widths [%s] %s>>"
        % (
            procs,
            differences,
            64 + len(names),
            b" ".join(b"600" for _ in names),
            b"/ToUnicode 4 0 R " if to_unicode else b"",
        )
    )
    cmap = pdf_stream(_CMAP % (b"00", b"FF", b"41", b"5A"))
    return [font, cmap] + [pdf_stream(b"600 0 d0 0 0 500 700 re f") for _ in names]


def _codes(text: str) -> bytes:
    return b"<" + text.encode().hex().encode() + b">"


@pytest.mark.parametrize(
    ("objects", "content"),
    [
        # Private glyph names, no ToUnicode: pypdf gives "/g65/g66...".
        (_type3([f"g{n}" for n in range(26)]), b"BT /F1 10 Tf 72 700 Td (ABCDEF) Tj ET"),
        # A composite font of glyph ids, no ToUnicode.
        (
            [
                b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H"
                b" /DescendantFonts [4 0 R] >>",
                b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo"
                b" << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
            ],
            b"BT /F1 10 Tf 72 700 Td <002500260027> Tj ET",
        ),
        # A subset TrueType font whose codes are 1, 2, 3... and no ToUnicode.
        (
            [b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Arial >>"],
            b"BT /F1 10 Tf 72 700 Td <010203040506> Tj ET",
        ),
        # ... or codes its encoding leaves undefined.
        (
            [b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Arial >>"],
            b"BT /F1 10 Tf 72 700 Td <808182838485> Tj ET",
        ),
    ],
)
def test_text_in_a_font_with_no_unicode_blocks(
    objects: list[bytes], content: bytes, tmp_path: Path, policy: Policy
) -> None:
    data = drawn_pdf([content], objects=objects)

    (blocking,) = _blocking(_units(data))
    assert blocking == ("page 1 glyphs", "text in a font whose glyphs map to no Unicode: not read")
    assert _scan(tmp_path, policy, data) == "unscannable"


@pytest.mark.parametrize(
    ("objects", "content", "text"),
    [
        (_type3(["R", "u", "b", "y"]), b"BT /F1 10 Tf 72 700 Td (ABCD) Tj ET", "Ruby"),
        (
            _type3([f"g{n}" for n in range(4)], to_unicode=True),
            b"BT /F1 10 Tf 72 700 Td (AB) Tj ET",
            "AB",
        ),
        # Names by the glyph list's rules: a suffix, a ligature, a code point.
        (_type3(["R.sc", "u", "f_i", "uni0041"]), b"BT /F1 10 Tf 72 700 Td (ABCD) Tj ET", "RufiA"),
        (
            [
                b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Arial /ToUnicode 4 0 R >>",
                SIMPLE_CMAP,
            ],
            b"BT /F1 10 Tf 72 700 Td <010203> Tj ET",
            "ABC",
        ),
        (
            [
                b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H"
                b" /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
                b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo"
                b" << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
                WIDE_CMAP,
            ],
            b"BT /F1 10 Tf 72 700 Td <000100020003> Tj ET",
            "ABC",
        ),
        (
            [b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>"],
            b"BT /F1 10 Tf 72 700 Td (Monthly report) Tj ET",
            "Monthly report",
        ),
    ],
)
def test_fonts_that_map_to_unicode_are_read(
    objects: list[bytes], content: bytes, text: str
) -> None:
    units = _units(drawn_pdf([content], objects=objects))

    assert _blocking(units) == []
    # Read as the stream gives it, or as shown where that says more (pypdf leaves the
    # names of ligatures and small capitals as names).
    assert text in [line for u in units if isinstance(u, Text) for line in u.lines]


def test_glyphs_no_one_sees_need_no_reading() -> None:
    content = b"BT 3 Tr /F1 10 Tf 72 700 Td (AB) Tj ET"

    assert _blocking(_units(drawn_pdf([content], objects=_type3(["g1", "g2"])))) == []


# 4. Invisible characters inside a visible value.

EXTGSTATE = b"<< /Type /ExtGState /ca 0 >>"
LAYER = b"<< /Type /OCG /Name (Notes) >>"
LAYERS_OFF = b"/OCProperties << /OCGs [6 0 R] /D << /OFF [6 0 R] >> >> "


def _filled(on: bytes, off: bytes, *, under: bytes = b"") -> bytes:
    rows = b"".join(
        b"%s Tj %s (999) Tj %s %s Tj T* "
        % (
            pdf_literal(f"{p.name}  {p.a_number[:4]}"),
            on,
            off,
            pdf_literal(f"{p.a_number[4:]}  {p.birthdate.isoformat()}  {p.nationality}  {p.claim}"),
        )
        for p in PERSONS
    )
    return under + b"BT /F1 10 Tf 72 720 Td 14 TL " + rows + b"ET"


BLUE_BAND = b"0 0 1 rg 60 560 500 180 re f 0 g "


@pytest.mark.parametrize(
    ("on", "off", "under"),
    [
        (b"3 Tr", b"0 Tr", b""),  # invisible
        (b"7 Tr", b"0 Tr", b""),  # clipping only
        (b"1 1 1 rg", b"0 g", b""),  # white on the white page
        (b"0 0 1 rg", b"0 g", BLUE_BAND),  # blue on a blue band
        (b"0 Tz", b"100 Tz", b""),  # no width
        (b"/F1 0.2 Tf", b"/F1 10 Tf", b""),  # too small to see
        (b"/G1 gs", b"/G0 gs", b""),  # no opacity
        (b"/OC /MC0 BDC", b"EMC", b""),  # a layer that is off
        (b"q 0 0 1 1 re W n", b"Q", b""),  # clipped away
    ],
)
def test_invisible_characters_inside_a_value_are_left_out_as_shown(
    on: bytes, off: bytes, under: bytes, tmp_path: Path, policy: Policy
) -> None:
    resources = (
        b"<< /Font << /F1 3 0 R >> /ExtGState << /G0 4 0 R /G1 5 0 R >>"
        b" /Properties << /MC0 6 0 R >> >>"
    )
    objects = (HELVETICA, b"<< /Type /ExtGState /ca 1 >>", EXTGSTATE, LAYER)
    data = drawn_pdf(
        [_filled(on, off, under=under)], resources=resources, objects=objects, catalog=LAYERS_OFF
    )
    units = _units(data)

    first = PERSONS[0]
    assert f"{first.name} {first.a_number}" in " ".join(_shown(units))
    stream = [
        line for u in units if isinstance(u, Text) and u.where.part == "page 1" for line in u.lines
    ]
    assert first.a_number[:4] + "999" in stream[0]  # the stream's reading, still read
    assert _scan(tmp_path, policy, data) == "protected"


def test_a_layer_that_is_on_is_shown() -> None:
    resources = b"<< /Font << /F1 3 0 R >> /Properties << /MC0 4 0 R >> >>"
    on = b"/OCProperties << /OCGs [4 0 R] /D << /ON [4 0 R] >> >> "
    data = drawn_pdf(
        [_filled(b"/OC /MC0 BDC", b"EMC")],
        resources=resources,
        objects=(HELVETICA, LAYER),
        catalog=on,
    )

    assert _shown(_units(data)) == []


def test_white_text_on_a_dark_band_is_shown() -> None:
    # What the viewer shows, the filler included: nothing to read again.
    units = _units(drawn_pdf([_filled(b"1 1 1 rg", b"0 g", under=b"0 g 60 560 500 180 re f ")]))

    assert _shown(units) == []
    assert _blocking(units) == []


def test_a_page_that_cannot_be_followed_blocks() -> None:
    # A form that draws itself: no viewer gets to the end of it.
    form = pdf_stream(
        b"/Fm1 Do",
        b"/Type /XObject /Subtype /Form /BBox [0 0 9 9]"
        b" /Resources << /XObject << /Fm1 4 0 R >> >> ",
    )
    resources = b"<< /Font << /F1 3 0 R >> /XObject << /Fm1 4 0 R >> >>"
    data = drawn_pdf(
        [_lines(["Cover letter"]) + b" /Fm1 Do"], resources=resources, objects=(HELVETICA, form)
    )

    assert _blocking(_units(data)) == [("page 1 layout", "the text as shown cannot be followed")]


def test_text_a_form_draws_with_the_page_resources_is_read_as_shown() -> None:
    form = pdf_stream(_lines([ROWS[0]]), b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] ")
    resources = b"<< /Font << /F1 3 0 R >> /XObject << /Fm1 4 0 R >> >>"
    units = _units(drawn_pdf([b"/Fm1 Do"], resources=resources, objects=(HELVETICA, form)))

    assert _shown(units) == [" ".join(ROWS[0].split())]


def test_an_annotation_drawn_out_of_order_is_read_as_shown(tmp_path: Path, policy: Policy) -> None:
    appearance = pdf_stream(
        _right_to_left_words(),
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792]"
        b" /Resources << /Font << /F1 3 0 R >> >> ",
    )
    note = b"<< /Type /Annot /Subtype /FreeText /Rect [0 0 612 792] /AP << /N 4 0 R >> >>"
    data = drawn_pdf(
        [_lines(["Monthly report"])],
        objects=(HELVETICA, appearance, note),
        page=b"/Annots [5 0 R]",
    )
    units = _units(data)

    shown = [
        u for u in units if isinstance(u, Text) and u.where.part == "page 1 annotations as shown"
    ]
    first = PERSONS[0]
    assert " ".join(shown[0].lines).split()[:3] == [first.first, first.last, first.a_number]
    assert _scan(tmp_path, policy, data) == "protected"


def test_an_annotation_in_a_font_with_no_unicode_blocks() -> None:
    type3 = _type3([f"g{n}" for n in range(26)])
    appearance = pdf_stream(
        b"BT /F1 10 Tf 72 700 Td (ABCDEF) Tj ET",
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792]"
        b" /Resources << /Font << /F1 3 0 R >> >> ",
    )
    number = 3 + len(type3)
    note = b"<< /Type /Annot /Subtype /FreeText /Rect [0 0 612 792] /AP << /N %d 0 R >> >>" % number
    data = drawn_pdf(
        [b""], objects=(*type3, appearance, note), page=b"/Annots [%d 0 R]" % (number + 1)
    )

    assert [part for part, _ in _blocking(_units(data))] == ["page 1 annotation glyphs"]
