"""Tables of organisations, whose telephone numbers and e-mail addresses are their offices':
a list of legal-aid providers beside the services they offer ("Asylum", "CAT") names nobody's
claim, and its contact columns identify nobody. Only words of organisations' own names count:
a unit's or a facility's (``Asylum Office``, ``Processing Center``) are in persons' records.

A table lists organisations when the organisations are what its rows are about: the first
column that names anything is headed as one (``Provider``, ``Organization``, ``Agency``) over
values that are no persons' names (``Dr. Ames`` under ``Health care provider`` is a
claimant's doctor), or most of its values name one by the words organisations carry in their
names (``Catholic Charities Legal Services``, ``Immigrant Law Clinic``, ``HIAS Inc.``). A
table with a column of persons' names, birthdates, A-numbers or claims named by its header
("Fear claim") is about persons, whatever else it lists: its phones and mailboxes are theirs.

Lines that credit a work's authors or give its contacts (``Maintained by``, ``Authors:``,
``Contact:``, ``Copyright``) name nobody's claim either: ``credits``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from approval.detect.textnorm import norm_header, word_set

# The element detectors that a table of organisations explains (their offices' contacts).
CONTACTS = frozenset({"phone", "email"})

_HEADS = word_set(
    """
    provider providers organization organizations organisation organisations org
    company companies firm firms clinic clinics institution institutions vendor vendors
    contractor contractors ngo ngos charity charities nonprofit nonprofits
    organizacion organizaciones organismo proveedor proveedores entidad organisme
    """
)
_WORDS = word_set(
    """
    legal law services clinic project charities charity catholic lutheran church
    ministries foundation network coalition alliance association society committee
    council institute university college inc llc llp pllc ltd corp corporation company
    partners advocates advocacy aid rights justice league federation hias defenders
    """
)
_SHARE = 0.5


# Words a column headed by the rows' subject ends in, organisation or person.
_SUBJECT_HEADS = _HEADS | word_set(
    """
    name names nombre nombres nom noms nome applicant applicants claimant claimants client
    clients person persons individual individuals member members contact contacts
    """
)
# Titles before a person's name: ``Dr. Ames``, ``Lic. Pérez``.
_HONORIFICS = word_set(
    """
    dr dra mr mrs ms miss mx prof sr sra srta lic atty esq rev fr sister hon
    """
)
# A line that credits a work's authors or gives its contacts, by how it starts (after any
# markdown or comment marks): ``Maintained by``, ``Maintainers:``, ``Author(s):``,
# ``Contact:``, ``Copyright (c)``, ``(c) 2024``.
_CREDITS = re.compile(
    r"""(?ix)^[\W_]*(?:
        (?:maintained|written|created|developed|authored|compiled|curated|edited)\s+by\b
        | maintainers?\b | authors?\b | author\(s\) | contributors?\b | credits?\b
        | contacts?\b | copyright\b | \(c\)\s*\d | \u00a9
    )"""
)


def lists_organisations(
    header: Sequence[str], rows: Sequence[Sequence[str]], persons: Collection[int] = ()
) -> bool:
    """Whether a table with this header row and these sample rows lists organisations.

    ``persons``: the columns that make the rows persons' records (names, birthdates,
    A-numbers, a claim named by its header); any of them and the table is about persons.
    """
    if persons:
        return False
    for c, name in enumerate(header):
        words = norm_header(name).split()
        values = [r[c] for r in rows if c < len(r) and r[c].strip()]
        named = sum(1 for v in values if _organisation(v))
        if len(values) >= 2 and named >= len(values) * _SHARE:
            return True
        if words and words[-1] in _HEADS and len(words) <= 3:
            # Headed as organisations: unless its values are persons ("Dr. Ames").
            people = sum(1 for v in values if _person(v))
            return not values or people * 2 < len(values)
        if (words and words[-1] in _SUBJECT_HEADS) or _names_anything(values):
            return False  # the rows' subject is another column: whose contacts, it says
    return False


def credits(line: str) -> bool:
    """Whether a line credits a work's authors or gives its contacts."""
    return _CREDITS.match(line) is not None


def _organisation(value: str) -> bool:
    words = norm_header(value).split()
    return 2 <= len(words) <= 12 and not _WORDS.isdisjoint(words)


def _person(value: str) -> bool:
    words = norm_header(value).split()
    return bool(words) and words[0] in _HONORIFICS and not _organisation(value)


def _names_anything(values: Sequence[str]) -> bool:
    """Whether most values are words (names of someone or something), not numbers, codes,
    flags or contacts."""
    wordy = sum(
        1
        for v in values
        if "@" not in v and sum(ch.isalpha() for ch in v) >= 3 and not any(ch.isdigit() for ch in v)
    )
    return len(values) >= 2 and wordy * 2 > len(values)


# A line of a record: a short label, a colon, a value (``Email: ...``, ``Relief: Asylum``).
_LABELLED = re.compile(r"\s*[-*\u2022]?\s*[^\W\d][^:]{0,39}:\s*\S")
# The end of a sentence: a full stop, a question or exclamation mark, before a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_LIST_ITEM_WORDS = 8


def tied_in_prose(
    lines: Sequence[str], at: int, value: str, claimed: Callable[[str], bool], governed: bool
) -> bool:
    """Whether an address (``value``, lower case) found on ``lines[at]`` of a block of prose
    is tied to a claim: the claim is in its sentence or on its line, the block is one record
    of labelled lines with a claim among them, or the block is a list of short items under a
    heading or title that names a claim (``governed``). An address the line does not spell
    as found (spelled out against harvesters) is kept: what cannot be placed is counted."""
    line = lines[at]
    where = line.lower().find(value)
    if where < 0 or claimed(line):
        return True
    if len(lines) > 1 and all(_LABELLED.match(t) for t in lines if t.strip()):
        return claimed(" ".join(lines))
    if governed and all(len(t.split()) <= _LIST_ITEM_WORDS for t in lines):
        return True
    # The sentence around it, which may wrap over the block's lines.
    offset = sum(len(t) + 1 for t in lines[:at]) + where
    text = "\n".join(lines)
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if end.start() > offset:
            return claimed(text[start : end.start()])
        start = end.end()
    return claimed(text[start:])
