"""E-mail addresses: any personal address under a header or label; without one, an address
whose local part is a name; in prose, only at a mail service persons use themselves. Role
accounts and institutions' addresses are nobody's."""

from __future__ import annotations

import pytest

from approval.detect.detectors import Element
from approval.detect.detectors.email import spelled_out

UNDER_HEADER = [
    ("ruby.stephens@gmail.com", "ruby.stephens@gmail.com"),
    ("  Ruby.Stephens@Gmail.COM ", "ruby.stephens@gmail.com"),
    ("mailto:rs1985@yahoo.com", "rs1985@yahoo.com"),
    ("rs1985 [at] yahoo [dot] com", "rs1985@yahoo.com"),
    ("<jlopez@empresa.com.mx>", "jlopez@empresa.com.mx"),
    ("x7_k@proton.me", "x7_k@proton.me"),
    ("asylum@uscis.dhs.gov", None),  # the office's address
    ("foia@agency.gov", None),
    ("maria.lopez@fiac.org", None),  # a non-profit's staff
    ("j.doe@army.mil", None),
    ("tramite@sre.gob.mx", None),
    ("student@ox.ac.uk", None),
    ("info@lawfirm.com", None),  # role accounts
    ("no-reply@service.com", None),
    ("help.desk@gmail.com", None),
    ("asylum.questions@gmail.com", None),
    ("not an address", None),
    ("ruby@", None),
    ("@gmail.com", None),
    ("N/A", None),
]


@pytest.mark.parametrize(("value", "expected"), UNDER_HEADER)
def test_email_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["email"].canonical(value) == expected


WITHOUT_HEADER = [
    ("ruby.stephens@gmail.com", True),
    ("ruby_stephens84@hotmail.com", True),
    ("maria.del.garcia@outlook.com", True),
    ("mgarcia@yahoo.com", True),  # an initial and a known surname
    ("josehernandez@gmail.com", True),  # a known given name and surname together
    ("jose.hernandez@lawfirm.com", True),  # any domain that is no institution's
    ("rs1985@gmail.com", False),  # no name in it
    ("foia@gmail.com", False),
    ("ruby.stephens@uscis.dhs.gov", False),
    ("ruby.stephens@fiac.org", False),
    ("ruby.stephens@gmail.com, jose.lopez@gmail.com", False),  # two values: no single field
]


@pytest.mark.parametrize(("value", "expected"), WITHOUT_HEADER)
def test_email_without_a_header(detectors: dict[str, Element], value: str, expected: bool) -> None:
    assert detectors["email"].looks_like(value) is expected


IN_PROSE = [
    ("ruby.stephens@gmail.com applied for asylum.", ["ruby.stephens@gmail.com"]),
    ("Write to Ruby (ruby.stephens@gmail.com) today", ["ruby.stephens@gmail.com"]),
    ("mgarcia@yahoo.com.", ["mgarcia@yahoo.com"]),
    ("Contact jose.hernandez@lawfirm.com for representation.", []),  # a professional's
    ("Questions: asylum.policy@uscis.dhs.gov", []),
    ("send it to foia@gmail.com", []),
    ("RUBY.STEPHENS@GMAIL.COM", ["ruby.stephens@gmail.com"]),
    ("x.y@gmail.com", []),  # initials: no name
    ("ruby.stephens [at] gmail [dot] com applied", ["ruby.stephens@gmail.com"]),  # spelled out
    ("ruby.stephens(at)gmail.com", ["ruby.stephens@gmail.com"]),
    ("jose.lopez (arroba) hotmail (punto) com", ["jose.lopez@hotmail.com"]),
    ("ruby.stephens\uff20gmail.com", ["ruby.stephens@gmail.com"]),  # a full-width at sign
    ("Meet (at) noon, room [a]", []),
    ("no address here, just @ signs @ 5pm", []),
]


@pytest.mark.parametrize(("text", "expected"), IN_PROSE)
def test_email_in_prose(detectors: dict[str, Element], text: str, expected: list[str]) -> None:
    email = detectors["email"]
    found = [f.value for f in email.find(text)] if email.may_find(text) else []
    assert found == expected


def test_email_gate_fails_fast_on_ordinary_text(detectors: dict[str, Element]) -> None:
    email = detectors["email"]
    assert not email.may_find("Guatemala,1204,23%,Asylum")
    assert email.may_find("ruby.stephens@gmail.com")


def test_email_sample_is_redacted(detectors: dict[str, Element]) -> None:
    sample = detectors["email"].redact("ruby.stephens@gmail.com")
    assert "stephens" not in sample and "gmail" not in sample
    assert sample.startswith("r") and "@" in sample


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ruby  ( AT )  gmail ( dot ) com", "ruby@gmail.com"),  # the blanks around go too
        ("ruby\n[at]\tgmail.com", "ruby@gmail.com"),
        ("(at)gmail", "@gmail"),  # no blank before it
        ("a [at]  [at] b", "a@@b"),  # one right after another's blanks is read too
        ("x [dot] [dot] y [at] z", "x..y@z"),
        ("ruby arroba gmail", "ruby arroba gmail"),  # not bracketed: a word
    ],
)
def test_spelled_out_signs_take_their_blanks(text: str, expected: str) -> None:
    assert spelled_out(text) == expected


def test_a_long_run_of_blanks_is_read_once() -> None:
    # The blanks before a spelled sign were tried from each position of a run to its end: a
    # bracket then 50,000 spaces took 18 s; at 200,000 this would not finish in minutes.
    blanks = " " * 200_000
    assert spelled_out(f"({blanks}") == f"({blanks}"
    assert spelled_out(f"ruby{blanks}[at]{blanks}gmail [dot] com(") == "ruby@gmail.com("
