"""Data URIs in any text a reader hands over (``approval.detect.carried``): a browser, an editor
or a Markdown viewer decodes them wherever they stand, so their payloads are read as files of
their own: a list blocks, a picture is read for the text it carries, a font is not read."""

from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path

import pytest

from approval.detect.carried import Carrier
from approval.detect.scan import scan_file
from approval.detect.units import Limits
from approval.policy import Policy
from tests.corpus.carriers import payload_csv
from tests.corpus.inject.package import png

LIST = payload_csv()
B64 = base64.b64encode(LIST).decode()
URI = f"data:text/csv;base64,{B64}"
PERCENT = "data:text/csv," + urllib.parse.quote(LIST.decode())

CARRIERS = {
    "notes.md": f"# Notes\n\nSee [the list]({URI}).\n",
    "notes percent.md": f"# Notes\n\nSee [the list]({PERCENT}).\n",
    "notes.txt": f"Attached: {URI}\n",
    "export.json": json.dumps({"report": "weekly", "attachment": URI}),
    "export.yaml": f"report: weekly\nattachment: '{URI}'\n",
    "export.xml": f"<report><title>weekly</title><file>{URI}</file></report>",
}


@pytest.mark.parametrize("name", sorted(CARRIERS))
def test_a_list_in_a_data_uri_blocks_whatever_the_format(
    tmp_path: Path, policy: Policy, name: str
) -> None:
    path = tmp_path / name.replace(" ", "-")
    path.write_text(CARRIERS[name])
    report = scan_file(path, policy)
    assert report.verdict == "protected", (name, report.reason)
    assert report.classes.get("protected-person") == 6
    assert any(part.part.endswith("data-uri-1") for part in report.coverage)


def test_a_picture_or_a_font_in_a_data_uri_does_not_block(tmp_path: Path, policy: Policy) -> None:
    picture = base64.b64encode(png()).decode()
    font = base64.b64encode(b"wOF2" + bytes(200)).decode()
    path = tmp_path / "page.md"
    path.write_text(
        f"# Office hours\n\n![logo](data:image/png;base64,{picture})\n\n"
        f"The office font: data:font/woff2;base64,{font}\n"
    )
    report = scan_file(path, policy)
    assert report.verdict == "clean", report.reason
    # The text a picture carries is read all the same.
    path.write_text(
        f"![logo](data:image/png;base64,{base64.b64encode(png(text=LIST.decode())).decode()})"
    )
    assert scan_file(path, policy).verdict == "protected"


def test_a_payload_no_reader_knows_blocks(tmp_path: Path, policy: Policy) -> None:
    blob = base64.b64encode(bytes(range(256)) * 4).decode()
    path = tmp_path / "notes.md"
    path.write_text(f"[file](data:application/octet-stream;base64,{blob})\n")
    assert scan_file(path, policy).verdict == "unscannable"


def test_only_data_uris_are_taken() -> None:
    text = f"metadata:abcdefghijklmnopqrstuvwxyz, data: 12, 13 and 14; data:short, and {URI[:60]}"
    carrier = Carrier(Limits())
    carrier.value(text)
    assert [found.uri for found in carrier.take()] == [URI[:60]]


def test_too_many_data_uris_stop_the_scan(tmp_path: Path, policy: Policy) -> None:
    many = Limits().max_entries + 1
    path = tmp_path / "notes.json"
    path.write_text(json.dumps({"notes": ["data:text/plain,hello%20world%20again"] * many}))
    report = scan_file(path, policy)
    assert report.verdict == "unscannable"
    assert "data URIs" in (report.reason or "")


def _wrapped(payload: str, width: int = 76, joint: str = "\n") -> str:
    return joint.join(payload[at : at + width] for at in range(0, len(payload), width))


WRAPPED = {
    "scheme in capitals.md": f"See [the list](DATA:text/csv;base64,{B64}).\n",
    "scheme in mixed case.md": f"See [the list](Data:Text/CSV;BASE64,{B64}).\n",
    "base64 wrapped in lines.txt": f"Attached:\ndata:text/csv;base64,{_wrapped(B64)}\n\nEnd.\n",
    "base64 wrapped in a value.json": json.dumps({"file": "data:text/csv;base64," + _wrapped(B64)}),
    "base64 in groups.md": f"[list](data:text/csv;base64,{_wrapped(B64, joint=' ')})\n",
}


@pytest.mark.parametrize("name", sorted(WRAPPED))
def test_a_data_uri_is_read_as_browsers_decode_it(
    tmp_path: Path, policy: Policy, name: str
) -> None:
    """A URL's scheme is read in any case, and base64's white space is dropped (WHATWG's
    forgiving-base64): a consumer of these URIs gets the whole list."""
    path = tmp_path / name.replace(" ", "-")
    path.write_text(WRAPPED[name])
    report = scan_file(path, policy)
    assert report.classes.get("protected-person") == 6, (name, report.reason)


def test_a_data_uri_longer_than_a_line_is_read_whole(tmp_path: Path, policy: Policy) -> None:
    """A line longer than the reader's limit is read in pieces: a URI across them is joined,
    never read in part (the list sits at the end of 1 MiB of other text)."""
    filler = "".join(f"note {n}: monthly statistics regenerated\n" for n in range(30_000))
    payload = base64.b64encode(filler.encode() + LIST).decode()
    assert len(payload) > 1 << 20
    path = tmp_path / "notes.md"
    path.write_text(f"[extract](data:text/plain;base64,{payload})\n")
    assert scan_file(path, policy).classes.get("protected-person") == 6
