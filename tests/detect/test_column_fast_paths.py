"""The one-call column checks (``Element.column``) and their faster spellings: each fast test
must say exactly what the general one says, so that speed never changes a verdict."""

from __future__ import annotations

import random
import re
from pathlib import Path

from approval.detect.detectors import Element, a_number, birthdate, person_name
from approval.detect.scan import scan_file
from approval.policy import Policy

_ALPHABET = "0123456789" * 3 + "-/. T:Z+\nAa٣"


def _noise(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 24)))


def _dates(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 3)):
        line = f"{rng.randint(0, 9999)}{rng.choice('-/.')}{rng.randint(0, 99)}"
        year = rng.choice([rng.randint(0, 99), rng.randint(1900, 2030), rng.randint(0, 99999)])
        line += f"{rng.choice('-/.')}{year}"
        if rng.random() < 0.4:
            line += f"{rng.choice('T ')}{rng.randint(0, 99)}:{rng.randint(0, 99):02d}"
            if rng.random() < 0.5:
                line += f":{rng.randint(0, 99):02d}" + rng.choice(["", ".5", ".123"])
            line += rng.choice(["", "Z", "+05:00", "-0500", "+05"])
        if rng.random() < 0.2:
            at = rng.randrange(len(line) + 1)
            line = line[:at] + rng.choice(_ALPHABET) + line[at:]
        lines.append(line)
    return "\n".join(lines)


def _a_numbers(rng: random.Random) -> str:
    return "\n".join(
        rng.choice(["A", "a", "", "AA", " "])
        + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 10)))
        + rng.choice(["", "", "", "x", "\n"])
        for _ in range(rng.randint(1, 3))
    )


def _agree(fast: re.Pattern[str], general: re.Pattern[str], texts: list[str]) -> None:
    for text in texts:
        quick = fast.fullmatch(text) is not None
        full = general.fullmatch(text) is not None
        # Never more than the general check; on ASCII text, exactly as much.
        assert not quick or full, repr(text)
        if text.isascii():
            assert quick == full, repr(text)


def test_the_ascii_birthdate_column_check_matches_what_the_general_one_does() -> None:
    rng = random.Random(7)
    texts = [_dates(rng) for _ in range(3000)] + [_noise(rng) for _ in range(1000)]
    assert sum(birthdate._COLUMN_ASCII.fullmatch(t) is not None for t in texts) > 100
    _agree(birthdate._COLUMN_ASCII, birthdate._COLUMN, texts)


def test_the_ascii_a_number_column_check_matches_what_the_general_one_does() -> None:
    rng = random.Random(8)
    texts = [_a_numbers(rng) for _ in range(3000)] + [_noise(rng) for _ in range(1000)]
    assert sum(a_number.COLUMN_ASCII.fullmatch(t) is not None for t in texts) > 100
    _agree(a_number.COLUMN_ASCII, a_number._COLUMN, texts)


def test_digits_of_any_script_send_a_column_of_numbers_down_the_general_path(
    detectors: dict[str, Element],
) -> None:
    # Arabic-Indic digits: not ASCII, so the general (Unicode) check decides, as before.
    column = ["A٢١٢٣٤٥٦٧٨", "A212345679"]
    assert detectors["a-number"].column(column, "\n".join(column)) is None
    dates = ["٠٣/١٤/١٩٨٥", "03/15/1985"]
    assert detectors["birthdate"].column(dates, "\n".join(dates)) is None


def test_a_digit_or_an_at_sign_in_a_name_column_is_found_in_any_script() -> None:
    samples = ["GARCIA, Maria", "Ana Lopez\nJose 2", "maria@example.org", "Иван\nПетр٣", ""]
    samples += ["Nguyễn Văn An", "Ana\nLuis", "٣", "x@", "O'Brien\nSmith-Jones"]
    for text in samples:
        assert person_name._digit_or_at(text) == bool(person_name._COLUMN_BAD.search(text))


def test_a_large_csv_counts_every_person_across_batches_and_skips_blank_cells(
    tmp_path: Path, policy: Policy
) -> None:
    # Over several batches of rows: the column checks and the A-number keys run per batch,
    # and a batch with a blank name or A-number takes the value-by-value path.
    lines = ["A-Number,Last Name,First Name,DOB,Country of Citizenship"]
    for i in range(1500):
        number = f"A{200_000_000 + i}" if i != 700 else ""
        last = {700: "ZELAYA", 1100: ""}.get(i, "GARCIA")  # 700: known by name and DOB
        lines.append(f"{number},{last},Maria{chr(65 + i % 26)},03/14/1985,Honduras")
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes == {"personal-data": 1500}


def test_rows_wider_or_narrower_than_the_header_are_read_in_every_batch(policy: Policy) -> None:
    # A batch whose rows are all one width other than the table's (a notes column that starts
    # after the first batch) and a batch of mixed widths take the slow path; the rest the
    # one-call transposition. Either way the A-numbers past the header's columns count.
    from approval.detect.classify import BATCH_ROWS, Classifier, Engine
    from approval.detect.report import Tally
    from approval.detect.units import Table, Where

    header = ["Case", "Status", "Fear Result"]
    narrow = [[f"C{i}", "Open", "Positive"] for i in range(BATCH_ROWS)]
    wide = [[f"C{i}", "Open", "Positive", f"A{212000000 + i}"] for i in range(600)]
    mixed = [[f"D{i}", "Open"] if i % 3 else [f"D{i}", "Open", "Positive", f"A{213000000 + i}"]
             for i in range(90)]  # fmt: skip
    rows = [header, *narrow, *wide, *mixed]
    padded = [[*row, *[""] * (4 - len(row))] for row in rows]
    counts = []
    for table in (rows, padded):
        tally = Tally((c.id for c in policy.classes), shown=lambda where: where)
        Classifier(Engine(policy), tally).unit(Table(where=Where(), rows=iter(table)))
        counts.append(tally.classes())
    assert counts[0] == counts[1] == {"protected-person": 600 + 30}
