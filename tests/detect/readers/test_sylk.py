"""SYLK files read as the sheet Excel shows: saved values, formulas computed, formats' text.

Excel opens a file that starts with ``ID;`` as SYLK whatever its name, and computes its
formulas on opening; read as text, a name or an A-number built by a formula passed clean.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy

HEADER = (
    'ID;PWXL;N;E\r\nC;Y1;X1;K"name"\r\nC;Y1;X2;K"a_number"\r\nC;Y1;X3;K"dob"\r\n'
    'C;Y1;X4;K"status"\r\n'
)


def _sylk(*records: str) -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in records) + "E\r\n").encode()


PERSON_BY_FORMULAS = _sylk(
    'C;Y2;X1;E"Mar"&"ia Lo"&"pez"',
    'C;Y2;X2;K0;E"A"&"212345678"',
    'C;Y2;X3;K"1984-03-12"',
    'C;Y2;X4;K"asylum pending"',
)


@pytest.mark.parametrize("name", ["cases.slk", "cases.csv", "cases.txt"])
def test_cells_built_by_formulas_are_read_as_excel_shows_them(
    tmp_path: Path, policy: Policy, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(PERSON_BY_FORMULAS)

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == 1


def test_r1c1_references_are_resolved_from_the_cells_they_name(
    tmp_path: Path, policy: Policy
) -> None:
    # Given and family name in hidden-looking helper columns, joined by a relative formula.
    path = tmp_path / "joined.slk"
    path.write_bytes(
        _sylk(
            'C;Y2;X5;K"Maria"',
            'C;Y2;X6;K"Lopez"',
            'C;Y2;X1;ERC[4]&" "&RC[5]',
            'C;Y2;X2;K"A212345678"',
            'C;Y2;X3;K"1984-03-12"',
            'C;Y2;X4;K"asylum pending"',
        )
    )

    report = scan_file(path, policy)

    assert report.verdict == "protected"
    names = [f for f in report.findings if f.detector == "person-name"]
    assert [f.location.get("column") for f in names] == ["A"]  # shown in the formula's cell


def test_a_formula_that_may_build_text_with_no_saved_value_blocks(
    tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "opaque.slk"
    path.write_bytes(_sylk('C;Y2;X1;EINDIRECT("Z9")&"x"'))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "formula" in report.reason


@pytest.mark.parametrize(
    "records",
    [
        ('C;Y2;X1;K"Year"', "C;Y2;X2;K12", "C;Y3;X2;ESUM(R[-1]C:R[-1]C)"),  # a number only
        ("F;P0;FG0G;Y2;X1", 'C;Y2;X1;K"Total detained"', "C;Y2;X2;K431"),
    ],
)
def test_statistics_in_sylk_stay_clean(
    tmp_path: Path, policy: Policy, records: tuple[str, ...]
) -> None:
    path = tmp_path / "stats.slk"
    path.write_bytes(("ID;PWXL;N;E\r\n" + "".join(r + "\r\n" for r in records) + "E\r\n").encode())

    assert scan_file(path, policy).verdict == "clean"


@pytest.mark.parametrize(
    ("record", "part"),
    [
        ('P;P"Maria Lopez, A212345678, asylum granted"', "number formats"),  # a format's text
        ('C;Y5;X1;K1;A"Maria Lopez A212345678 credible fear positive"', "other records"),  # a note
        ('NN;NMaria_Lopez;E"A212345678 asylum"', "other records"),  # a name, read as text
    ],
)
def test_text_outside_the_cells_is_read(
    tmp_path: Path, policy: Policy, record: str, part: str
) -> None:
    path = tmp_path / "other.slk"
    path.write_bytes(("ID;PWXL;N;E\r\n" + record + "\r\nE\r\n").encode())

    report = scan_file(path, policy)

    assert report.verdict != "clean"
    # Read by this reader, not only by the text reader's lines of the same bytes.
    assert any(f.detector == "a-number" and f.location.get("part") == part for f in report.findings)


def test_a_cell_past_the_last_column_is_corrupt(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "wide.slk"
    path.write_bytes(_sylk('C;Y2;X99999;K"x"'))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "column" in (report.reason or "")


def test_cells_far_apart_are_bounded_before_the_sheet_is_laid_out(
    tmp_path: Path, policy: Policy
) -> None:
    # One cell at the last column and one per row below: 5,001 short records would lay out
    # 82 million empty cells.
    records = ['C;Y1;X16384;K"x"', *(f"C;Y{row};X1;K1" for row in range(2, 5002))]
    path = tmp_path / "sparse.slk"
    path.write_bytes(("ID;PWXL;N;E\r\n" + "".join(r + "\r\n" for r in records) + "E\r\n").encode())

    started = time.process_time()
    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "max_cells" in (report.reason or "")
    assert time.process_time() - started < 5


@pytest.mark.parametrize(
    ("records", "shown_in"),
    [
        # an array formula (M, no E): Excel computes it whatever K says
        (('C;Y2;X5;K"Maria"', 'C;Y2;X6;K"Lopez"', 'C;Y2;X7;K"x";MRC[-2]&" "&RC[-1];R2;C7'), "G"),
        # a formula shared (S) down column G from the cell R2C7, which defines it (D); in a
        # column with no header, where only the text shown is a name
        (
            (
                'C;Y3;X5;K"Maria"',
                'C;Y3;X6;K"Lopez"',
                'C;Y2;X7;K" ";ERC[-2]&" "&RC[-1];D',
                "C;Y3;X7;S;R2;C7",
            ),
            "G",
        ),
    ],
)
def test_array_and_shared_formulas_are_read_as_computed(
    tmp_path: Path, policy: Policy, records: tuple[str, ...], shown_in: str
) -> None:
    row = records[0][3]
    path = tmp_path / "shared.slk"
    path.write_bytes(
        _sylk(
            *records,
            f'C;Y{row};X2;K"A212345678"',
            f'C;Y{row};X3;K"1984-03-12"',
            f'C;Y{row};X4;K"asylum pending"',
        )
    )

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    names = [f for f in report.findings if f.detector == "person-name"]
    assert shown_in in [f.location.get("column") for f in names]  # shown in the formula's cell


def test_a_formula_shared_from_a_cell_without_one_blocks(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "orphan.slk"
    path.write_bytes(_sylk("C;Y2;X1;S;R9;C9"))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "formula" in (report.reason or "")


# ---------------------------------------------------------------------------------------------
# A1 mode: ``O;L`` (and LibreOffice's own files) write formulas in A1 notation

PEOPLE = [("Maria", "Lopez", "A212345678"), ("Jose", "Ramirez", "A209876543")]


def _people_rows() -> list[str]:
    """A header row, and a row per person from row 2: given and family names in E and F,
    the A-number in B, the claim in D; A is left to a formula."""
    out = ['C;Y1;X1;K"name"', 'C;Y1;X2;K"a_number"', 'C;Y1;X4;K"status"']
    for row, (given, family, number) in enumerate(PEOPLE, start=2):
        out += [f'C;Y{row};X5;K"{given}"', f'C;Y{row};X6;K"{family}"']
        out += [f'C;Y{row};X2;K"{number}"', f'C;Y{row};X4;K"asylum pending"']
    return out


def _shown(data: bytes) -> dict[tuple[int, int], object]:
    """The sheet the SYLK reader lays out, by 1-based (row, column) of its non-empty cells."""
    from approval.detect.readers.sylk import READER
    from approval.detect.units import Limits, Source, Table

    source = Source("f.slk", lambda: io.BytesIO(data), len(data))
    [table] = [u for u in READER.read(source, Limits()) if isinstance(u, Table)]
    return {
        (r, c): value
        for r, row in enumerate(table.rows, start=1)
        for c, value in enumerate(row, start=1)
        if value != ""
    }


@pytest.mark.parametrize(
    ("head", "first"),
    [
        ("ID;PWXL;N;E\r\nO;L;D;V0;K47;G100 0.001", 'EE2&" "&F2'),
        ("ID;PWXL;N;E\r\nO;L", 'ECONCATENATE(E2," ",$F2)'),
        ("ID;PCALCOOO32", 'EE2&" "&F2'),  # LibreOffice reads its own files' formulas in A1
    ],
    ids=["excel-options", "concatenate", "libreoffice"],
)
def test_a1_formulas_are_computed_and_shared_ones_move_with_their_cell(
    tmp_path: Path, policy: Policy, head: str, first: str
) -> None:
    # The formula in A2 joins the names in E2 and F2; A3 shares it (S), so there it joins
    # E3 and F3. Read as R1C1 it stayed "E2 ..." in every row: A3 showed row 2's person.
    records = [f"C;Y2;X1;{first};D", "C;Y3;X1;S;R2;C1", *_people_rows()]
    data = (head + "\r\n" + "".join(r + "\r\n" for r in records) + "E\r\n").encode()

    shown = _shown(data)

    assert shown[(2, 1)] == "Maria Lopez"
    assert shown[(3, 1)] == "Jose Ramirez"
    path = tmp_path / "a1.slk"
    path.write_bytes(data)
    report = scan_file(path, policy)
    assert report.verdict == "protected", report.reason


def test_formulas_before_the_option_stay_r1c1(tmp_path: Path, policy: Policy) -> None:
    # "From that record on": an R1C1 formula before O;L is read as R1C1 alone.
    records = ['C;Y2;X1;ERC[4]&" "&RC[5]', "O;L", 'C;Y3;X1;EE3&" "&F3', *_people_rows()]
    data = ("ID;PWXL;N;E\r\n" + "".join(r + "\r\n" for r in records) + "E\r\n").encode()

    shown = _shown(data)

    assert (shown[(2, 1)], shown[(3, 1)]) == ("Maria Lopez", "Jose Ramirez")
    path = tmp_path / "mixed.slk"
    path.write_bytes(data)
    assert scan_file(path, policy).verdict == "protected"


@pytest.mark.parametrize(
    "formula",
    [
        'EINDIRECT("E2")&F2',  # a function this reader does not compute
        'ERC[4]&" "&RC[5]',  # R1C1 in A1 mode: no A1 reading of it, and it joins text
        "EE2&Z99",  # a cell that holds nothing
    ],
)
def test_an_a1_formula_that_cannot_be_computed_blocks(
    tmp_path: Path, policy: Policy, formula: str
) -> None:
    records = ["O;L", f"C;Y2;X1;{formula}", *_people_rows()]
    path = tmp_path / "opaque.slk"
    path.write_bytes(("ID;PWXL;N;E\r\n" + "".join(r + "\r\n" for r in records) + "E\r\n").encode())

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "formula" in (report.reason or "")


def test_an_a1_formula_is_also_read_as_r1c1() -> None:
    # Microsoft's notes say SYLK formulas stay R1C1 in A1 mode: "RC2&RC1" is B2&A2 so, and
    # A1 cells RC2 and RC1 (column 471) that hold nothing in A1. The reading that computes
    # is shown; a value saved with it is no reason to skip it.
    records = ['C;Y2;X1;K"Maria "', 'C;Y2;X2;K"Lopez"', 'C;Y2;X3;K"x";ERC2&RC1']
    data = ("ID;PWXL;N;E\r\nO;L\r\n" + "".join(r + "\r\n" for r in records) + "E\r\n").encode()

    assert _shown(data)[(1, 3)] == "LopezMaria "


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ('"Maria"&" Lopez"', "protected"),  # computed: the cell shows the name's text
        ('first&" "&last', "protected"),  # names of names
        ('INDIRECT("Z1")&"x"', "unscannable"),  # may build text this reader cannot compute
    ],
)
def test_a_formula_that_uses_a_defined_name_is_computed_through_it(
    tmp_path: Path, policy: Policy, name: str, verdict: str
) -> None:
    # ``=full`` shows what the name's expression computes: a formula with no function and no
    # "&" of its own, it passed as one that builds no text.
    records = [
        'NN;Nfirst;E"Maria"',
        'NN;Nlast;E"Lopez"',
        f"NN;Nfull;E{name}",
        'C;Y1;X1;K"name"',
        'C;Y1;X2;K"a_number"',
        'C;Y1;X3;K"status"',
        "C;Y2;X1;Efull",
        'C;Y2;X2;K"A212345678"',
        'C;Y2;X3;K"asylum pending"',
    ]
    data = ("ID;PWXL;N;E\r\n" + "".join(r + "\r\n" for r in records) + "E\r\n").encode()
    path = tmp_path / "names.slk"
    path.write_bytes(data)

    report = scan_file(path, policy)

    assert report.verdict == verdict, report.reason
    if verdict == "protected":
        assert _shown(data)[(2, 1)] == "Maria Lopez"
    else:
        assert "formula" in (report.reason or "")


def test_names_that_multiply_as_they_expand_block_before_they_grow(
    tmp_path: Path, policy: Policy
) -> None:
    # Each name uses the next 60 times: 60**4 copies of "x" four levels down (a 6 KB file whose
    # 300 cells took a minute and passed), capped at 32 KiB and unread, whatever value is saved.
    levels = zip("abcd", "bcde", strict=True)
    names = [f"NN;N{name};E" + "&".join([following] * 60) for name, following in levels]
    cells = [f'C;Y{row};X1;K"-";Ea' for row in range(2, 40)]
    path = tmp_path / "names.slk"
    path.write_bytes(_sylk(*names, 'NN;Ne;E"x"', *cells))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "formula" in report.reason
    # Said as it is: each has a saved value, and its names expand too far.
    assert "38 formula(s) whose defined names expand past 32 KiB" in report.reason
    assert "no saved value" not in report.reason
