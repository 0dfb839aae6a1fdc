"""Identifiers other than names and A-numbers, in files made here: each ties a person to a
claim under its header, and the shapes that point to one person on their own do without one;
an office's contacts, a staff directory, legal-aid providers, invoices and counts stay clean.
Reports show every value redacted."""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import people

PERSONS = people(8, seed=4_208)


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def _ascii(words: str) -> str:
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return ".".join(plain.lower().replace("-", " ").split())


def _email(i: int) -> str:
    return f"{_ascii(PERSONS[i].first)}.{_ascii(PERSONS[i].last)}@gmail.com"


# (header, value of person i): each with a claim column beside it is a protected person.
HEADED = [
    ("Applicant email", _email),
    ("E-mail", lambda i: f"{_ascii(PERSONS[i].last)[:3]}x{i}@yahoo.com"),
    ("Correo electrónico", _email),
    ("SSN", lambda i: f"{601 + i}-{12 + i}-{3401 + 17 * i}"),
    ("Social Security No.", lambda i: f"{601 + i}{12 + i}{3401 + 17 * i}"),
    ("Passport No.", lambda i: f"G{31234567 + 37 * i}"),
    ("Pasaporte", lambda i: f"{512345678 + 91 * i}"),
    ("Receipt #", lambda i: f"ZLA{2400000000 + 7919 * i}"),
    ("Receipt Number", lambda i: f"ABC{2400000000 + 7919 * i}"),
    ("Phone", lambda i: f"+1 202 555 01{i:02d}"),
    ("Teléfono", lambda i: f"+502 5555 {1200 + i}"),
    ("FIN", lambda i: f"{1100000000 + 131 * i}"),
    ("FBI No.", lambda i: f"{123456 + i}AB1"),
]


@pytest.mark.parametrize(("header", "value"), HEADED, ids=[h for h, _ in HEADED])
@pytest.mark.parametrize("claim", [("Relief", "Asylum"), ("Form", "I-589")])
def test_an_identifier_under_its_header_beside_a_claim_is_a_protected_person(
    tmp_path: Path, policy: Policy, header: str, value: object, claim: tuple[str, str]
) -> None:
    make = value if callable(value) else None
    assert make is not None
    rows = [[header, claim[0]], *([make(i), claim[1]] for i in range(len(PERSONS)))]
    report = scan_file(_csv(tmp_path / "t.csv", rows), policy)
    assert report.verdict == "protected"
    assert report.classes["protected-person"] == len(PERSONS)
    shown = json.dumps([f.sample for f in report.findings])
    assert all(str(make(i)) not in shown for i in range(len(PERSONS)))


UNHEADED = [
    ("receipt", lambda i: f"EAC{2412345678 + 7919 * i}"),
    ("asylum office receipt", lambda i: f"ZNY{2412345678 + 7919 * i}"),
    ("named email", _email),
    ("ssn", lambda i: f"{601 + i}-{12 + i}-{3401 + 17 * i}"),
]


@pytest.mark.parametrize(("kind", "value"), UNHEADED, ids=[k for k, _ in UNHEADED])
def test_shapes_that_point_to_one_person_need_no_header(
    tmp_path: Path, policy: Policy, kind: str, value: object
) -> None:
    make = value if callable(value) else None
    assert make is not None
    rows = [["Individual", "Relief"], *([make(i), "Asylum"] for i in range(len(PERSONS)))]
    report = scan_file(_csv(tmp_path / "t.csv", rows), policy)
    assert report.verdict == "protected", kind
    text = tmp_path / "note.txt"
    text.write_text(f"{make(0)} applied for asylum on 2024-01-03.\n")
    assert scan_file(text, policy).verdict == "protected", kind


def test_an_ssn_passport_or_fingerprint_number_alone_is_personal_data(
    tmp_path: Path, policy: Policy
) -> None:
    rows = [["SSN", "Passport", "City"]]
    rows += [
        [f"{601 + i}-{12 + i}-{3401 + 17 * i}", f"G{31234567 + 37 * i}", "Miami"] for i in range(5)
    ]
    report = scan_file(_csv(tmp_path / "t.csv", rows), policy)
    assert set(report.classes) == {"personal-data"}


CLEAN = {
    "statistics with the office's contacts": [
        ["Asylum receipts by country, FY2024"],
        ["Country", "Affirmative asylum", "Grant rate", "Contact", "Phone"],
        ["Guatemala", "1204", "23%", "asylum@uscis.dhs.gov", "(202) 555-0100"],
        ["Honduras", "998", "19%", "foia@uscis.dhs.gov", "(202) 555-0100"],
        ["Venezuela", "2310", "41%", "asylum.questions@gmail.com", "(202) 555-0100"],
    ],
    "staff directory": [
        ["Name", "Title", "Unit", "Phone", "Email"],
        *(
            [
                p.name,
                "Asylum Officer",
                "Credible Fear Section",
                f"(201) 555-01{i:02d}",
                f"{_ascii(p.first)}.{_ascii(p.last)}@uscis.dhs.gov",
            ]
            for i, p in enumerate(PERSONS[:5])
        ),
    ],
    "legal-aid providers": [
        ["Provider", "City", "Phone", "Email", "Services"],
        ["Catholic Charities Legal Services", "Miami", "(305) 555-0141", "intake@cc.org", "Asylum"],
        [
            "Immigrant Advocacy Project",
            "Miami",
            "(305) 555-0177",
            "jlopez@iap-law.com",
            "Asylum, CAT",
        ],
        ["Americans for Immigrant Justice", "Miami", "305-555-0190", "m.garcia@aij.com", "Asylum"],
        ["Legal Aid Society", "Orlando", "407.555.0122", "intake@las.org", "Asylum"],
    ],
    "providers without a provider header": [
        ["Name", "Phone", "Help with"],
        ["Catholic Charities Legal Services", "(305) 555-0141", "Asylum"],
        ["Church World Service", "(212) 555-0102", "Asylum"],
        ["Immigrant Law Clinic", "(305) 555-0199", "Asylum"],
        ["Kids in Need of Defense Legal Project", "(202) 555-0110", "Asylum"],
    ],
    "invoices, orders, dates, ZIP codes": [
        ["Invoice #", "Order No", "Date", "ZIP", "Amount", "Program"],
        ["INV2024000123", "PO-2024-00451", "2024-03-01", "20529-2100", "1,250.00", "Asylum"],
        ["INV2024000124", "PO-2024-00452", "2024-03-02", "20529", "980.00", "Asylum"],
        ["INV2024000125", "PO-2024-00453", "2024-03-03", "22042", "15,000.00", "Asylum"],
    ],
    "counts per office": [
        ["Office", "Tel", "Asylum cases pending", "Credible fear completed"],
        ["Newark", "(201) 555-0100", "12345", "678"],
        ["Houston", "(281) 555-0100", "9876", "543"],
        ["Miami", "(305) 555-0100", "23456", "789"],
    ],
    "end dates under Fin": [
        ["Date de début", "Date de fin", "Programme"],
        ["2024-01-01", "2024-03-31", "Asile"],
        ["2024-04-01", "2024-06-30", "Asile"],
        ["2024-07-01", "2024-09-30", "Asile"],
    ],
    "receipt numbers without a claim": [
        ["Receipt number", "Form", "Received"],
        *([f"IOE{8123456000 + i}", "I-130", f"2024-10-1{i}"] for i in range(5)),
    ],
}


@pytest.mark.parametrize("rows", CLEAN.values(), ids=list(CLEAN))
def test_contacts_of_offices_and_numbers_of_things_stay_clean(
    tmp_path: Path, policy: Policy, rows: list[list[str]]
) -> None:
    assert scan_file(_csv(tmp_path / "t.csv", rows), policy).verdict == "clean"


def test_a_memo_with_role_and_institution_addresses_stays_clean(
    tmp_path: Path, policy: Policy
) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text(
        "MEMORANDUM FOR: Asylum Office Directors\n"
        "SUBJECT: Credible fear processing\n\n"
        "Questions about asylum processing may go to asylum.policy@uscis.dhs.gov or to the\n"
        "FOIA office at foia@uscis.dhs.gov. Providers such as maria.lopez@fiac.org, or counsel\n"
        "at jose.hernandez@lawfirm.com, may ask for the list. Order PO-2024-00451, invoice\n"
        "INV2024000123, form OMB 1615-0067, SSN format 123-45-6789.\n"
    )
    assert scan_file(memo, policy).verdict == "clean"


def test_records_keyed_by_other_identifiers_count_their_persons(
    tmp_path: Path, policy: Policy
) -> None:
    records = tmp_path / "r.json"
    records.write_text(
        json.dumps(
            [
                {"email": _email(i), "receipt": f"ZLA{2400000000 + i}", "form": "I-589"}
                for i in range(5)
            ]
        )
    )
    report = scan_file(records, policy)
    assert report.classes == {"protected-person": 5}  # an e-mail and a receipt: one person


def test_one_persons_labelled_identifiers_are_one_person(tmp_path: Path, policy: Policy) -> None:
    note = tmp_path / "note.txt"
    note.write_text(
        f"Contact: {_email(0)}\nSSN: 601-12-3401\nPhone: +1 202 555 0101\nForm I-589 filed.\n"
    )
    assert scan_file(note, policy).classes == {"protected-person": 1}
    listed = tmp_path / "list.txt"
    listed.write_text(
        "Asylum applicants interviewed this week:\n" + "".join(f"{_email(i)}\n" for i in range(4))
    )
    assert scan_file(listed, policy).classes == {"protected-person": 4}
