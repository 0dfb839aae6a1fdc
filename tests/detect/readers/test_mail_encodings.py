"""Mail and contacts in the encodings clients decode: a transfer encoding with white space
after it, charset labels Python does not know (``readers._charsets``), format=flowed, vCard
2.1's ``CHARSET`` on raw 8-bit values. Each file is what a client shows with an A-number in it;
the scan must find it, or block where the bytes cannot be read as shown."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from approval.detect.readers._charsets import LABELS, codec_for, decode
from approval.detect.readers.eml import READER
from approval.detect.scan import scan_file
from approval.detect.units import Limits
from approval.policy import Policy
from tests.corpus.documents import dump, source

_HEAD = "From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\nMIME-Version: 1.0\r\n"
_LATIN = "Maria Elena Gonzalez A212345678 asylum granted"
_JAPANESE = "マリア・ゴンサレス Ａ２１２３４５６７８ 庇護申請"
_CSV = b"Name,A-Number,DOB,Status\r\nMaria Elena Gonzalez,A212345678,1985-03-14,granted\r\n"


def _detectors(path: Path, policy: Policy) -> set[str]:
    report = scan_file(path, policy)
    assert report.verdict == "protected", report.reason
    return {finding.detector for finding in report.findings}


def _mail(headers: str, body: str | bytes) -> bytes:
    raw = body.encode() if isinstance(body, str) else body
    return (_HEAD + headers + "\r\n").encode() + raw


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "base64-space.eml",
            _mail(
                "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64 \r\n",
                base64.b64encode(_LATIN.encode()) + b"\r\n",
            ),
        ),
        (
            "qp-tab.eml",
            _mail(
                "Content-Type: text/plain\r\nContent-Transfer-Encoding: Quoted-Printable\t\r\n",
                "=41=32=31=32345678\r\n",
            ),
        ),
        (
            "attachment.eml",
            _mail(
                'Content-Type: multipart/mixed; boundary="BB"\r\n',
                "--BB\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--BB\r\n"
                'Content-Type: text/csv; name="list.csv"\r\n'
                'Content-Disposition: attachment; filename="list.csv"\r\n'
                "Content-Transfer-Encoding:  BASE64  \r\n\r\n"
                + base64.b64encode(_CSV).decode()
                + "\r\n--BB--\r\n",
            ),
        ),
        (
            "inbox.mbox",
            b"From a@example.org Mon Dec  7 10:00:00 2026\n"
            + _HEAD.replace("\r\n", "\n").encode()
            + b"Content-Type: text/plain\nContent-Transfer-Encoding: base64 \n\n"
            + base64.b64encode(b"A212345678")
            + b"\n\n",
        ),
    ],
)
def test_a_transfer_encoding_is_read_trimmed(
    tmp_path: Path, policy: Policy, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)

    assert "a-number" in _detectors(path, policy)


def test_an_unknown_transfer_encoding_with_space_still_blocks(
    tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(_mail("Content-Transfer-Encoding: x-gzip64 \r\n", "H4sIAAAA\r\n"))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "unknown transfer encoding" in str(report.reason)


@pytest.mark.parametrize(
    ("label", "codec", "text"),
    [
        ("unicode", "utf-16-le", _LATIN),
        ("ucs-2", "utf-16-le", _LATIN),
        ("iso-10646-ucs-2", "utf-16-le", _LATIN),
        ("csUnicode", "utf-16-le", _LATIN),
        ("unicodeFEFF", "utf-16-le", _LATIN),
        ("unicodeFFFE", "utf-16-be", _LATIN),
        ("x-sjis", "shift_jis", _JAPANESE),
        ("MS_Kanji", "shift_jis", _JAPANESE),
        ("x-euc-jp", "euc_jp", _JAPANESE),
        ("csISO2022JP", "iso2022_jp", _JAPANESE),
        ("x-gbk", "gbk", "玛丽亚 Ａ２１２３４５６７８ 申请庇护"),
        ("ks_c_5601-1987", "cp949", "Ａ２１２３４５６７８"),
    ],
)
def test_a_charset_clients_know_is_decoded(
    tmp_path: Path, policy: Policy, label: str, codec: str, text: str
) -> None:
    path = tmp_path / "m.eml"
    body = base64.b64encode(text.encode(codec)) + b"\r\n"
    headers = (
        f'Content-Type: text/plain; charset="{label}"\r\nContent-Transfer-Encoding: base64\r\n'
    )
    path.write_bytes(_mail(headers, body))

    assert "a-number" in _detectors(path, policy)


@pytest.mark.parametrize("label", ["x-no-such-charset", "unicode_escape", "punycode", "rot13"])
def test_a_charset_no_client_knows_blocks(tmp_path: Path, policy: Policy, label: str) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(_mail(f"Content-Type: text/plain; charset={label}\r\n", "A212345678\r\n"))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "unknown charset" in str(report.reason)


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("A2 \r\n12 \r\n34 \r\n56 \r\n78\r\n", {"a-number"}),
        (
            "Ma \r\nria Gon \r\nzalez, A21 \r\n2345678, asy \r\nlum appli \r\ncant\r\n",
            {"a-number", "person-name", "protection-claim"},  # the A-number alone spans lines
        ),
        ("> A2 \r\n> 12 \r\n> 345678\r\n", {"a-number"}),  # quoted lines flow within their depth
    ],
)
def test_format_flowed_delsp_is_joined(
    tmp_path: Path, policy: Policy, body: str, found: set[str]
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(_mail("Content-Type: text/plain; format=flowed; delsp=yes\r\n", body))

    assert found <= _detectors(path, policy)


def test_format_flowed_lines_are_read_as_sent_too(tmp_path: Path, policy: Policy) -> None:
    """With delsp=yes a client that ignores format=flowed (Outlook) shows the lines as sent:
    the space the join removes may be the one that makes the number a number (joined, it has
    ten digits). In base64, so that the text reader does not see the lines as sent either."""
    path = tmp_path / "m.eml"
    body = base64.b64encode(b"A212345678 \r\n9 others\r\n") + b"\r\n"
    headers = (
        "Content-Type: text/plain; format=flowed; delsp=yes\r\n"
        "Content-Transfer-Encoding: base64\r\n"
    )
    path.write_bytes(_mail(headers, body))

    assert "a-number" in _detectors(path, policy)


@pytest.mark.parametrize(
    ("charset", "codec"),
    [("x-sjis", "shift_jis"), ("Shift_JIS", "shift_jis"), ("EUC-JP", "euc_jp"), ("UTF-8", "utf-8")],
)
@pytest.mark.parametrize("encoded", [False, True])
def test_a_vcard_value_is_read_in_its_charset(
    tmp_path: Path, policy: Policy, charset: str, codec: str, encoded: bool
) -> None:
    """vCard 2.1: ``CHARSET`` names the encoding of a value, raw 8-bit or quoted-printable."""
    value = _JAPANESE.encode(codec)
    if encoded:
        qp = "".join(f"={byte:02X}" for byte in value).encode()
        line = b"NOTE;CHARSET=" + charset.encode() + b";ENCODING=QUOTED-PRINTABLE:" + qp
    else:
        line = b"NOTE;CHARSET=" + charset.encode() + b":" + value
    path = tmp_path / "c.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:x\r\n" + line + b"\r\nEND:VCARD\r\n")

    assert "a-number" in _detectors(path, policy)


def test_a_vcard_charset_no_reader_knows_blocks(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "c.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:x\r\nNOTE;CHARSET=x-nothing;ENCODING=QUOTED-PRINTABLE:"
        b"=41=32\r\nEND:VCARD\r\n"
    )

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "unknown charset" in str(report.reason)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("  UTF8 ", "utf-8"),
        ('"ISO-8859-1"', "cp1252"),  # as browsers: Latin-1 is read as Windows-1252
        ("us-ascii", "cp1252"),
        ("gb2312", "gb18030"),
        ("big5", "big5hkscs"),
        ("windows-31j", "cp932"),
        ("utf-7", "utf-7"),
        ("iso-2022-kr", "iso2022_kr"),
        ("x-user-defined", None),
        ("unicode-1-1-utf-7x", None),
        ("latin1\x00", None),
    ],
)
def test_codec_for(label: str, codec: str | None) -> None:
    assert codec_for(label) == codec


def test_every_label_names_a_text_codec() -> None:
    for codec in set(LABELS.values()):
        assert "A212".encode(codec).decode(codec) == "A212"


def test_a_byte_order_mark_outranks_the_label() -> None:
    assert decode("A212".encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16-le") == "A212"
    assert decode(b"\xef\xbb\xbfA\xc3\xa9", "cp1252") == "Aé"


@pytest.mark.parametrize(
    ("label", "codec"),
    [("unicode", "utf-16-le"), ("x-sjis", "shift_jis"), ("ucs-2", "utf-16-le"), ("UTF-8", "utf-8")],
)
@pytest.mark.parametrize("header", ["Subject", "X-Note", "To"])
def test_encoded_words_are_decoded_in_their_charset(
    tmp_path: Path, policy: Policy, label: str, codec: str, header: str
) -> None:
    word = base64.b64encode("Maria Elena Gonzalez Ａ２１２３４５６７８".encode(codec)).decode()
    data = (
        f"From: a@example.org\r\n{header}: =?{label}?B?{word}?=\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain\r\n\r\nhello\r\n"
    )
    path = tmp_path / "m.eml"
    path.write_bytes(data.encode())

    assert "a-number" in _detectors(path, policy)


def test_an_encoded_word_in_an_unknown_charset_blocks(tmp_path: Path, policy: Policy) -> None:
    word = base64.b64encode(b"A212345678").decode()
    path = tmp_path / "m.eml"
    path.write_bytes(
        _mail("Content-Type: text/plain\r\n", "hello\r\n").replace(
            b"Subject: hi", f"Subject: =?x-nothing?B?{word}?=".encode()
        )
    )

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "encoded words in headers" in str(report.reason)
    (part,) = [p for p in report.coverage if p.part == "encoded headers"]
    assert part.bytes == len(f"=?x-nothing?B?{word}?=")  # the header's size, not a count


@pytest.mark.parametrize(("label", "codec"), [("ucs-2", "utf-16-le"), ("x-sjis", "shift_jis")])
def test_an_attachment_name_is_decoded_in_its_charset(
    tmp_path: Path, policy: Policy, label: str, codec: str
) -> None:
    """RFC 2231 ``filename*=charset''...`` in a label clients know and Python does not; the
    A-number in full-width digits, which are no ASCII in either encoding."""
    name = "".join(f"%{b:02X}" for b in "Gonzalez Maria Ａ２１２３４５６７８.txt".encode(codec))
    half = len(name) // 2 // 3 * 3  # continuations cut between escapes
    path = tmp_path / "m.eml"
    path.write_bytes(
        _mail(
            'Content-Type: multipart/mixed; boundary="BB"\r\n',
            "--BB\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--BB\r\n"
            "Content-Type: text/plain\r\nContent-Disposition: attachment;"
            f" filename*0*={label}''{name[:half]}; filename*1*={name[half:]}\r\n\r\n"
            "nothing here\r\n--BB--\r\n",
        )
    )

    assert "a-number" in _detectors(path, policy)


def test_the_subject_titles_the_body_decoded_in_its_charset() -> None:
    word = base64.b64encode("credible fear interview".encode("utf-16-le")).decode()
    data = _mail("Content-Type: text/plain\r\n", "Maria Elena Gonzalez\r\n").replace(
        b"Subject: hi", f"Subject: =?unicode?B?{word}?=".encode()
    )

    units = dump(READER.read(source(data, "m.eml"), Limits()))

    assert ("text", "credible fear interview", None, False, ["Maria Elena Gonzalez"]) in units


@pytest.mark.parametrize("label", ["unknown-8bit", "x-unknown"])
def test_a_charset_that_says_unknown_is_sniffed(tmp_path: Path, policy: Policy, label: str) -> None:
    """RFC 1428: text whose charset nobody knew, shown in a client's default encoding."""
    path = tmp_path / "m.eml"
    body = _JAPANESE.encode("euc_jp") + b"\r\n"
    path.write_bytes(_mail(f"Content-Type: text/plain; charset={label}\r\n", body))

    assert "a-number" in _detectors(path, policy)
