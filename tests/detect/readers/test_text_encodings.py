"""Plain text in the encodings an editor detects (ISO-2022-JP by its escapes, EUC-JP, GB18030,
Shift_JIS, Big5 by a strict decode that reads as CJK text), never Windows-1252 text taken for
them; and spaces too narrow to see inside a number (``textio.visible``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.detect.textio import is_cjk, legacy_cjk, sniff_encoding, visible
from approval.policy import Policy

_JAPANESE = "氏名 マリア・ゴンサレス 外国人登録番号 Ａ２１２３４５６７８ 庇護申請中\n"
_CHINESE = "姓名 玛丽亚·冈萨雷斯 外国人登记号 Ａ２１２３４５６７８ 申请庇护。\n"
_TAIWAN = "姓名 瑪麗亞·岡薩雷斯 外國人登記號 Ａ２１２３４５６７８ 申請庇護。\n"


@pytest.mark.parametrize(
    ("text", "codec", "sniffed"),
    [
        (_JAPANESE, "iso2022_jp", "iso2022_jp_2"),
        (_JAPANESE, "euc_jp", "euc_jp"),
        (_JAPANESE, "gb18030", "gb18030"),
        (_JAPANESE, "shift_jis", "cp932"),
        (_CHINESE, "gb18030", "euc_jp"),  # read alike: full-width forms are one table
        (_CHINESE, "gbk", "euc_jp"),
        (_TAIWAN, "big5", "big5hkscs"),
    ],
)
def test_cjk_text_is_decoded(
    tmp_path: Path, policy: Policy, text: str, codec: str, sniffed: str
) -> None:
    data = text.encode(codec)
    path = tmp_path / "notes.txt"
    path.write_bytes(data)

    report = scan_file(path, policy)

    assert sniff_encoding(data) == sniffed
    assert is_cjk(sniffed)
    assert "a-number" in {finding.detector for finding in report.findings}
    # Read, not blocked as binary: a lead byte Windows-1252 leaves undefined is text here.
    assert report.verdict == "protected", report.reason


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (
            "Größe Müller Straße Äpfel Übung Öl, schön, Grüße aus Köln; Jürgen Weiß ÄÖÜ äöüß",
            "cp1252",
        ),
        ("Françoise a écrit: « Où êtes-vous? » Élève, déjà, très, naïve, cœur, Noël", "cp1252"),
        ("José María Núñez, año, niño, información, ¿Qué? ¡Sí! Peña, Muñoz, Ibáñez", "cp1252"),
        ("João, ação, coração, irmãos, Conceição, São Paulo, não, mãe", "cp1252"),
        ("Þórður Guðmundsdóttir Ægir Ísafjörður þú ert æðislegur", "cp1252"),
        ("Price: 12½” x 3¼” … “quoted” – dash — ‘single’ € 100 ©®™ ±°µ¶·", "cp1252"),
        ("ÉCOLE ÉLÉMENTAIRE ÀÉÈÊËÎÏÔÛÙÜŸÇ ÆØÅ æøå blåbærsyltetøy rødgrød", "cp1252"),
        ("Привет мир Иванов Иван Иванович паспорт номер", "cp1251"),
        ("Zażółć gęślą jaźń Łódź Wrocław", "cp1250"),
        ("Καλημέρα κόσμε Παπαδόπουλος", "cp1253"),
        ("שלום עולם כהן", "cp1255"),
    ],
)
def test_eight_bit_text_is_not_taken_for_cjk(text: str, codec: str) -> None:
    data = ((text + "\n") * 20).encode(codec)

    assert legacy_cjk(data) is None
    assert sniff_encoding(data) == "cp1252"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\x1b[31mred\x1b[0m A212345678\n", "utf-8"),  # a terminal's colours: ASCII text
        (b"\x1b$)A\x0e\x3d\x3b\x0f A212\n", None),  # ISO-2022-CN: no codec reads it
        (b"\x1b$B\x75\x21\x1b(B A212\n", None),  # JIS row 85 holds nothing: does not decode
    ],
)
def test_iso2022_escapes(data: bytes, encoding: str | None) -> None:
    assert sniff_encoding(data) == encoding


@pytest.mark.parametrize("space", ["\u200a", "\u2006", "\u2009", "\u202f"])
def test_a_narrow_space_does_not_split_a_number(tmp_path: Path, policy: Policy, space: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(f"Maria Elena Gonzalez A212{space}345678\n", encoding="utf-8")

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    assert "a-number" in {finding.detector for finding in report.findings}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A212\u200a345678", "A212345678"),
        ("A\u2009212345678", "A212345678"),
        ("1\u202f000\u2009000", "1000000"),
        ("Ma\u200aria", "Maria"),  # a hair space between letters: one word
        ("Maria\u2009Gonzalez", "Maria Gonzalez"),  # a thin space between words stays one
        ("A212 \u2009345678", "A212  345678"),  # beside an ordinary space: a gap
        ("Jos\u00e9", "Jos\u00e9"),
    ],
)
def test_visible_narrow_spaces(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_a_narrow_space_does_not_split_a_number_in_a_csv(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "Name,A-Number\nMaria Elena Gonzalez,A212\u200a345678\nJose Perez,A212\u2009345679\n",
        encoding="utf-8",
    )

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    assert "a-number" in {finding.detector for finding in report.findings}
