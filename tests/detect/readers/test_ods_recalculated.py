"""ODS formulas read for what LibreOffice computes, not only for the value saved with them:
it recalculates any file on Ctrl+Shift+F9, and on load where its settings say so. The pieces
of a record sit in a hidden row, joined by formulas saved as ``-``."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus import packages as pk
from tests.corpus import spreadsheets as sheets
from tests.corpus.people import people

PERSON = people(1, seed=2026_12_09)[0]
HEADER = ["Name", "A-Number", "Date of Birth", "Nationality", "Claim"]
RECORD = [
    PERSON.name,
    PERSON.a_number,
    PERSON.birthdate.isoformat(),
    PERSON.nationality,
    PERSON.claim,
]
LIBREOFFICE = "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd"


def _ods(formulas: list[str], pieces: list[str], generator: str | None) -> bytes:
    """Row 1 (hidden) ``pieces``, row 3 the header, row 4 ``formulas`` saved as ``-``."""
    rows: list[list[object]] = [list(pieces), [""], HEADER, [f"@{i}" for i in range(len(formulas))]]
    data = sheets.ods_file([sheets.OdsSheet("Cases", rows, hidden_rows=frozenset({0}))])
    edits = {
        f'<table:table-cell office:value-type="string"><text:p>@{i}</text:p>'
        "</table:table-cell>".encode(): (
            f'<table:table-cell table:formula="{escape(formula, {chr(34): "&quot;"})}"'
            ' office:value-type="string" office:string-value="-"><text:p>-</text:p>'
            "</table:table-cell>"
        ).encode()
        for i, formula in enumerate(formulas)
    }
    data = pk.edit_member(data, "content.xml", edits)
    if generator is None:
        return data
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr(
            "meta.xml",
            '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
            f"<meta:generator>{generator}</meta:generator></office:meta></office:document-meta>",
        )
    return out.getvalue()


def _scan(tmp_path: Path, policy: Policy, data: bytes) -> tuple[str, int, str]:
    path = tmp_path / "cases.ods"
    path.write_bytes(data)
    report = scan_file(path, policy)
    return report.verdict, report.classes.get("protected-person", 0), report.reason or ""


def _letters(index: int) -> str:
    return chr(65 + index)


JOINS = [f"of:=[.{_letters(2 * i)}1]&[.{_letters(2 * i + 1)}1]" for i in range(len(RECORD))]
PIECES = [piece for value in RECORD for piece in (value[:3], value[3:])]


@pytest.mark.parametrize("generator", [None, "odfpy/1.4.2", LIBREOFFICE])
def test_joins_of_cells_are_read_as_computed_whatever_value_is_saved(
    tmp_path: Path, policy: Policy, generator: str | None
) -> None:
    verdict, persons, reason = _scan(tmp_path, policy, _ods(JOINS, PIECES, generator))
    assert verdict == "protected", reason
    assert persons == 1


UNCOMPUTABLE = ['of:=IF([.A1]="";"";[.A1]&[.B1])']


@pytest.mark.parametrize("generator", [None, "odfpy/1.4.2", LIBREOFFICE])
def test_a_join_that_cannot_be_computed_is_its_saved_value_whoever_saved_the_file(
    tmp_path: Path, policy: Policy, generator: str | None
) -> None:
    # LibreOffice's default for a file another program saved is never to recalculate it on
    # load (ODFRecalcMode 1), as for xlsx: the saved value is what it shows.
    verdict, _, reason = _scan(tmp_path, policy, _ods(UNCOMPUTABLE, ["x", "y"], generator))
    assert verdict == "clean", reason
