"""Charset labels as mail clients, browsers and address books know them: one table.

A label is what a message's ``charset=``, a vCard's ``CHARSET=`` or a page's ``<meta charset>``
names; the codec is what a reader decodes it with. Python's codec registry knows a different
set of names: ``unicode``, ``ucs-2``, ``x-sjis``, ``ms_kanji`` or ``x-euc-jp`` mean nothing to
it, while Thunderbird, a browser or an address book decodes them, and text read in another
encoding than the one shown hides what it says. The reference is the WHATWG Encoding Standard's
label table (what browsers and Thunderbird decode), with the labels mail and vCard writers use
besides (IANA's aliases, UTF-7, UTF-32, the ISO-2022 family, IBM code pages). As the standard
says, ``iso-8859-1`` and ``us-ascii`` decode as Windows-1252, and the ``utf-16`` labels as
UTF-16LE unless a byte-order mark says otherwise (``decode``).

A label in none of these lists is unknown: ``codec_for`` gives None and the reader blocks the
part (its bytes cannot be read as shown), never a silent fallback to Latin-1. Python's own
aliases are not consulted: ``unicode_escape`` or ``punycode`` would decode what no client does.
"""

from __future__ import annotations

import codecs

# WHATWG Encoding Standard (encodings.json): Python codec -> its labels.
_WHATWG: dict[str, str] = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859-2": (
        "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"
    ),
    "iso8859-3": (
        "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"
    ),
    "iso8859-4": (
        "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"
    ),
    "iso8859-5": (
        "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 "
        "iso_8859-5 iso_8859-5:1988"
    ),
    "iso8859-6": (
        "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
        "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 "
        "iso_8859-6 iso_8859-6:1987"
    ),
    "iso8859-7": (
        "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 "
        "iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"
    ),
    "iso8859-8": (
        "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 "
        "iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i "
        "iso-8859-8-i logical"
    ),
    "iso8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859-13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859-14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859-16": "iso-8859-16",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": (
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 "
        "iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 "
        "us-ascii windows-1252 x-cp1252"
    ),
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": (
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
        "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"
    ),
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    # The standard's GBK decoder is its gb18030 decoder.
    "gb18030": (
        "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030"
    ),
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp_ext": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": (
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 "
        "ks_c_5601-1989 ksc5601 ksc_5601 windows-949"
    ),
    "utf-16-be": "unicodefffe utf-16be",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
}

# Labels mail and vCard writers use beyond the standard's (IANA aliases, the ISO-2022 family
# that mail kept, UTF-7 and UTF-32, IBM/DOS code pages): Python codec -> its labels.
_MAIL: dict[str, str] = {
    "cp1252": (
        "iso646-us us ibm367 cp367 csascii iso_646.irv:1991 ansi_x3.4-1986 "
        "iso-ir-6 iso_8859-1:1987 latin-1 iso-latin-1 8859-1"
    ),
    "utf-7": "utf-7 unicode-1-1-utf-7 csunicode11utf7 x-utf-7",
    "utf-32": "utf-32 ucs-4 iso-10646-ucs-4 csucs4 x-iso-10646-ucs-4",
    "utf-32-le": "utf-32le",
    "utf-32-be": "utf-32be",
    "iso2022_jp_2": "iso-2022-jp-2 csiso2022jp2",
    "iso2022_jp_1": "iso-2022-jp-1",
    "iso2022_jp_3": "iso-2022-jp-3",
    "iso2022_kr": "iso-2022-kr csiso2022kr",
    "hz": "hz-gb-2312 hz",
    "shift_jisx0213": "shift_jisx0213 shift_jis-2004 shift_jis2004 x-sjis-2004",
    "euc_jisx0213": "euc-jisx0213 euc-jis-2004 euc_jis_2004",
    "cp932": "x-ms-cp932 cswindows31j windows-932 cp932",
    "cp936": "cp936 ms936 windows-936",
    "cp950": "cp950 ms950 windows-950 x-windows-950",
    "big5hkscs": "big5hkscs csbig5hkscs",
    "johab": "johab x-johab",
    "cp949": "uhc x-windows-949 ms949 cp949",
    "tis-620": "tis620 x-tis-620",
    "koi8-u": "koi8u",
    "cp437": "ibm437 cp437 437 cspc8codepage437",
    "cp850": "ibm850 cp850 850 cspc850multilingual",
    "cp852": "ibm852 cp852 852 cspcp852",
    "cp855": "ibm855 cp855 855",
    "cp857": "ibm857 cp857 857",
    "cp858": "ibm858 cp858 ibm00858",
    "cp860": "ibm860 cp860 860",
    "cp861": "ibm861 cp861 861",
    "cp862": "ibm862 cp862 862",
    "cp863": "ibm863 cp863 863",
    "cp864": "ibm864 cp864 864",
    "cp865": "ibm865 cp865 865",
    "cp869": "ibm869 cp869 869",
    "mac-greek": "x-mac-greek macgreek",
    "mac-turkish": "x-mac-turkish macturkish",
    "mac-iceland": "x-mac-icelandic maciceland",
    "mac-latin2": "x-mac-ce x-mac-centraleurope maccentraleurope",
    "cp1125": "cp1125 ibm1125",
    "iso8859-16": "iso8859-16 iso_8859-16 latin10 l10",
    "utf-8": "x-utf-8 utf-8-sig",
}

LABELS: dict[str, str] = {
    label: codec
    for table in (_MAIL, _WHATWG)
    for codec, names in table.items()
    for label in names.split()
}
_STRIPPED = " \t\n\f\r\"'"
# Labels that say no charset is known (RFC 1428's ``unknown-8bit``): a client shows such text
# in its default encoding, which a reader approximates by sniffing the bytes.
UNLABELLED = frozenset({"unknown-8bit", "x-unknown", "unknown"})


# The Encoding Standard's labels alone: what a browser decodes a page in. A label only mail
# clients know (utf-7, utf-32, IBM and DOS code pages) is one a browser ignores.
WEB_LABELS: dict[str, str] = {
    label: codec for codec, names in _WHATWG.items() for label in names.split()
}


def codec_for(label: str) -> str | None:
    """The Python codec that decodes text labelled ``label`` as clients show it, or None when
    no client knows the label (the text then cannot be read as shown: the caller blocks)."""
    return LABELS.get(label.strip(_STRIPPED).lower())


def web_codec_for(label: str) -> str | None:
    """The Python codec a browser decodes a page labelled ``label`` in, or None when browsers
    ignore the label (and the bytes decide)."""
    return WEB_LABELS.get(label.strip(_STRIPPED).lower())


def decode(data: bytes, codec: str, errors: str = "replace") -> str:
    """``data`` decoded with ``codec`` (from ``codec_for``), as a browser does: a byte-order
    mark outranks the label (UTF-8, UTF-16 either way)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not codec.startswith(
        "utf-32"
    ):
        return data.decode("utf-16", errors)
    return data.decode(codec, errors)
