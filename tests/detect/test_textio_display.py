"""What ``textio.visible`` makes of text a screen shows otherwise than it is stored: invisible
characters (Unicode's Default_Ignorable_Code_Point set) dropped, and directional overrides
laid out as shown, with the stored order kept on a line of its own."""

from __future__ import annotations

import unicodedata

import pytest

from approval.detect.textio import _INVISIBLE, displayed, visible


@pytest.mark.parametrize(
    "character",
    [
        "\u00ad",  # soft hyphen
        "\u034f",  # combining grapheme joiner
        "\u115f",  # Hangul choseong filler
        "\u180f",  # Mongolian free variation selector four (Unicode 14)
        "\u200b",
        "\u2065",  # reserved, default ignorable all the same
        "\ufe0f",  # variation selector 16
        "\U000e0041",  # tag latin capital letter A
        "\U000e0100",  # variation selector 17
        "\U000e0fff",  # the end of the reserved block
    ],
)
def test_default_ignorable_characters_are_dropped(character: str) -> None:
    assert visible(f"A21{character}8343183 Ru{character}by") == "A218343183 Ruby"


@pytest.mark.parametrize("character", ["\u0600", "\u200a", "\u2800", "\ufff9", "\U000e1000"])
def test_characters_outside_the_set_stay(character: str) -> None:
    # Arabic number sign, hair space, braille blank, interlinear anchor, past the tag block.
    assert ord(character) not in _INVISIBLE


def test_every_format_character_in_the_set_is_a_format_or_mark_or_unassigned() -> None:
    # A typo in the table would drop letters: the set holds no letter but the Hangul fillers.
    letters = [
        code
        for code in _INVISIBLE
        if unicodedata.category(chr(code)).startswith("L")
        and code not in (0x115F, 0x1160, 0x3164, 0xFFA0)
    ]
    assert letters == []


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Ref \u202e987654321A\u202c born", "Ref A123456789 born"),
        ("\u202eybuR\u202c", "Ruby"),
        ("\u202eabc\u202dDEF\u202cghi\u202c x", "ihgDEFcba x"),  # L2: nested levels
        ("\u202eab\tcd", "ba\tdc"),  # a tab is laid out outside the override
        ("\u202eab\ncd", "ba\ncd"),  # a paragraph ends every override
        ("\u202dabc\u202c", "abc"),  # left-to-right over left-to-right: as stored
    ],
)
def test_overrides_are_laid_out_as_shown(stored: str, shown: str) -> None:
    assert displayed(stored) == shown


def test_visible_reads_an_overridden_line_as_shown_then_as_stored() -> None:
    assert visible("Ref \u202e987654321A\u202c\nnext") == "Ref A123456789\nRef 987654321A\nnext"


def test_the_stored_copy_keeps_a_delimited_files_quoting() -> None:
    # One quote opens a field that spans lines: a copy with it would close that field.
    assert visible('1,"\u202ecba\u202c, x\n') == '1,"abc, x\n1,cba, x\n'


@pytest.mark.parametrize(
    "text",
    [
        "שעות הפעילות: ראשון עד חמישי",
        "ساعات العمل من الاثنين إلى الجمعة",
        "Office \u202bמשרד\u202c hours \u2067שעות\u2069",  # embeddings and isolates only
    ],
)
def test_right_to_left_text_is_not_reordered(text: str) -> None:
    assert displayed(text) == text
    assert "\n" not in visible(text)
