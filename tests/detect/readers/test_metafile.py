"""Windows metafiles (EMF, EMF+, WMF): the text their records draw is read where it lands, as a
person sees it (word by word, glyph by glyph, in any record order, under mapping changes), text
drawn by glyph index and metafiles that cannot be walked to their end fail closed, and a chart's
labels stay clean. The metafiles are built record by record here."""

from __future__ import annotations

import json
import math
import re
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from approval.detect.readers import _metafile
from approval.detect.readers._members import image_text
from approval.detect.readers._metafile import GLYPHS_REASON, metafile_text
from approval.detect.units import Unscannable
from tests.conftest import run_approval
from tests.corpus.carriers import payload_lines
from tests.corpus.documents import docx_bytes
from tests.corpus.inject.package import rewrite_zip
from tests.corpus.inject.pptx import _slide, pptx

EM, ADVANCE = 14, 7  # font height and each character's advance, in logical units
LINES = payload_lines()
CHART = ["2019", "2020", "Total"]

# EMF ----------------------------------------------------------------------------------------


def record(kind: int, body: bytes) -> bytes:
    body += bytes(-len(body) % 4)
    return struct.pack("<II", kind, 8 + len(body)) + body


def emf(records: Sequence[bytes], description: str = "") -> bytes:
    text = description.encode("utf-16-le")
    header_size = 88 + len(text) + (-len(text) % 4)
    eof = record(14, struct.pack("<3I", 0, 16, 20))
    total = header_size + sum(map(len, records)) + len(eof)
    header = struct.pack(
        "<II4i4iIIIIHHIII2i2i",
        *(1, header_size, 0, 0, 1000, 1000, 0, 0, 26000, 26000, 0x464D4520, 0x10000),
        *(total, len(records) + 2, 1, 0, len(description), 88 if text else 0, 0),
        *(1920, 1080, 508, 286),
    )
    header += text + bytes(-len(text) % 4)
    return header + b"".join(records) + eof


def emrtext(x: int, y: int, chars: int, offset: int, options: int, dx: int) -> bytes:
    return struct.pack("<2iIII4iI", x, y, chars, offset, options, 0, 0, 0, 0, dx)


def exttextout(x: int, y: int, text: str, *, wide: bool = True, options: int = 0) -> bytes:
    raw = text.encode("utf-16-le" if wide else "cp1252")
    raw += bytes(-len(raw) % 4)
    advances = struct.pack(f"<{len(text)}i", *[ADVANCE] * len(text))
    head = struct.pack("<4iIff", 0, 0, 0, 0, 1, 1.0, 1.0)
    body = head + emrtext(x, y, len(text), 76, options, 76 + len(raw)) + raw + advances
    return record(84 if wide else 83, body)


def polytextout(pieces: Sequence[tuple[int, int, str]]) -> bytes:
    head = struct.pack("<4iIffI", 0, 0, 0, 0, 1, 1.0, 1.0, len(pieces))
    at = 8 + len(head) + 40 * len(pieces)
    texts, strings = b"", []
    for x, y, text in pieces:
        raw = text.encode("utf-16-le")
        raw += bytes(-len(raw) % 4)
        strings.append(emrtext(x, y, len(text), at + len(texts), 0, 0))
        texts += raw
    return record(97, head + b"".join(strings) + texts)


def smalltextout(x: int, y: int, text: str, options: int = 0x100) -> bytes:
    raw = text.encode("utf-16-le")
    return record(108, struct.pack("<2iIIIff", x, y, len(text), options, 1, 1.0, 1.0) + raw)


def font(
    handle: int = 1, height: int = EM, width: int = ADVANCE, escapement: int = 0
) -> list[bytes]:
    logfont = struct.pack("<5i8B", height, width, escapement, 0, 400, 0, 0, 0, 0, 0, 0, 0, 0)
    logfont += "Arial".encode("utf-16-le").ljust(64, b"\x00")
    return [record(82, struct.pack("<I", handle) + logfont), record(37, struct.pack("<I", 1))]


def emfplus(*records: bytes) -> bytes:
    family = "Arial".encode("utf-16-le")
    face = struct.pack("<IfIiII", 0xDBC01002, EM, 2, 0, 0, 5) + family
    data = b"EMF+" + plus_record(0x4008, 6 << 8, face) + b"".join(records)
    return record(70, struct.pack("<I", len(data)) + data)


def plus_record(kind: int, flags: int, data: bytes) -> bytes:
    data += bytes(-len(data) % 4)
    return struct.pack("<HHII", kind, flags, 12 + len(data), len(data)) + data


def draw_string(x: float, y: float, text: str) -> bytes:
    raw = text.encode("utf-16-le")
    return plus_record(0x401C, 0x8000 | 0, struct.pack("<3I4f", 0, 0, len(text), x, y, 0, 0) + raw)


def driver_string(x: float, y: float, codes: Sequence[int], options: int) -> bytes:
    positions = b"".join(struct.pack("<2f", x + ADVANCE * i, y) for i in range(len(codes)))
    glyphs = struct.pack(f"<{len(codes)}H", *codes)
    body = struct.pack("<4I", 0, options, 0, len(codes)) + glyphs + positions
    return plus_record(0x4036, 0x8000, body)


# WMF ----------------------------------------------------------------------------------------


def wmf(records: Sequence[bytes], placeable: bool = False) -> bytes:
    eof = struct.pack("<IH", 3, 0)
    body = b"".join(records) + eof
    size = (18 + len(body)) // 2
    header = struct.pack("<HHHIHIH", 1, 9, 0x300, size, 1, 64, 0)
    if placeable:
        header = struct.pack("<IH4hHIH", 0x9AC6CDD7, 0, 0, 0, 1000, 1000, 1440, 0, 0) + header
    return header + body


def meta(function: int, params: bytes) -> bytes:
    params += bytes(len(params) % 2)
    return struct.pack("<IH", 3 + len(params) // 2, function) + params


def textout(x: int, y: int, text: str) -> bytes:
    raw = text.encode("cp1252")
    return meta(
        0x0521, struct.pack("<H", len(raw)) + raw + bytes(len(raw) % 2) + struct.pack("<2h", y, x)
    )


def meta_exttextout(x: int, y: int, text: str, options: int = 0) -> bytes:
    raw = text.encode("cp1252")
    pad = bytes(len(raw) % 2)
    advances = struct.pack(f"<{len(raw)}h", *[ADVANCE] * len(raw))
    return meta(0x0A32, struct.pack("<2hHH", y, x, len(raw), options) + raw + pad + advances)


def meta_font(height: int = EM, width: int = ADVANCE) -> list[bytes]:
    logfont = struct.pack("<5h8B", height, width, 0, 0, 400, 0, 0, 0, 0, 0, 0, 0, 0) + b"Arial\x00"
    return [meta(0x02FB, logfont), meta(0x012D, struct.pack("<H", 0))]


# Layouts ------------------------------------------------------------------------------------


def words(line: str, y: int) -> list[tuple[int, int, str]]:
    """A line cut into words, each at the x where it is drawn (one advance per character)."""
    out, x = [], 0
    for word in line.split(" "):
        out.append((x, y, word))
        x += ADVANCE * (len(word) + 1)
    return out


def glyphs(line: str, y: int) -> list[tuple[int, int, str]]:
    return [(ADVANCE * i, y, c) for i, c in enumerate(line) if c != " "]


Placed = list[tuple[int, int, str]]


def placed(lines: Sequence[str], cut: Callable[[str, int], Placed]) -> Placed:
    return [piece for n, line in enumerate(lines) for piece in cut(line, 100 + 2 * EM * n)]


def by_word_reversed() -> bytes:
    pieces = placed(LINES, words)[::-1]
    return emf(font() + [exttextout(x, y, text) for x, y, text in pieces])


def by_glyph_shuffled() -> bytes:
    pieces = placed(LINES, glyphs)
    order = sorted(range(len(pieces)), key=lambda i: (i * 7919) % len(pieces))
    return emf(font() + [smalltextout(*pieces[i]) for i in order])


def ansi_by_word() -> bytes:
    pieces = placed(LINES, words)[::-1]
    return emf(font() + [exttextout(x, y, text, wide=False) for x, y, text in pieces])


def one_polytext() -> bytes:
    return emf([*font(), polytextout(placed(LINES, words)[::-1])])


def right_to_left_by_current_position() -> bytes:
    """Each line drawn from its last character leftwards: TA_UPDATECP | TA_RIGHT, the current
    position moved to the line's end first."""
    records = [*font(), record(22, struct.pack("<I", 1 | 2 | 24))]
    for n, line in enumerate(LINES):
        end = ADVANCE * len(line)
        records.append(record(27, struct.pack("<2i", end, 100 + 2 * EM * n)))
        records += [exttextout(0, 0, c) for c in reversed(line)]
    return emf(records)


def turned_by_glyph(turn: int) -> bytes:
    """Each glyph drawn on its own in a font turned by ``turn`` degrees (a label up the side
    of a chart), along the turned baseline, in shuffled order."""
    cos, sin = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    pieces = [
        (round(500 + u * cos + v * sin), round(500 - u * sin + v * cos), text)
        for u, v, text in placed(LINES, glyphs)
    ]
    order = sorted(range(len(pieces)), key=lambda i: (i * 7919) % len(pieces))
    return emf(font(escapement=10 * turn) + [smalltextout(*pieces[i]) for i in order])


def window_origin_moves() -> bytes:
    """Every word drawn at (0, 0), the window origin moved so that it lands in its place;
    records in reverse order."""
    records = font()
    for x, y, text in placed(LINES, words)[::-1]:
        records.append(record(10, struct.pack("<2i", -x, -y)))
        records.append(exttextout(0, 0, text))
    return emf(records)


def world_transform_moves() -> bytes:
    records = font()
    for x, y, text in placed(LINES, words)[::-1]:
        records.append(record(35, struct.pack("<6f", 1, 0, 0, 1, x, y)))
        records.append(exttextout(0, 0, text))
    return emf(records)


def emf_plus_strings() -> bytes:
    return emf([emfplus(*(draw_string(x, y, text) for x, y, text in placed(LINES, words)[::-1]))])


def emf_plus_driver_string() -> bytes:
    strings = [
        driver_string(0, 100 + 2 * EM * n, list(map(ord, line)), 1) for n, line in enumerate(LINES)
    ]
    return emf([emfplus(*strings)])


def wmf_by_word(placeable: bool) -> bytes:
    pieces = placed(LINES, words)[::-1]
    return wmf(meta_font() + [textout(x, y, text) for x, y, text in pieces], placeable)


def wmf_ext_by_glyph() -> bytes:
    pieces = placed(LINES, glyphs)[::-1]
    return wmf(meta_font() + [meta_exttextout(x, y, text) for x, y, text in pieces], True)


def wmf_in_emf() -> bytes:
    inner = wmf_by_word(False)
    data = b"GDIC" + struct.pack("<I", 0x80000001) + struct.pack("<HHII", 0x300, 0, 0, len(inner))
    data += inner
    return emf([record(70, struct.pack("<I", len(data)) + data)])


def multiformats(inner: bytes, copies: int) -> bytes:
    """An EMF whose comment offers ``inner`` as ``copies`` formats, all at the same bytes."""
    head = 28 + 16 * copies
    formats = struct.pack("<4I", 0x464D4520, 0x10000, len(inner), head) * copies
    data = b"GDIC" + struct.pack("<I5I", 0x40000004, 0, 0, 0, 0, copies) + formats + inner
    return emf([record(70, struct.pack("<I", len(data)) + data)])


DRAWN: dict[str, Callable[[], bytes]] = {
    "emf by word reversed": by_word_reversed,
    "emf by glyph shuffled": by_glyph_shuffled,
    "emf ansi by word": ansi_by_word,
    "emf polytext": one_polytext,
    "emf right to left by current position": right_to_left_by_current_position,
    "emf turned 90": lambda: turned_by_glyph(90),
    "emf turned 180": lambda: turned_by_glyph(180),
    "emf turned 270": lambda: turned_by_glyph(270),
    "emf window origin moves": window_origin_moves,
    "emf world transform moves": world_transform_moves,
    "emf+ strings": emf_plus_strings,
    "emf+ driver string": emf_plus_driver_string,
    "wmf by word": lambda: wmf_by_word(False),
    "placeable wmf by word": lambda: wmf_by_word(True),
    "placeable wmf by glyph": wmf_ext_by_glyph,
    "wmf in emf": wmf_in_emf,
    "emf in emf": lambda: multiformats(by_word_reversed(), 1),
}


@pytest.mark.parametrize("build", DRAWN.values(), ids=DRAWN.keys())
def test_the_text_a_metafile_draws_is_read_as_a_person_sees_it(build: Callable[[], bytes]) -> None:
    picture = build()
    # From the records as laid out: ``strings`` alone finds a line a record draws whole.
    drawn = [line for text in metafile_text(picture) for line in text.splitlines()]
    read = image_text(picture)
    for line in LINES:
        assert line in drawn
        assert line in read


def test_a_chart_reads_as_its_labels() -> None:
    shapes = [
        record(43, struct.pack("<4i", 10, 10, 200, 80)),
        record(42, struct.pack("<4i", 0, 0, 300, 100)),
    ]
    labels = [
        exttextout(x, 120, text) for x, text in zip((200, 100, 20), reversed(CHART), strict=True)
    ]
    picture = emf(shapes + font() + labels, description="Chart\x00Sheet1\x00")
    assert [line for text in metafile_text(picture) for line in text.splitlines()] == [
        "Chart",
        "Sheet1",
        "2019 2020 Total",
    ]


FAILING = [
    (lambda: emf([*font(), exttextout(0, 0, "\x12,3", options=16)]), GLYPHS_REASON),
    (lambda: emf([smalltextout(0, 0, "\x12\x2c", options=0x110)]), GLYPHS_REASON),
    (lambda: emf([emfplus(driver_string(0, 0, [18, 44, 51], 0))]), GLYPHS_REASON),
    (lambda: wmf([meta_exttextout(0, 0, "\x12\x2c", options=0x10)]), GLYPHS_REASON),
    (lambda: emf([exttextout(0, 0, "Lopez")])[:-20], "truncated"),  # no EOF record
    (lambda: emf([struct.pack("<II", 84, 4000)]), "truncated"),  # runs past the end
    (lambda: emf([struct.pack("<II", 84, 0)]), "truncated"),  # a record that never advances
    (lambda: wmf([textout(0, 0, "Lopez")])[:-6], "truncated"),
    (lambda: wmf([struct.pack("<IH", 0, 0x0521)]), "truncated"),
    # The same big metafile offered as a thousand formats: walked a thousand times, no.
    (lambda: multiformats(emf([record(70, bytes(1 << 16)), *font()]), 1000), "too large"),
]


@pytest.mark.parametrize(("build", "reason"), FAILING)
def test_text_no_one_reads_and_broken_metafiles_fail_closed(
    build: Callable[[], bytes], reason: str
) -> None:
    with pytest.raises(Unscannable, match=re.escape(reason)):
        image_text(build())


def test_a_pictures_strings_are_capped_across_its_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap on strings drawn is the picture's: its EMF and EMF+ records (and nested
    metafiles) draw into layouts of their own, none of which alone reaches the cap."""
    monkeypatch.setattr(_metafile, "MAX_PIECES", len(LINES) + 1)
    gdi = [exttextout(0, 100 + 2 * EM * n, line) for n, line in enumerate(LINES)]
    plus = emfplus(*(draw_string(0, 100 + 2 * EM * n, line) for n, line in enumerate(LINES)))
    for picture in (emf([*font(), *gdi]), emf([plus])):
        assert [line for line in metafile_text(picture) if line in LINES] == LINES
    with pytest.raises(Unscannable, match="too large"):
        metafile_text(emf([*font(), *gdi, plus]))


def _docx(picture: bytes) -> bytes:
    base = docx_bytes([("p", "Quarterly facilities report")])
    return rewrite_zip(base, add=[("word/media/image1.emf", picture)])


def _pptx(picture: bytes) -> bytes:
    return rewrite_zip(pptx([_slide("")]), add=[("ppt/media/image1.emf", picture)])


def _rtf(picture: bytes, control: str) -> bytes:
    return b"{\\rtf1\\ansi Quarterly facilities report\\par {\\pict\\%s %s}}" % (
        control.encode(),
        picture.hex().encode(),
    )


def test_documents_with_metafiles_through_the_cli(tmp_path: Path) -> None:
    chart = emf(font() + [exttextout(20 + 80 * i, 120, t) for i, t in enumerate(CHART)])
    files = {
        "clean.docx": (_docx(chart), "clean"),
        "clean.pptx": (_pptx(wmf([*meta_font(), textout(0, 0, "Total")])), "clean"),
        "names.docx": (_docx(by_glyph_shuffled()), "protected"),
        "names.pptx": (_pptx(wmf_by_word(True)), "protected"),
        "clean.rtf": (_rtf(chart, "emfblip"), "clean"),
        "names.rtf": (_rtf(by_word_reversed(), "emfblip"), "protected"),
        "names-wmf.rtf": (_rtf(wmf_by_word(False), "wmetafile8"), "protected"),
        "glyphs.docx": (_docx(emf([exttextout(0, 0, "\x12\x2c", options=0x10)])), "unscannable"),
    }
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)

    result = run_approval("scan", "--format", "json", tmp_path)

    assert "Traceback" not in result.output
    verdicts = {Path(f["path"]).name: f["verdict"] for f in json.loads(result.stdout)["files"]}
    assert verdicts == {name: verdict for name, (_, verdict) in files.items()}
