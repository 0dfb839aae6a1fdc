"""What every scanning command pays before it reads a byte: the large patterns (a birth label
then a date in words; dates in words on their own) are compiled when a file first needs them,
and the gates that spare the others the compile never change what is found."""

from __future__ import annotations

import importlib
import io
import random
import re
from pathlib import Path
from typing import Any

from approval.detect.classify import Classifier, Engine
from approval.detect.detectors import birthdate, terms
from approval.detect.detectors.birthdate import Birthdate
from approval.detect.readers.csv import _chunk_lines
from approval.detect.report import Tally
from approval.detect.scan import scan_file
from approval.detect.strings import _names
from approval.detect.units import Table, Where
from approval.policy import Policy


def _birthdate(policy: Policy) -> Birthdate:
    vocab = policy.detector("birthdate")
    assert vocab is not None
    return Birthdate(vocab, policy)


def test_the_gate_asks_no_more_room_than_the_shortest_labelled_date(
    policy: Policy,
) -> None:
    # The gate skips a text with fewer characters than this after its first label: sound only
    # while no match of the whole pattern is shorter.
    detector = _birthdate(policy)
    parser: Any = importlib.import_module("re._parser")  # the width of a pattern, as re sees it
    shortest = parser.parse(detector._labelled_text, re.IGNORECASE).getwidth()[0]
    assert shortest >= birthdate._LABELLED_MIN_CHARS


def test_find_agrees_with_the_whole_pattern(policy: Policy) -> None:
    detector = _birthdate(policy)
    whole = re.compile(detector._labelled_text, re.IGNORECASE)
    rng = random.Random(17)
    pieces = [
        "DOB", "dob:", "born", "b.", "née", "Date of Birth", "F. nac.", " ", ": ", "\n", "on ",
        "1-2-85", "03/04/1985", "3 March 1990", "the third of March nineteen ninety", "x", "12",
        "tres de marzo de 1987", "Lagos", "in Lagos on", "A212345678", "Maria GARCIA", ",",
    ]  # fmt: skip
    texts = ["", "DOB", "DOB 1-2-85", "born 1-2-8", "b. 1-2-85", "DOB:1-2-85", "xDOB 1-2-85"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    found = 0
    for text in texts:
        expected = [
            (m.start(1), m.end(1))
            for m in whole.finditer(text)
            if (day := birthdate.prose_date(m.group(1))) is not None and birthdate.plausible(day)
        ]
        assert [(f.start, f.end) for f in detector.find(text)] == expected, text
        found += bool(expected)
    assert found > 50  # the texts exercise the pattern, not only the gate


def test_a_table_of_figures_never_compiles_the_patterns_of_words(
    policy: Policy,
) -> None:
    engine = Engine(policy)
    detector = engine.detectors["birthdate"]
    assert isinstance(detector, Birthdate)
    birthdate._written.cache_clear()
    rows = [["A-Number", "Last Name", "First Name", "DOB", "Fear Result"]]
    rows += [[f"A{212345678 + i}", "GARCIA", "Maria", "03/04/1985", "Positive"] for i in range(50)]
    tally = Tally((c.id for c in policy.classes), shown=lambda where: where)
    Classifier(engine, tally).unit(Table(where=Where(), rows=iter(rows)))
    assert tally.classes() == {"protected-person": 50}
    assert detector._labelled is None
    assert birthdate._written.cache_info().currsize == 0
    # A date in words under a birth header still needs them, and gets them.
    assert detector.canonical("the third of March 1990") == "1990-03-03"
    assert birthdate._written.cache_info().currsize == 1


def test_a_labelled_date_in_prose_is_found_after_the_lazy_compile(
    tmp_path: Path, policy: Policy
) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text(
        "Maria GARCIA, A212345678, born on the third of March 1990, asked for asylum.\n"
    )
    report = scan_file(memo, policy)
    assert report.verdict == "protected"
    assert any(f.detector == "birthdate" for f in report.findings)


def test_chunk_lines_cut_as_a_text_file_does() -> None:
    chunks = [
        "a,b\r\nc,d\n",
        "a,b\rc,d\r\n\r\n",
        "a,b\n\n\nc",
        'a,"b\nc",d\n',
        "a\x0cb,c\nd\x0be\x1c,f\x1d\x1e\n",  # form feeds and the like: not line ends in a CSV
        "Garc\u00eda,Mar\u00eda\u2028x\x85y\n",  # not ASCII: the StringIO cut
        "no line break at all",
        "\r",
        "\n",
    ]
    for chunk in chunks:
        assert list(_chunk_lines(chunk)) == list(io.StringIO(chunk, newline="")), repr(chunk)


def test_the_redactor_builds_the_name_detector_alone(policy: Policy) -> None:
    names = _names(policy)
    assert names is not None
    assert names is _names(policy)  # built once per policy
    assert names.looks_like("Maria Garcia")


def test_accent_classes_written_as_ranges_match_the_same_letters() -> None:
    spelled = {"a": "aáàâäãå", "e": "eéèêë", "i": "iíìîï", "o": "oóòôöõ", "u": "uúùûü"}
    spelled |= {"n": "nñ", "c": "cç"}
    assert set(terms._ACCENTS) == set(spelled)
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    for letter, letters in spelled.items():
        for flags in (0, re.IGNORECASE):
            ranged = re.findall(f"[{terms._ACCENTS[letter]}]", every, flags)
            assert ranged == re.findall(f"[{letters}]", every, flags), letter


def test_the_plain_claim_pattern_is_used_only_where_no_accent_class_could_differ() -> None:
    # What the accent classes match besides their own letter, over every code point: a text
    # without any of it is matched the same by the pattern written with plain letters.
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    added: set[str] = set()
    for letter, body in terms._ACCENTS.items():
        for flags in (0, re.IGNORECASE):
            added |= set(re.findall(f"[{body}]", every, flags)) - set(
                re.findall(re.escape(letter), every, flags)
            )
    assert "\u212b" in added  # the Angstrom sign folds to å
    assert set(terms._ACCENTED.findall(every)) == added
    assert not any(terms.plain_enough(ch) for ch in added)


def test_both_claim_patterns_find_the_same_terms(policy: Policy) -> None:
    vocab = policy.detector("protection-claim")
    assert vocab is not None
    matcher = terms.TermMatcher(vocab.terms, vocab.acronyms, vocab.not_terms, vocab.offices)
    assert matcher._accented is None  # not compiled before a text needs it
    rng = random.Random(19)
    phrases = [*vocab.terms, *vocab.acronyms, *vocab.not_terms, "asylum", "CAT", "cat"]
    pieces = [*rng.sample(phrases, 60), " ", ", ", "-", "_", "Unit", "and", "the", "x", "é"]
    texts = [p.upper() if rng.random() < 0.3 else p for p in phrases]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(1500)]
    plain = 0
    for text in texts:
        spans = [m.span() for m in matcher.pattern.finditer(text)]
        assert [m.span() for m in matcher.pattern_for(text).finditer(text)] == spans, text
        plain += matcher.pattern_for(text) is matcher._plain
    assert 0 < plain < len(texts)  # both patterns were exercised
    # A text without accents never compiles the classes; an accented spelling needs them.
    fresh = terms.TermMatcher(vocab.terms, vocab.acronyms, vocab.not_terms, vocab.offices)
    unaccented = [f.value for f in fresh.find("miedo creible")]
    assert unaccented and fresh._accented is None
    assert [f.value for f in fresh.find("MIEDO CREÍBLE")] == unaccented
    assert fresh._accented is not None
